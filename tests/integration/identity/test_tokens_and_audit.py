"""API tokens, /v1/me, /health and the audit trail."""
from __future__ import annotations

import json

from tests.support.factories import make_brand


def body(response):
    return json.loads(response.body)


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200 and body(r) == {"status": "ok"}


def test_health_503_when_database_is_down(client, monkeypatch):
    from chalicelib.core.db import connection as db_connection
    from chalicelib.core.settings import reset_settings
    from chalicelib.local.dynamodb_local import free_port

    monkeypatch.setenv("DYNAMODB_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    reset_settings()
    db_connection.reset()
    try:
        r = client.get("/health")
        assert r.status_code == 503 and body(r)["error"]["code"] == "unavailable"
    finally:
        monkeypatch.undo()
        reset_settings()
        db_connection.reset()


def test_me_requires_credentials(client):
    r = client.get("/v1/me")
    assert r.status_code == 401 and body(r)["error"]["code"] == "unauthenticated"
    r = client.get("/v1/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    r = client.get("/v1/me", headers={"Authorization": "Bearer glt_x_y_z"})
    assert r.status_code == 401


def test_token_lifecycle(client, make_user):
    user = make_user()
    me = body(client.get("/v1/me", headers=user.headers))
    assert me["email"] == user.email and me["is_admin"] is False
    r = client.post("/v1/tokens", headers=user.headers, body=json.dumps({"name": "zapier"}))
    assert r.status_code == 201
    created = body(r)
    new_headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/v1/me", headers=new_headers).status_code == 200
    listed = body(client.get("/v1/tokens", headers=user.headers))["items"]
    assert {t["name"] for t in listed} == {"tests", "zapier"}
    assert all("token" not in t and "secret_hash" not in t for t in listed)
    assert client.delete(f"/v1/tokens?id={created['id']}", headers=user.headers).status_code == 204
    assert client.get("/v1/me", headers=new_headers).status_code == 401  # revoked: refused at once
    assert client.delete(f"/v1/tokens?id={created['id']}", headers=user.headers).status_code == 404
    # a token with a valid id but a wrong secret
    forged = created["token"][:-4] + ("aaaa" if not created["token"].endswith("aaaa") else "bbbb")
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, make_user):
    alice, bob = make_user(), make_user()
    created = body(client.post("/v1/tokens", headers=alice.headers, body=json.dumps({"name": "a"})))
    assert client.delete(f"/v1/tokens?id={created['id']}", headers=bob.headers).status_code == 404
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {created['token']}"}).status_code == 200


def test_audit_visible_to_managers_only(client, make_user):
    brand = make_brand()
    manager = make_user("smm_manager", brand=brand)
    writer = make_user("copywriter", brand=brand)
    client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers,
                body=json.dumps({"platform": "telegram", "name": "TG"}))
    r = client.get(f"/v1/audit?brand_id={brand.id}", headers=manager.headers)
    assert r.status_code == 200
    actions = [(e["entity"], e["action"]) for e in body(r)["items"]]
    assert actions[0] == ("channel", "create")
    assert ("brand", "create") in actions and ("membership", "grant") in actions
    assert client.get(f"/v1/audit?brand_id={brand.id}", headers=writer.headers).status_code == 403
    assert client.get("/v1/audit", headers=manager.headers).status_code == 403  # global trail: admins


def test_every_write_has_exactly_one_audit_entry(client, make_user, admin):
    brand_id = body(client.post("/v1/brands", headers=admin.headers,
                                body=json.dumps({"name": "Audited", "slug": "audited-1x", "timezone": "UTC"})))["id"]
    client.patch(f"/v1/brands/{brand_id}", headers=admin.headers, body=json.dumps({"name": "Audited 2"}))
    client.patch(f"/v1/brands/{brand_id}", headers=admin.headers, body=json.dumps({"name": "Audited 2"}))  # no change
    entries = body(client.get(f"/v1/audit?brand_id={brand_id}", headers=admin.headers))["items"]
    assert [(e["entity"], e["action"], e["version"]) for e in entries] == [("brand", "update", 2), ("brand", "create", 1)]


def test_audit_entries_carry_the_request_id(client, admin):
    r = client.post("/v1/brands", headers=admin.headers,
                    body=json.dumps({"name": "Req", "slug": "req-id-1x", "timezone": "UTC"}))
    brand_id = body(r)["id"]
    entries = body(client.get(f"/v1/audit?brand_id={brand_id}", headers=admin.headers))["items"]
    assert entries[0]["request_id"]


def test_change_my_language(client, make_user):
    user = make_user()
    r = client.patch("/v1/me", headers=user.headers, body=json.dumps({"language": "ru", "name": "Анна"}))
    assert r.status_code == 200, r.body
    assert body(r)["language"] == "ru" and body(r)["name"] == "Анна"
    assert body(client.get("/v1/me", headers=user.headers))["language"] == "ru"
    assert client.patch("/v1/me", headers=user.headers, body=json.dumps({"language": "de"})).status_code == 422
