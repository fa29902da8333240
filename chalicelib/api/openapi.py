"""OpenAPI 3.1, generated from the pydantic models each route declared in `http.json_route`."""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic.json_schema import models_json_schema

from chalicelib.api.spec import ROUTES
from chalicelib.schemas.common import ErrorBody

REF = "#/components/schemas/{model}"
ERROR_TEXT = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
              410: "Gone", 415: "Wrong content type", 422: "Invalid input", 503: "Unavailable"}


def _params(path: str, query_model) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[0-9a-z]+$"}}
              for name in re.findall(r"{(\w+)}", path)]
    if query_model is not None:
        schema = query_model.model_json_schema(ref_template=REF)
        for name, prop in schema.get("properties", {}).items():
            if "anyOf" in prop:  # Optional[X]: a query parameter is either absent or an X
                non_null = [p for p in prop["anyOf"] if p.get("type") != "null"]
                prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **(non_null[0] if non_null else {})}
            prop.pop("default", None)
            params.append({"name": name, "in": "query", "required": name in schema.get("required", []),
                           "schema": prop, **({"description": prop["description"]} if "description" in prop else {})})
    return params


@lru_cache(maxsize=1)
def document() -> dict:
    models = {ErrorBody}
    for route in ROUTES:
        models.update(m for m in (route.body, route.response) if m is not None)
    _, definitions = models_json_schema([(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
                                        ref_template=REF)
    paths: dict[str, dict] = {}
    for route in ROUTES:
        op: dict = {"summary": route.summary, "tags": [route.tag],
                    "operationId": f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', route.path.lower()).strip('_')}",
                    "parameters": _params(route.path, route.query), "responses": {}}
        if route.body is not None:
            op["requestBody"] = {"required": True, "content": {route.body_media_type: {
                "schema": {"$ref": REF.format(model=route.body.__name__)}}}}
        ok: dict = {"description": "OK" if route.status != 201 else "Created"}
        if route.response is not None:
            ok["content"] = {route.response_media_type: {"schema": {"$ref": REF.format(model=route.response.__name__)}}}
        op["responses"][str(route.status)] = ok
        codes = set(route.errors) | ({400, 422} if route.body or route.query else set()) | \
            ({415} if route.body else set()) | ({401} if route.auth else set())
        for code in sorted(codes):
            op["responses"][str(code)] = {"description": ERROR_TEXT.get(code, "Error"), "content": {
                "application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}}}
        op["responses"]["500"] = {"description": "Server error", "content": {
            "application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}}}
        if route.auth:
            op["security"] = [{"bearer": []}, {"session": []}]
        paths.setdefault(route.path, {})[route.method.lower()] = op
    paths["/openapi.json"] = {"get": {"summary": "This document", "tags": ["system"], "operationId": "get_openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1",
                                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Greenlight API", "version": "1.0.0",
                 "description": "Content plans, approvals, publishing and influencer deals for SMM teams."},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Personal API token (glt_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "gl_session"},
            },
        },
    }
