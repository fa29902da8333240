"""A webhook channel's handle must be an http(s) URL (issue 5) that the outbound guard would let through
(issue 14: a port other than 80/443/8443 or a private address only when on OUTBOUND_ALLOW_PRIVATE):
422 with a clear message otherwise."""
from __future__ import annotations

import json

import pytest

from tests.support.fake_api import outbound_allowed


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


@pytest.mark.parametrize("handle, says", [
    ("http://127.0.0.1:8002/hook", "port 8002"), ("http://127.0.0.1/hook", "private or reserved"),
    ("http://localhost:443/hook", "private or reserved"), ("http://10.1.2.3/hook", "private or reserved"),
    ("http://169.254.169.254/latest/meta-data/", "private or reserved"), ("http://2130706433/", "private or reserved"),
    ("http://[::ffff:127.0.0.1]/hook", "private or reserved"), ("https://hooks.example.org:6379/x", "port 6379"),
])
def test_webhook_channel_url_the_guard_refuses_is_422(client, make_user, brand, handle, says):
    manager = make_user("smm_manager", brand=brand)
    r = client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers,
                    body=json.dumps({"platform": "webhook", "name": "Hook", "handle": handle}))
    assert r.status_code == 422, r.body
    error = body(r)["error"]
    assert "webhook" in error["message"].lower() and says in error["message"]
    assert error["details"][0]["field"] == "handle" and "://" not in error["message"]


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
    assert r.status_code == 422 and "port 8002 is not allowed" in body(r)["error"]["message"]
    with outbound_allowed("127.0.0.1:8002"):  # as `make run` allows its demo receiver
        r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers,
                         body=json.dumps({"handle": "http://127.0.0.1:8002/hook"}))
    assert r.status_code == 200 and body(r)["handle"] == "http://127.0.0.1:8002/hook"
    r = client.post(f"/v1/brands/{brand.id}/channels", headers=manager.headers,
                    body=json.dumps({"platform": "telegram", "name": "TG", "handle": "@acme"}))
    assert r.status_code == 201
