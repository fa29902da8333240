"""OpenAPI 3.1, generated from the pydantic models each route declared in `api.json_route`.

Request bodies are described as pydantic validates them, responses as pydantic serializes them.
Every error any route can answer is `ErrorBody`; the set of error codes per operation is what the
route declared plus what the JSON door itself can produce (see `_error_codes`).
tests/integration/core/test_openapi.py checks the document against the routes, tests/e2e/test_fuzz.py
checks the running API against the document.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic.json_schema import models_json_schema

from chalicelib.core.http.spec import ROUTES, RouteSpec
from chalicelib.core.schemas import ErrorBody

REF = "#/components/schemas/{model}"
ERROR_TEXT = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
              410: "Gone", 415: "Wrong content type", 422: "Invalid input", 500: "Server error",
              503: "Unavailable (the database did not answer); retry later"}
# Ids are ULIDs in lower case; anything else is simply not found.
PATH_PARAMETER = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[0-9a-z]+$"}


def _params(path: str, query_model) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": dict(PATH_PARAMETER)}
              for name in re.findall(r"{(\w+)}", path)]
    if query_model is not None:
        schema = query_model.model_json_schema(ref_template=REF)
        for name, prop in schema.get("properties", {}).items():
            if "anyOf" in prop:  # Optional[X]: a query parameter is either absent or an X
                non_null = [p for p in prop["anyOf"] if p.get("type") != "null"]
                prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **(non_null[0] if non_null else {})}
            if "$ref" in prop:  # an enum: inline it (a query parameter's schema is not a component)
                defined = schema.get("$defs", {}).get(prop["$ref"].rsplit("/", 1)[-1], {})
                prop = {**{k: v for k, v in defined.items() if k != "title"},
                        **{k: v for k, v in prop.items() if k != "$ref"}}
            prop.pop("default", None)
            params.append({"name": name, "in": "query", "required": name in schema.get("required", []),
                           "schema": prop, **({"description": prop["description"]} if "description" in prop else {})})
    return params


def _error_codes(route: RouteSpec) -> list[int]:
    """What the route declared, plus what the JSON door answers on its own:
    400 malformed JSON or a foreign page cursor, 415 a body that is not JSON, 422 invalid fields,
    401 no or a bad credential, 403 a change sent with the session cookie from another site (cross_site),
    500 a crash (logged, no stack trace), 503 DynamoDB not answering."""
    codes = set(route.errors) | {500, 503}
    if route.body is not None or route.raw_body:
        codes |= {400, 415, 422}
    if route.query is not None:
        codes |= {400, 422}
    if route.auth:
        codes.add(401)
        if route.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.add(403)
    return sorted(codes)


def _name(model) -> str:
    return model.__name__


def _operation_id(route: RouteSpec) -> str:
    return f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', route.path.lower()).strip('_')}"


@lru_cache(maxsize=1)
def document() -> dict:
    inputs = {route.body for route in ROUTES if route.body is not None}
    outputs = {route.response for route in ROUTES if route.response is not None} | {ErrorBody}
    keys, definitions = models_json_schema(
        [(m, "validation") for m in sorted(inputs, key=_name)] +
        [(m, "serialization") for m in sorted(outputs, key=_name)],
        ref_template=REF)
    error_schema = keys[(ErrorBody, "serialization")]

    paths: dict[str, dict] = {}
    for route in ROUTES:
        op: dict = {"summary": route.summary, "tags": [route.tag], "operationId": _operation_id(route),
                    "parameters": _params(route.path, route.query), "responses": {}}
        if route.body is not None:
            op["requestBody"] = {"required": True, "content": {
                route.body_media_type: {"schema": keys[(route.body, "validation")]}}}
        elif route.raw_body:
            op["requestBody"] = {"required": True, "content": {route.raw_body: {"schema": {"type": "string"}}}}
        ok: dict = {"description": {201: "Created", 204: "Done, no content"}.get(route.status, "OK")}
        if route.response is not None and route.status != 204:
            ok["content"] = {route.response_media_type: {"schema": keys[(route.response, "serialization")]}}
        elif route.raw_response:
            ok["content"] = {route.raw_response: {"schema": {"type": "string"}}}
        op["responses"][str(route.status)] = ok
        for code in _error_codes(route):
            op["responses"][str(code)] = {"description": ERROR_TEXT.get(code, "Error"),
                                          "content": {"application/json": {"schema": error_schema}}}
        if route.auth:
            op["security"] = [{"bearer": []}, {"session": []}]
        paths.setdefault(route.path, {})[route.method.lower()] = op
    paths["/openapi.json"] = {"get": {"summary": "This document", "tags": ["system"], "operationId": "get_openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1",
                                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Greenlight API", "version": "1.0.0",
                 "description": "Content plans, approvals, publishing and influencer deals for SMM teams.\n\n"
                                "Every error is `ErrorBody`: `{\"error\": {\"code\", \"message\", \"details\"}}`. "
                                "Lists are paged: pass the `cursor` of one page to get the next."},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Personal API token (glt_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "gl_session"},
            },
        },
    }
