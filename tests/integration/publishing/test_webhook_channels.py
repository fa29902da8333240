"""A webhook channel's handle must be an http(s) URL (issue 5): 422 with a clear message otherwise."""
from __future__ import annotations

import json

import pytest


def body(response):
    return json.loads(response.body)


@pytest.mark.parametrize("handle", [None, "not a url", "ftp://example.org/x", "https://", "javascript:alert(1)",
                                    "https://exa mple.org/x"])
def test_webhook_channel_needs_http_url(client, make_user, brand, handle):
    manager = make_user("smm_manager", brand=brand)
    data = {"platform": "webhook", "name": "Hook"}
    if handle is not None:
        data["handle"] = handle
    r = client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers, body=json.dumps(data))
    assert r.status_code == 422, r.body
    error = body(r)["error"]
    assert "webhook" in error["message"].lower() and error["details"][0]["field"] == "handle"


def test_webhook_channel_patch_checks_url_and_others_unaffected(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers,
                    body=json.dumps({"platform": "webhook", "name": "Hook", "handle": "https://hooks.example.org/gl"}))
    assert r.status_code == 201, r.body
    channel_id = body(r)["id"]
    r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers, body=json.dumps({"handle": "file:///etc/passwd"}))
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "handle"
    r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers, body=json.dumps({"handle": None}))
    assert r.status_code == 422
    r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers,
                     body=json.dumps({"handle": "http://127.0.0.1:8002/hook"}))
    assert r.status_code == 200 and body(r)["handle"] == "http://127.0.0.1:8002/hook"
    r = client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers,
                    body=json.dumps({"platform": "telegram", "name": "TG", "handle": "@acme"}))
    assert r.status_code == 201
