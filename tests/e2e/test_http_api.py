"""Plain HTTP against a real `chalice local` (our launcher) on DynamoDB Local, as a script would use it.

The API token comes from the operator CLI in a subprocess, exactly as the README tells people to
get one; nothing here reaches into the app's Python objects.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import requests

from tests.conftest import PROJECT_DIR

TIMEOUT = 30
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', ".py\", line ", "botocore.", "pynamodb.")


def create_user_with_token(email: str, role: str = "admin", *extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "create-user", email, "--role", role, "--token", *extra],
        cwd=PROJECT_DIR, env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("glt_"), result.stdout
    return token


def assert_json(response: requests.Response) -> dict:
    assert response.headers["Content-Type"].split(";")[0] == "application/json", response.headers
    text = response.text
    for marker in TRACE_MARKERS:
        assert marker not in text, f"stack trace or internals in a body: {text[:500]}"
    return response.json()


def assert_error(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    payload = assert_json(response)
    assert set(payload) == {"error"}
    error = payload["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


@pytest.fixture(scope="module")
def api(live_server):
    """A requests session signed in with a fresh admin token from the CLI."""
    token = create_user_with_token(f"e2e-{uuid.uuid4().hex[:8]}@example.com")
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        session.base = live_server
        yield session


def call(session, method: str, path: str, **kwargs) -> requests.Response:
    return session.request(method, f"{session.base}{path}", timeout=TIMEOUT, **kwargs)


def test_health(live_server):
    r = requests.get(f"{live_server}/health", timeout=TIMEOUT)
    assert r.status_code == 200
    assert assert_json(r) == {"status": "ok"}
    assert r.headers["Cache-Control"] == "no-store"


def test_openapi_document_is_served(live_server):
    r = requests.get(f"{live_server}/openapi.json", timeout=TIMEOUT)
    assert r.status_code == 200
    assert assert_json(r)["openapi"].startswith("3.1")


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/does/not/exist"),
    ("POST", "/v1/nothing-here"),
    ("GET", "/v2/brands"),
])
def test_unknown_route_is_404_in_our_error_shape(live_server, method, path):
    r = requests.request(method, f"{live_server}{path}", timeout=TIMEOUT)
    assert_error(r, 404, "not_found")


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW", "DELETE"])
def test_a_method_the_route_does_not_know_is_405_in_our_error_shape(live_server, method):
    """The dev server answered methods it has no handler for (TRACE …) with 501 and an HTML page."""
    r = requests.request(method, f"{live_server}/health", timeout=TIMEOUT)
    error = assert_error(r, 405, "method_not_allowed")
    assert "This route does not answer" in error["message"] and r.headers["Allow"] == "GET"


def test_an_unknown_method_on_an_unknown_path_is_404_in_our_error_shape(live_server):
    assert_error(requests.request("TRACE", f"{live_server}/v1/nothing-here", timeout=TIMEOUT), 404, "not_found")


def test_no_token_is_401(live_server):
    assert_error(requests.get(f"{live_server}/v1/me", timeout=TIMEOUT), 401, "unauthenticated")
    r = requests.get(f"{live_server}/v1/me", headers={"Authorization": "Bearer glt_forged"}, timeout=TIMEOUT)
    assert_error(r, 401, "unauthenticated")
    assert "glt_forged" not in r.text  # a credential is never echoed


def test_cli_token_works(api):
    r = call(api, "GET", "/v1/me")
    assert r.status_code == 200
    me = assert_json(r)
    assert me["is_admin"] is True and me["email"].startswith("e2e-")


def test_brand_and_channel_lifecycle(api):
    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    r = call(api, "POST", "/v1/brands", json={"name": "E2E Brand", "slug": slug, "timezone": "Europe/Moscow"})
    assert r.status_code == 201, r.text
    brand_id = assert_json(r)["id"]

    r = call(api, "POST", f"/v1/brands/{brand_id}/channels",
             json={"platform": "telegram", "name": "News", "handle": "@news", "credentials_ref": "env:GL_BRAND_TG_TOKEN"})
    assert r.status_code == 201, r.text
    channel_id = assert_json(r)["id"]

    r = call(api, "GET", f"/v1/channels/{channel_id}")
    assert r.status_code == 200
    channel = assert_json(r)
    assert channel == {**channel, "id": channel_id, "brand_id": brand_id, "platform": "telegram", "name": "News",
                       "handle": "@news", "credentials_ref": "env:GL_BRAND_TG_TOKEN", "version": 1}

    r = call(api, "PATCH", f"/v1/channels/{channel_id}", json={"name": "News (RU)", "version": 1})
    assert r.status_code == 200, r.text
    patched = assert_json(r)
    assert patched["name"] == "News (RU)" and patched["version"] == 2 and patched["handle"] == "@news"
    # The old version no longer applies: an optimistic-lock conflict, not a silent overwrite.
    r = call(api, "PATCH", f"/v1/channels/{channel_id}", json={"name": "Stale", "version": 1})
    assert assert_error(r, 409, "conflict")
    assert assert_json(call(api, "GET", f"/v1/channels/{channel_id}"))["name"] == "News (RU)"

    r = call(api, "PATCH", f"/v1/brands/{brand_id}", json={"name": "E2E Brand 2"})
    assert r.status_code == 200 and assert_json(r)["name"] == "E2E Brand 2"


def test_channel_list_pages(api):
    r = call(api, "POST", "/v1/brands", json={"name": "Paged", "slug": f"paged-{uuid.uuid4().hex[:8]}",
                                              "timezone": "UTC"})
    brand_id = assert_json(r)["id"]
    made = set()
    for n in range(5):
        r = call(api, "POST", f"/v1/brands/{brand_id}/channels", json={"platform": "vk", "name": f"VK {n}"})
        assert r.status_code == 201, r.text
        made.add(r.json()["id"])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = call(api, "GET", f"/v1/brands/{brand_id}/channels", params=params)
        assert r.status_code == 200, r.text
        page = assert_json(r)
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        pages += 1
        cursor = page["cursor"]
        if not cursor:
            break
        assert pages < 10, "paging does not end"
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert pages >= 3
    # A cursor from one list is refused by another, as a 400, not a database error.
    other = call(api, "GET", "/v1/brands", params={"limit": 1}).json()["cursor"]
    if other:
        assert_error(call(api, "GET", f"/v1/brands/{brand_id}/channels", params={"cursor": other}), 400, "bad_request")
    assert_error(call(api, "GET", f"/v1/brands/{brand_id}/channels", params={"cursor": "garbage"}), 400, "bad_request")


def test_malformed_json_is_400(api):
    r = call(api, "POST", "/v1/brands", data=b"{not json", headers={"Content-Type": "application/json"})
    error = assert_error(r, 400, "bad_request")
    assert "JSON" in error["message"]
    r = call(api, "POST", "/v1/brands", data=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad_request")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    data = "name=x&slug=y" if content_type else b'{"name": "x"}'
    r = requests.post(f"{api.base}/v1/brands", data=data, timeout=TIMEOUT,
                      headers={"Authorization": api.headers["Authorization"], **headers})
    assert_error(r, 415, "unsupported_media_type")


def test_invalid_fields_are_422_with_details(api):
    r = call(api, "POST", "/v1/brands", json={"name": "X", "slug": "Bad Slug", "timezone": "Mars/Olympus",
                                              "colour": "red"})
    error = assert_error(r, 422, "validation_error")
    assert {d["field"] for d in error["details"]} >= {"slug", "timezone", "colour"}


def test_success_responses_are_json_and_not_cached(api):
    r = call(api, "GET", "/v1/brands", params={"limit": 1})
    assert r.status_code == 200
    assert_json(r)
    assert r.headers["Cache-Control"] == "no-store"


def test_wrong_method_on_a_known_route_is_a_clean_4xx(api):
    r = call(api, "PUT", "/v1/me", json={})
    assert 400 <= r.status_code < 500
    for marker in TRACE_MARKERS:
        assert marker not in r.text


@pytest.mark.parametrize("path", ["/v1/channels/{id}", "/v1/brands/{id}"])
def test_an_overlong_id_is_404_not_a_crash(api, path):
    """Ids are documented as ^[0-9a-z]{1,64}$; a longer one is simply not found. (DynamoDB refuses keys
    over 2048 bytes with a ValidationException, which must not surface as a 500.)"""
    r = call(api, "GET", path.format(id="a" * 3000))
    assert_error(r, 404, "not_found")
