"""GET /openapi.json: a valid OpenAPI 3.1 document that describes exactly the JSON routes the app has.

"JSON route" means: registered through `chalicelib.core.http.api.json_route` (the JSON door), plus the
document itself. The server-rendered pages (chalicelib/web/) are HTML and deliberately not in it.
"""
from __future__ import annotations

import json
import re

import jsonschema_rs
import pytest

from chalicelib.core.http import api as json_door

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def body(response):
    return json.loads(response.body)


def content_type(response) -> str:
    return {k.lower(): v for k, v in response.headers.items()}["content-type"]


@pytest.fixture(scope="module")
def doc(app):
    from chalice.test import Client

    with Client(app, stage_name="local") as c:
        r = c.http.get("/openapi.json")
    assert r.status_code == 200
    assert content_type(r) == "application/json"
    return json.loads(r.body)


def is_json_door(view) -> bool:
    """True for the handler `json_route` registers (its inner function, whatever view it wraps)."""
    code = getattr(view, "__code__", None)
    return (code is not None and code.co_filename == json_door.__file__
            and code.co_qualname == "json_route.<locals>.decorator.<locals>.handler")


def app_operations(app) -> dict[tuple[str, str], object]:
    return {(path, method.lower()): entry.view_function
            for path, methods in app.routes.items() for method, entry in methods.items()}


def json_operations(app) -> set[tuple[str, str]]:
    ops = {key for key, view in app_operations(app).items() if is_json_door(view)}
    return ops | {("/openapi.json", "get")}


def doc_operations(doc) -> set[tuple[str, str]]:
    return {(path, method) for path, item in doc["paths"].items() for method in item if method in HTTP_METHODS}


def schema_validator(doc, name: str):
    """A JSON Schema validator for one component, with the document's components resolvable."""
    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": doc["components"]})


def refs_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


# --- the document is OpenAPI 3.1 -----------------------------------------------------------------

def test_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1.")
    try:  # the reference validator, when installed
        from openapi_spec_validator import validate
    except ImportError:  # schemathesis ships the official 3.1 meta-schema (OAI/OpenAPI-Specification)
        from schemathesis.specs.openapi.definitions import OPENAPI_31

        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
                  for e in jsonschema_rs.Draft202012Validator(OPENAPI_31).iter_errors(doc)]
        assert not errors, "\n".join(errors[:20])
    else:
        validate(doc)


def test_every_component_is_a_valid_json_schema_2020_12(doc):
    for name, schema in doc["components"]["schemas"].items():
        jsonschema_rs.meta.validate(schema)  # raises with the reason
        assert schema.get("type") == "object" or "enum" in schema, name


def test_every_ref_resolves(doc):
    for ref in set(refs_in(doc)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"], f"dangling {ref}"


def test_operation_ids_are_unique(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for method, op in item.items() if method in HTTP_METHODS]
    assert len(ids) == len(set(ids))


def test_served_document_is_the_generated_one(doc):
    from chalicelib.core.http.openapi import document

    assert doc == json.loads(json.dumps(document()))


# --- the document and the routes are the same set --------------------------------------------------

def test_every_json_route_is_documented(app, doc):
    missing = json_operations(app) - doc_operations(doc)
    assert not missing, f"routes missing from /openapi.json: {sorted(missing)}"


def test_every_documented_operation_is_a_real_json_route(app, doc):
    real = app_operations(app)
    for path, method in doc_operations(doc):
        assert (path, method) in real, f"{method.upper()} {path} is documented but not routed"
        assert (path, method) in json_operations(app), f"{method.upper()} {path} is not a JSON route"


def test_html_pages_are_not_in_the_document(app, doc):
    pages = set(app_operations(app)) - json_operations(app)
    assert not pages & doc_operations(doc)


def test_route_specs_and_routes_agree(app):
    """Each `json_route` call registered one route and one spec (none lost, none doubled)."""
    from chalicelib.core.http.spec import ROUTES

    specs = [(r.path, r.method.lower()) for r in ROUTES]
    assert len(specs) == len(set(specs)), "a JSON route was described twice"
    assert set(specs) == json_operations(app) - {("/openapi.json", "get")}


# --- each operation says what the route accepts and answers ---------------------------------------

def route_specs():
    import app as _  # noqa: F401 - registers the routes
    from chalicelib.core.http.spec import ROUTES

    return ROUTES


@pytest.fixture(params=range(len(route_specs())), ids=lambda i: f"{route_specs()[i].method} {route_specs()[i].path}")
def spec_and_op(request, doc):
    spec = route_specs()[request.param]
    return spec, doc["paths"][spec.path][spec.method.lower()]


def test_path_and_query_parameters(spec_and_op):
    spec, op = spec_and_op
    params = {(p["in"], p["name"]): p for p in op["parameters"]}
    path_names = re.findall(r"{(\w+)}", spec.path)
    assert {name for where, name in params if where == "path"} == set(path_names)
    for name in path_names:
        assert params[("path", name)]["required"] is True
        assert params[("path", name)]["schema"]["type"] == "string"
    query = {field.alias or name: field for name, field in (spec.query.model_fields if spec.query else {}).items()}
    assert {name for where, name in params if where == "query"} == set(query)
    for name, field in query.items():
        assert params[("query", name)]["required"] is field.is_required(), name
        assert "schema" in params[("query", name)]
    assert not {where for where, _ in params} - {"path", "query"}


def test_request_body(spec_and_op, doc):
    spec, op = spec_and_op
    if spec.body is None and spec.raw_body:
        assert op["requestBody"]["content"] == {spec.raw_body: {"schema": {"type": "string"}}}
        return
    if spec.body is None:
        assert "requestBody" not in op
        return
    request_body = op["requestBody"]
    assert request_body["required"] is True
    assert list(request_body["content"]) == ["application/json"]
    ref = request_body["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema.get("additionalProperties") is False, "request bodies reject unknown fields"
    assert set(schema["properties"]) == set(spec.body.model_fields)
    assert set(schema.get("required", [])) == {n for n, f in spec.body.model_fields.items() if f.is_required()}


def test_success_response(spec_and_op, doc):
    spec, op = spec_and_op
    ok = op["responses"][str(spec.status)]
    if spec.raw_response:
        assert ok["content"] == {spec.raw_response: {"schema": {"type": "string"}}}
        return
    if spec.status == 204 or spec.response is None:
        assert "content" not in ok
        return
    ref = ok["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    on_the_wire = {f.serialization_alias or f.alias or name for name, f in spec.response.model_fields.items()}
    assert set(schema["properties"]) == on_the_wire
    success = [code for code in op["responses"] if code.startswith("2")]
    assert success == [str(spec.status)]


def test_error_responses(spec_and_op):
    spec, op = spec_and_op
    documented = {int(code) for code in op["responses"] if not code.startswith("2")}
    expected = set(spec.errors) | {500, 503}
    if spec.body is not None or spec.raw_body:
        expected |= {400, 415, 422}
    if spec.query is not None:
        expected |= {400, 422}
    if spec.auth:
        expected |= {401}
        if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
            expected |= {403}  # cross_site: a change sent with the session cookie from another origin
    assert documented == expected
    for code in documented:
        content = op["responses"][str(code)]["content"]
        assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}, code


def test_security(spec_and_op, doc):
    spec, op = spec_and_op
    if spec.auth:
        assert op["security"] == [{"bearer": []}, {"session": []}]
        for scheme in ("bearer", "session"):
            assert scheme in doc["components"]["securitySchemes"]
    else:
        assert "security" not in op


# --- the error shape, in the document and on the wire -----------------------------------------------

def test_error_body_schema(doc):
    schemas = doc["components"]["schemas"]
    error_body = schemas["ErrorBody"]
    assert error_body["required"] == ["error"]
    info = schemas[error_body["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(info["required"]) == {"code", "message"}
    assert set(info["properties"]) >= {"code", "message", "details"}
    assert info["properties"]["details"]["type"] == "array"


def test_real_errors_match_error_body(doc, client, admin):
    validator = schema_validator(doc, "ErrorBody")
    bad_token = {"Authorization": "Bearer glt_nope", "Content-Type": "application/json"}
    answers = [
        client.get("/v1/me"),                                                              # 401
        client.get("/v1/me", headers=bad_token),                                            # 401
        client.get("/v1/brands/nosuchbrand", headers=admin.headers),                        # 404
        client.get("/v1/no/such/route", headers=admin.headers),                             # 404 (gateway)
        client.post("/v1/brands", headers=admin.headers, body="{oops"),                     # 400
        client.post("/v1/brands", headers={**admin.headers, "Content-Type": "text/plain"}, body="x"),  # 415
        client.post("/v1/brands", headers=admin.headers, body=json.dumps({"name": ""})),    # 422
        client.get("/v1/brands?cursor=forged", headers=admin.headers),                      # 400
        client.get("/v1/brands?limit=0", headers=admin.headers),                            # 422
    ]
    assert [a.status_code for a in answers] == [401, 401, 404, 404, 400, 415, 422, 400, 422]
    for answer in answers:
        payload = body(answer)
        validator.validate(payload)
        assert set(payload) == {"error"}
        assert {"code", "message", "details"} <= set(payload["error"])
        assert isinstance(payload["error"]["details"], list)
        assert content_type(answer) == "application/json"


def test_real_success_bodies_match_their_schemas(doc, client, admin):
    created = client.post("/v1/brands", headers=admin.headers,
                          body=json.dumps({"name": "Doc", "slug": "doc-check", "timezone": "UTC"}))
    assert created.status_code == 201
    schema_validator(doc, "Created").validate(body(created))
    brand_id = body(created)["id"]
    schema_validator(doc, "BrandOut").validate(body(client.get(f"/v1/brands/{brand_id}", headers=admin.headers)))
    schema_validator(doc, "BrandList").validate(body(client.get("/v1/brands?limit=2", headers=admin.headers)))
    schema_validator(doc, "MeOut").validate(body(client.get("/v1/me", headers=admin.headers)))
    r = client.post(f"/v1/brands/{brand_id}/channels", headers=admin.headers,
                    body=json.dumps({"platform": "vk", "name": "VK", "timezone": "Europe/Moscow"}))
    channel = body(client.get(f"/v1/channels/{body(r)['id']}", headers=admin.headers))
    schema_validator(doc, "ChannelOut").validate(channel)
    schema_validator(doc, "ChannelList").validate(
        body(client.get(f"/v1/brands/{brand_id}/channels", headers=admin.headers)))
    schema_validator(doc, "AuditList").validate(
        body(client.get(f"/v1/audit?brand_id={brand_id}", headers=admin.headers)))
