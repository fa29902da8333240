"""A change to /v1 signed in by the session cookie must come from our own pages (Sec-Fetch-Site, else
Origin = PUBLIC_BASE_URL's origin): another site can make a browser send the cookie, and a bodyless
POST needs no JSON content type. API tokens are not sent by browsers on their own: no check for them.
(identity/doors.py decides when, core/http/api.require_same_origin how.)"""
from __future__ import annotations

import json

import pytest

from chalicelib.core.errors import Forbidden
from chalicelib.core.http.api import CrossSiteRequest, origin_of, require_same_origin
from chalicelib.core.settings import reset_settings
from tests.support.web import Browser, own_origin, sign_in

EVIL = "https://evil.example"


def body(response):
    return json.loads(response.body)


@pytest.fixture
def person(make_user, brand):
    return make_user("copywriter", brand=brand)


@pytest.fixture
def browser(client, outbox, person) -> Browser:
    """Signed in through the outbox link: a session cookie, no token."""
    signed_in = sign_in(client, outbox, person.email)
    assert "Authorization" not in signed_in.headers
    return signed_in


def refused(r) -> bool:
    return r.status_code == 403 and body(r)["error"]["code"] == "cross_site"


# --- cookie: refused from anywhere else ------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Origin": EVIL},
    {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://greenlight.evil.example"},
    {"Origin": "null"},  # sandboxed frames, data: URLs, some redirects
    {"Origin": ""},  # neither header: not a browser on our pages
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another origin
])
def test_a_cross_site_bodyless_post_with_the_cookie_is_refused_and_changes_nothing(browser, headers):
    r = browser.api("POST", "/v1/me/calendar-feed", **headers)
    assert refused(r), (r.status_code, r.body)
    assert "API token" in body(r)["error"]["message"]
    assert browser.api("GET", "/v1/me/calendar-feed").json_body["url"] is None


def test_a_cross_site_patch_and_delete_with_the_cookie_are_refused(browser, person, client):
    r = browser.api("PATCH", "/v1/me", {"name": "Mallory"}, Origin=EVIL)
    assert refused(r)
    assert browser.api("GET", "/v1/me").json_body["name"] != "Mallory"

    tokens = client.get("/v1/tokens", headers={"Authorization": f"Bearer {person.token}"}).json_body["items"]
    r = browser.api("DELETE", f"/v1/tokens?id={tokens[0]['id']}", Origin=EVIL)
    assert refused(r)
    after = client.get("/v1/tokens", headers={"Authorization": f"Bearer {person.token}"}).json_body["items"]
    assert after == tokens


def test_refused_before_the_body_is_read(browser):
    r = browser.api("POST", "/v1/tokens", Origin=EVIL, Content_Type="text/plain")  # would be 415 otherwise
    assert refused(r)


def test_reading_with_the_cookie_needs_no_origin(browser, person):
    r = browser.api("GET", "/v1/me", Origin=EVIL, Sec_Fetch_Site="cross-site")
    assert r.status_code == 200 and r.json_body["email"] == person.email


# --- cookie: from our own pages it works -----------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {},  # the browser helper sends our Origin, as a browser does on every POST
    {"Origin": own_origin().upper()},
    {"Origin": own_origin(), "Sec-Fetch-Site": "same-origin"},
    {"Origin": "", "Sec-Fetch-Site": "same-origin"},
    {"Origin": "", "Sec-Fetch-Site": "none"},  # the person did it themselves
])
def test_a_same_origin_change_with_the_cookie_works(browser, headers):
    r = browser.api("POST", "/v1/me/calendar-feed", **headers)
    assert r.status_code == 200, r.body
    assert r.json_body["url"]


def test_same_origin_patch_works(browser):
    r = browser.api("PATCH", "/v1/me", {"name": "Renamed Person"})
    assert r.status_code == 200 and r.json_body["name"] == "Renamed Person"


def test_sec_fetch_site_wins_over_origin(browser):
    r = browser.api("POST", "/v1/me/calendar-feed", Origin=own_origin(), Sec_Fetch_Site="cross-site")
    assert refused(r)


def test_without_a_valid_cookie_it_is_still_401(client):
    r = client.post("/v1/me/calendar-feed", headers={"Origin": EVIL, "Cookie": "gl_session=forged"})
    assert r.status_code == 401 and body(r)["error"]["code"] == "unauthenticated"


# --- API tokens: no Origin needed ------------------------------------------------------------------

def test_a_bearer_token_without_origin_works(client, person):
    r = client.post("/v1/me/calendar-feed", headers={"Authorization": f"Bearer {person.token}"})
    assert r.status_code == 200, r.body
    r = client.patch("/v1/me", headers={**person.headers}, body=json.dumps({"name": "Script"}))
    assert r.status_code == 200 and body(r)["name"] == "Script"


def test_a_bearer_token_with_a_foreign_origin_works_too(client, person, browser):
    # The token decides, not the cookie that came along: tokens are never sent by a browser on its own.
    r = browser.api("POST", "/v1/me/calendar-feed", Origin=EVIL, Authorization=f"Bearer {person.token}")
    assert r.status_code == 200, r.body


# --- the rule itself -------------------------------------------------------------------------------

@pytest.mark.parametrize("url, origin", [
    ("https://greenlight.example.com", "https://greenlight.example.com"),
    ("https://Greenlight.Example.com:443/api", "https://greenlight.example.com"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("http://localhost:80/", "http://localhost"),
    ("https://abc123.execute-api.eu-central-1.amazonaws.com/api", "https://abc123.execute-api.eu-central-1.amazonaws.com"),
    ("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443"),
    ("ftp://example.com", None),
    ("null", None),
    ("https://example.com:99999", None),
])
def test_origin_of(url, origin):
    assert origin_of(url) == origin


def test_behind_a_stage_path_the_origin_is_scheme_and_host(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://abc123.execute-api.eu-central-1.amazonaws.com/api")
    reset_settings()
    try:
        require_same_origin({"origin": "https://abc123.execute-api.eu-central-1.amazonaws.com"})
        with pytest.raises(CrossSiteRequest):
            require_same_origin({"origin": "https://abc123.execute-api.eu-central-1.amazonaws.com.evil.example"})
        with pytest.raises(CrossSiteRequest):
            require_same_origin({"origin": "http://abc123.execute-api.eu-central-1.amazonaws.com"})  # not https
    finally:
        monkeypatch.undo()
        reset_settings()


def test_the_refusal_is_a_forbidden_with_its_own_code_and_texts():
    from chalicelib.core import i18n

    assert issubclass(CrossSiteRequest, Forbidden) and CrossSiteRequest.status == 403
    for language in i18n.LANGUAGES:
        assert i18n.translate("error.cross_site.title", language)
        assert i18n.translate("error.cross_site.message", language)
    assert "Greenlight" in i18n.translate("error.cross_site.message", "ru")
