"""The web pages through the real app on DynamoDB Local: sign-in by email link, CSRF, cookies,
brand pages and their forms, errors, languages, headers."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import time_machine

from chalicelib.core.clock import utcnow
from chalicelib.core.http import cookies as web_cookies
from chalicelib.core.http import csrf
from chalicelib.core.settings import Settings, get_settings
from tests.support.mail import html_of, latest_to, messages, text_of
from tests.support.web import (
    Browser,
    cookie_named,
    csrf_token_in,
    hidden,
    html,
    location,
    request_link,
    set_cookies,
    sign_in,
    verify_path,
)


@pytest.fixture
def manager(make_user, brand):
    return make_user("smm_manager", brand=brand)


@pytest.fixture
def as_manager(client, manager):
    """The manager through a bearer token (pages accept it like the API), with a CSRF cookie jar."""
    return Browser(client, Authorization=f"Bearer {manager.token}")


# --- sign-in by email link -----------------------------------------------------------------------

def test_sign_in_round_trip_and_the_link_is_single_use(client, outbox, brand, make_user):
    user = make_user("copywriter", brand=brand)
    browser = Browser(client)
    r = browser.get("/")
    assert r.status_code == 303 and location(r) == "/sign-in"

    link = request_link(browser, outbox, user.email)
    mail = latest_to(outbox, user.email)
    assert mail["Subject"] == "Your Greenlight sign-in link"
    assert link.split("?")[0] in text_of(mail) and "15 minutes" in text_of(mail)
    assert "Sign in to Greenlight" in html_of(mail)  # the big button

    for _ in range(3):  # mail scanners fetch links: looking must not use the link up
        page = browser.get(link)
        assert page.status_code == 200
        assert f"Sign in as {user.email}" in html(page)
        assert page.headers["Cache-Control"] == "no-store"
    token = hidden(page, "token")

    r = browser.post("/auth/verify", {"token": token, csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303 and location(r) == "/"
    session = cookie_named(r, "gl_session")
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Path=/" in session
    assert f"Max-Age={get_settings().SESSION_TTL_HOURS * 3600}" in session
    assert "Secure" not in session  # STAGE=local serves plain http

    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    assert brand.name in html(dashboard) and "Copywriter" in html(dashboard)

    again = browser.get(link)  # used: the confirmation page now says so
    assert again.status_code == 410 and 'href="/sign-in"' in html(again)
    fresh = Browser(client)
    page = fresh.get("/sign-in")
    r = fresh.post("/auth/verify", {"token": token, csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 410 and "gl_session" not in fresh.cookies


def test_sign_in_returns_to_the_page_asked_for(client, outbox, brand, manager):
    browser = Browser(client)
    r = browser.get(f"/brands/{brand.id}?done=channel_added")
    assert r.status_code == 303
    target = f"/brands/{brand.id}?done=channel_added"
    assert location(r) == "/sign-in?" + urlencode({"next": target})

    page = browser.get(location(r))
    assert hidden(page, "next") == target
    r = browser.post("/sign-in", {"email": manager.email, "next": target, csrf.FIELD: csrf_token_in(page)})
    page = browser.get(verify_path(outbox, manager.email))
    r = browser.post("/auth/verify", {"token": hidden(page, "token"), csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303 and location(r) == target


def test_sign_in_never_redirects_off_site(client, outbox, manager):
    browser = Browser(client)
    link = request_link(browser, outbox, manager.email, next_path="//evil.example/x")
    page = browser.get(link)
    r = browser.post("/auth/verify", {"token": hidden(page, "token"), csrf.FIELD: csrf_token_in(page)})
    assert location(r) == "/"


def test_expired_link_is_gone(client, outbox, manager):
    browser = Browser(client)
    link = request_link(browser, outbox, manager.email)
    later = timedelta(minutes=get_settings().MAGIC_LINK_TTL_MINUTES, seconds=5)
    with time_machine.travel(utcnow() + later, tick=False):
        page = browser.get(link)
        assert page.status_code == 410
        assert "expired" in html(page) and 'href="/sign-in"' in html(page)
        token = parse_qs(urlsplit(link).query)["token"][0]
        r = browser.post("/auth/verify", {"token": token, csrf.FIELD: csrf_token_in(browser.get("/sign-in"))})
        assert r.status_code == 410 and "gl_session" not in browser.cookies


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),  # signature broken
    lambda token: "x" + token,
    lambda token: "",
])
def test_tampered_link_is_400(client, outbox, manager, mangle):
    browser = Browser(client)
    link = request_link(browser, outbox, manager.email)
    token = parse_qs(urlsplit(link).query)["token"][0]
    bad = mangle(token)
    page = browser.get("/auth/verify?" + urlencode({"token": bad}))
    assert page.status_code == 400
    assert "Traceback" not in html(page) and "This link does not work" in html(page)
    r = browser.post("/auth/verify", {"token": bad, csrf.FIELD: csrf_token_in(browser.get("/sign-in"))})
    assert r.status_code == 400
    assert browser.get(link).status_code == 200  # the real link still works


def test_unknown_email_gets_the_same_answer_as_a_known_one(client, outbox, manager):
    browser = Browser(client)
    known = browser.submit("/sign-in", "/sign-in", {"email": manager.email})
    unknown_email = "nobody-" + manager.email
    unknown = browser.submit("/sign-in", "/sign-in", {"email": unknown_email})
    assert known.status_code == unknown.status_code == 200
    assert html(known).replace(manager.email, "@") == html(unknown).replace(unknown_email, "@")
    assert set_cookies(known) == set_cookies(unknown) == []
    assert [str(m["To"]) for m in messages(outbox)] == [manager.email]


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b", "x" * 300 + "@example.com"])
def test_bad_email_shows_the_form_again(client, outbox, email):
    browser = Browser(client)
    r = browser.submit("/sign-in", "/sign-in", {"email": email, "next": "/brands/abc"})
    assert r.status_code == 400
    page = html(r)
    assert 'class="field-error"' in page and 'aria-invalid="true"' in page
    assert hidden(r, "next") == "/brands/abc"
    assert messages(outbox) == []


def test_dashboard_pages_through_my_brands(client, make_user, monkeypatch):
    from chalicelib.brands import pages as routes
    from chalicelib.brands.members import repo as member_repo
    from chalicelib.identity import repo as user_repo
    from tests.support.factories import ACTOR, make_brand

    brands = [make_brand(name=f"Paged {i}") for i in range(3)]
    person = make_user("designer", brand=brands[0])
    for brand in brands[1:]:
        member_repo.set_roles(ACTOR, brand.id, user_repo.get(person.id), ["copywriter"])
    monkeypatch.setattr(routes, "DASHBOARD_PAGE", 2)
    browser = Browser(client, Authorization=f"Bearer {person.token}")
    first = html(browser.get("/"))
    assert first.count('class="card brand-card"') == 2
    more = unescape(re.search(r'href="(/\?cursor=[^"]+)"', first).group(1))
    second = html(browser.get(more))
    assert second.count('class="card brand-card"') == 1 and "Show more brands" not in second
    shown = {name for name in (b.name for b in brands) if name in first + second}
    assert shown == {b.name for b in brands}
    assert browser.get("/?cursor=forged").status_code == 400


def test_signed_in_user_on_the_sign_in_page_goes_on(client, as_manager):
    r = as_manager.get("/sign-in?next=/brands/x")
    assert r.status_code == 303 and location(r) == "/brands/x"


# --- sessions and cookies ------------------------------------------------------------------------

def test_sign_out_ends_the_session(client, outbox, manager):
    browser = sign_in(client, outbox, manager.email)
    old_cookie = browser.cookies["gl_session"]
    r = browser.submit("/", "/sign-out", {})
    assert r.status_code == 303 and location(r) == "/sign-in"
    cleared = cookie_named(r, "gl_session")
    assert "Max-Age=0" in cleared and "HttpOnly" in cleared
    assert "gl_session" not in browser.cookies

    browser.cookies["gl_session"] = old_cookie  # someone kept a copy: it is dead on the server too
    r = browser.get("/")
    assert r.status_code == 303 and location(r).startswith("/sign-in")
    assert "Max-Age=0" in cookie_named(r, "gl_session")


def test_signing_in_again_ends_the_previous_session(client, outbox, manager):
    browser = sign_in(client, outbox, manager.email)
    before = browser.cookies["gl_session"]
    page = browser.get(request_link(Browser(client), outbox, manager.email))  # asked for elsewhere
    browser.post("/auth/verify", {"token": hidden(page, "token"), csrf.FIELD: csrf_token_in(page)})
    assert browser.cookies["gl_session"] != before
    assert browser.get("/").status_code == 200
    stale = Browser(client)
    stale.cookies["gl_session"] = before
    assert stale.get("/").status_code == 303


def test_cookies_are_secure_outside_local():
    for stage, secure in (("local", False), ("test", False), ("dev", True), ("prod", True)):
        settings = Settings(STAGE=stage, PUBLIC_BASE_URL="https://greenlight.example.com",
                            SIGNING_KEYS="ssm:/x" if stage == "prod" else "")
        for value in (web_cookies.session_cookie("v", settings), web_cookies.csrf_cookie("n" * 40, settings),
                      web_cookies.clear_session_cookie(settings), web_cookies.language_cookie("ru", settings)):
            assert "HttpOnly" in value and "SameSite=Lax" in value and "Path=/" in value
            assert ("; Secure" in value) is secure, (stage, value)
    assert "Max-Age=1209600" in web_cookies.session_cookie("v", Settings(SESSION_TTL_HOURS=336))


def test_pages_set_a_csrf_cookie_once(client):
    browser = Browser(client)
    first = browser.get("/sign-in")
    value = cookie_named(first, "gl_csrf")
    assert value and "HttpOnly" in value and "SameSite=Lax" in value
    second = browser.get("/sign-in")
    assert cookie_named(second, "gl_csrf") is None  # kept, not rotated: several tabs keep working
    assert csrf_token_in(first) == csrf_token_in(second)


# --- CSRF ----------------------------------------------------------------------------------------

def channel_form(**extra):
    return {"platform": "telegram", "name": "Main channel", **extra}


def test_csrf_missing_or_wrong_is_403(client, brand, as_manager):
    path = f"/brands/{brand.id}/channels"
    as_manager.get(f"/brands/{brand.id}")  # the CSRF cookie is set
    r = as_manager.post(path, channel_form())
    assert r.status_code == 403 and "This form has expired" in html(r)
    r = as_manager.post(path, channel_form(csrf_token="garbage"))
    assert r.status_code == 403
    nonce = as_manager.cookies["gl_csrf"]
    forged = csrf.make_token("x" * 43, None)  # signed by us, but for another cookie
    assert as_manager.post(path, channel_form(csrf_token=forged)).status_code == 403
    unsigned = f"{nonce}:"
    assert as_manager.post(path, channel_form(csrf_token=unsigned)).status_code == 403
    # a valid token without its cookie
    token = csrf_token_in(as_manager.get(f"/brands/{brand.id}"))
    del as_manager.cookies["gl_csrf"]
    assert as_manager.post(path, channel_form(csrf_token=token)).status_code == 403
    channels = html(as_manager.get(f"/brands/{brand.id}"))
    assert "Main channel" not in channels  # nothing was created by the refused posts


def test_csrf_token_of_another_session_is_403(client, outbox, brand, manager):
    first = sign_in(client, outbox, manager.email)
    second = sign_in(client, outbox, manager.email)
    token_of_first = csrf_token_in(first.get(f"/brands/{brand.id}"))
    second.cookies["gl_csrf"] = first.cookies["gl_csrf"]  # even with the matching cookie nonce
    r = second.post(f"/brands/{brand.id}/channels", channel_form(csrf_token=token_of_first))
    assert r.status_code == 403
    r = first.post(f"/brands/{brand.id}/channels", channel_form(csrf_token=token_of_first))
    assert r.status_code == 303


def test_csrf_token_from_before_sign_in_no_longer_works(client, outbox, manager):
    browser = Browser(client)
    anonymous_token = csrf_token_in(browser.get("/sign-in"))
    page = browser.get(request_link(Browser(client), outbox, manager.email))  # asked for elsewhere
    browser.post("/auth/verify", {"token": hidden(page, "token"), csrf.FIELD: csrf_token_in(page)})
    r = browser.post("/sign-out", {csrf.FIELD: anonymous_token})
    assert r.status_code == 403 and "gl_session" in browser.cookies


def test_csrf_unit():
    nonce = csrf.new_nonce()
    assert csrf.is_nonce(nonce) and not csrf.is_nonce("short") and not csrf.is_nonce(None)
    token = csrf.make_token(nonce, "s1")
    assert csrf.verify(token, nonce, "s1")
    assert not csrf.verify(token, nonce, "s2")
    assert not csrf.verify(token, nonce, None)
    assert not csrf.verify(token, csrf.new_nonce(), "s1")
    assert not csrf.verify(None, nonce, "s1") and not csrf.verify(token, None, "s1")
    assert csrf.verify(csrf.make_token(nonce, None), nonce, None)
    assert csrf.nonce_from_cookies({"gl_csrf": nonce}) == (nonce, False)
    fresh, new = csrf.nonce_from_cookies({"gl_csrf": "bad;value"})
    assert new and csrf.is_nonce(fresh)


# --- the brand page and its forms ----------------------------------------------------------------

def test_brand_page_of_another_brand_is_404(client, brand, as_manager):
    from tests.support.factories import make_brand

    other = make_brand()
    r = as_manager.get(f"/brands/{other.id}")
    assert r.status_code == 404 and other.name not in html(r)
    assert as_manager.get("/brands/doesnotexist").status_code == 404
    token = csrf_token_in(as_manager.get(f"/brands/{brand.id}"))
    r = as_manager.post(f"/brands/{other.id}/channels", channel_form(csrf_token=token))
    assert r.status_code == 404
    r = as_manager.post(f"/brands/{other.id}/members", {"email": "x@example.com", "role": "designer",
                                                       csrf.FIELD: token})
    assert r.status_code == 404


def test_add_and_delete_a_channel_by_form(client, brand, as_manager):
    page = f"/brands/{brand.id}"
    r = as_manager.submit(page, f"{page}/channels", channel_form(
        handle="@acme", external_id="-100123", timezone="Europe/Berlin", credentials_ref=f"ssm:/greenlight/local/brands/{brand.id}/channels/tg"))
    assert r.status_code == 303
    assert location(r) == f"{page}?done=channel_added#channels"
    shown = as_manager.get(location(r).split("#")[0])
    body = html(shown)
    assert "Main channel" in body and "@acme" in body and f"ssm:/greenlight/local/brands/{brand.id}/channels/tg" in body
    assert "The channel is added." in body

    channel_id = re.search(rf'action="{page}/channels/([0-9a-z]+)/delete"', body).group(1)
    r = as_manager.submit(page, f"{page}/channels/{channel_id}/delete", {})
    assert r.status_code == 303 and "done=channel_deleted" in location(r)
    assert "Main channel" not in html(as_manager.get(page))


def test_channel_form_errors_come_back_next_to_the_fields(client, brand, as_manager):
    page = f"/brands/{brand.id}"
    r = as_manager.submit(page, f"{page}/channels", {
        "platform": "myspace", "name": "", "handle": "@kept-value", "timezone": "Mars/Olympus",
        "credentials_ref": "xoxb-real-token"})
    assert r.status_code == 422
    body = html(r)
    for field in ("platform", "name", "timezone", "credentials_ref"):
        assert re.search(rf'id="channel-{field}-error"', body), field
    assert 'value="@kept-value"' in body and 'value="Mars/Olympus"' in body
    assert "Unknown time zone" in body and "a reference, not the token" in body
    assert "<details class=\"add-form\" open>" in body


def test_channel_from_a_foreign_brand_cannot_be_deleted_through_mine(client, brand, as_manager, make_user):
    from tests.support.factories import make_brand

    other = make_brand()
    other_manager = make_user("smm_manager", brand=other)
    theirs = Browser(client, Authorization=f"Bearer {other_manager.token}")
    theirs.submit(f"/brands/{other.id}", f"/brands/{other.id}/channels", channel_form(name="Their channel"))
    channel_id = re.search(r'/channels/([0-9a-z]+)/delete', html(theirs.get(f"/brands/{other.id}"))).group(1)

    r = as_manager.submit(f"/brands/{brand.id}", f"/brands/{brand.id}/channels/{channel_id}/delete", {})
    assert r.status_code == 404
    assert "Their channel" in html(theirs.get(f"/brands/{other.id}"))


def test_invite_a_member_by_form(client, outbox, brand, as_manager, manager):
    page = f"/brands/{brand.id}"
    newcomer = "newcomer-" + manager.email
    r = as_manager.submit(page, f"{page}/members", {"email": newcomer, "name": "Nina Newcomer", "role": "designer",
                                                   "language": "ru"})
    assert r.status_code == 303 and "done=member_added" in location(r)
    body = html(as_manager.get(page))
    assert newcomer in body and "Nina Newcomer" in body and "Designer" in body

    mail = latest_to(outbox, newcomer)
    assert brand.name in mail["Subject"] and "приглашает" in mail["Subject"]  # in the invitee's language
    assert "/auth/verify?token=" in text_of(mail) and "Принять приглашение" in html_of(mail)
    assert newcomer in html(Browser(client).get(verify_path(outbox, newcomer)))


def test_invite_form_errors(client, outbox, brand, as_manager):
    page = f"/brands/{brand.id}"
    r = as_manager.submit(page, f"{page}/members", {"email": "", "name": "Kept Name", "role": ""})
    assert r.status_code == 422
    body = html(r)
    assert 'id="member-email-error"' in body and 'id="member-role-error"' in body and 'value="Kept Name"' in body
    r = as_manager.submit(page, f"{page}/members", {"email": "not-an-email", "role": "admin"})
    assert r.status_code == 422 and 'id="member-email-error"' in html(r)
    assert messages(outbox) == []


def test_remove_a_role_and_a_member(client, brand, as_manager, make_user):
    colleague = make_user("designer", "copywriter", brand=brand)
    page = f"/brands/{brand.id}"
    r = as_manager.submit(page, f"{page}/members/remove", {"user_id": colleague.id, "role": "designer"})
    assert r.status_code == 303 and "done=member_removed" in location(r)
    row = _member_row(html(as_manager.get(page)), colleague.email)
    assert "Copywriter" in row and "Designer" not in row

    r = as_manager.submit(page, f"{page}/members/remove", {"user_id": colleague.id})
    assert r.status_code == 303
    assert colleague.email not in html(as_manager.get(page))
    r = as_manager.submit(page, f"{page}/members/remove", {"user_id": "NOT VALID"})
    assert r.status_code == 400


def _member_row(body: str, email: str) -> str:
    start = body.index(email)
    return body[body.rindex('<li class="row">', 0, start):body.index("</li>", start)]


def test_controls_follow_the_role(client, brand, make_user):
    copywriter = make_user("copywriter", brand=brand)
    browser = Browser(client, Authorization=f"Bearer {copywriter.token}")
    body = html(browser.get(f"/brands/{brand.id}"))
    assert 'id="channels"' in body and 'id="members"' in body
    assert "/channels\"" not in body and "/members\"" not in body and "/members/remove" not in body
    r = browser.submit(f"/brands/{brand.id}", f"/brands/{brand.id}/channels", channel_form())
    assert r.status_code == 403  # the service says no even when the form is hand-made

    approver = make_user("client_approver", brand=brand)
    body = html(Browser(client, Authorization=f"Bearer {approver.token}").get(f"/brands/{brand.id}"))
    assert brand.name in body and 'id="channels"' not in body and 'id="members"' not in body


def test_user_content_is_escaped(client, as_manager, brand):
    page = f"/brands/{brand.id}"
    evil = '<script>alert("x")</script>'
    r = as_manager.submit(page, f"{page}/channels", channel_form(name=evil, handle='"><img src=x onerror=alert(1)>'))
    assert r.status_code == 303
    body = html(as_manager.get(page))
    assert evil not in body and "&lt;script&gt;" in body and "<img src=x" not in body


def test_post_needs_sign_in_and_returns_to_the_brand_page(client, brand):
    browser = Browser(client)
    r = browser.submit("/sign-in", f"/brands/{brand.id}/channels", channel_form())
    assert r.status_code == 303
    assert location(r) == "/sign-in?" + urlencode({"next": f"/brands/{brand.id}"})


# --- errors, headers, assets ---------------------------------------------------------------------

def test_security_headers_on_every_page(client, brand, as_manager):
    for r in (Browser(client).get("/sign-in"), as_manager.get(f"/brands/{brand.id}"), as_manager.get("/"),
              as_manager.get("/brands/nope"), Browser(client).get("/")):
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["X-Frame-Options"] == "DENY"
        policy = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert r.headers["Cache-Control"] == "no-store"
        # scripts only as files from /static/ (CSP script-src 'self'), never inline
        assert all(re.fullmatch(r'<script src="/static/[\w.-]+\?v=\w+" defer></script>', tag)
                   for tag in re.findall(r"<script\b.*?</script>", html(r), re.S))


def test_static_assets_are_whitelisted(client):
    r = client.get("/static/app.css")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/css; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff" and b".btn" in r.body
    assert client.get("/static/favicon.svg").headers["Content-Type"] == "image/svg+xml"
    for name in ("app.js", "..%2F..%2Fchalicelib%2Fsettings.py", "base.html", "%2e%2e", "APP.CSS"):
        assert client.get(f"/static/{name}").status_code == 404, name
    assert client.get("/static/../app.py").status_code == 404


def test_a_crash_is_a_500_page_with_the_request_id(client, as_manager, monkeypatch):
    from chalicelib.brands import service as brands

    def boom(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(brands, "list_mine", boom)
    r = as_manager.get("/")
    assert r.status_code == 500
    body = html(r)
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body
    request_id = re.search(r"<code>([0-9a-zA-Z-]+)</code>", body)
    assert request_id and len(request_id.group(1)) >= 8


def test_form_of_the_wrong_type_is_refused(client, brand, as_manager):
    token = csrf_token_in(as_manager.get(f"/brands/{brand.id}"))
    r = as_manager.http.post(f"/brands/{brand.id}/channels", body='{"platform": "vk", "csrf_token": "%s"}' % token,
                             headers=as_manager._headers({"Content-Type": "application/json"}))
    assert r.status_code == 415


# --- language ------------------------------------------------------------------------------------

def test_language_from_browser_query_and_cookie(client):
    r = Browser(client).get("/sign-in", **{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert '<html lang="ru">' in html(r) and "Вход в Greenlight" in html(r)
    assert '<html lang="en">' in html(Browser(client).get("/sign-in", **{"Accept-Language": "de, en;q=0.5"}))

    browser = Browser(client)
    r = browser.get("/sign-in?lang=ru&next=/brands/x")
    assert "Вход в Greenlight" in html(r) and browser.cookies["gl_lang"] == "ru"
    assert 'href="/sign-in?next=%2Fbrands%2Fx&amp;lang=en"' in html(r)  # the switch keeps the page
    assert "Вход в Greenlight" in html(browser.get("/sign-in"))  # remembered
    assert "Sign in to Greenlight" in html(browser.get("/sign-in?lang=en"))
    assert "Sign in to Greenlight" in html(Browser(client).get("/sign-in?lang=xx"))


def test_signed_in_user_gets_their_language(client, brand, make_user):
    russian = make_user("smm_manager", brand=brand, language="ru")
    browser = Browser(client, Authorization=f"Bearer {russian.token}")
    body = html(browser.get(f"/brands/{brand.id}"))
    assert '<html lang="ru">' in body and "Каналы" in body and "SMM-менеджер" in body
    assert "Channels" in html(browser.get(f"/brands/{brand.id}?lang=en"))  # the footer switch wins


def test_russian_plural_forms_on_pages(client, brand, make_user):
    russian = make_user("smm_manager", brand=brand, language="ru")
    browser = Browser(client, Authorization=f"Bearer {russian.token}")
    for n, text in ((1, "1 канал"), (2, "2 канала"), (5, "5 каналов")):
        while f"{n} кан" not in html(browser.get(f"/brands/{brand.id}")):
            browser.submit(f"/brands/{brand.id}", f"/brands/{brand.id}/channels", channel_form(name=f"c{n}"))
        assert text in html(browser.get(f"/brands/{brand.id}"))


def test_sign_in_mail_in_russian(client, outbox, make_user, brand):
    user = make_user("designer", brand=brand, language="ru")
    request_link(Browser(client), outbox, user.email)
    mail = latest_to(outbox, user.email)
    assert mail["Subject"] == "Ссылка для входа в Greenlight"
    assert "15 минут" in text_of(mail) and "Войти в Greenlight" in html_of(mail)


def test_links_respect_a_stage_prefix_in_public_base_url(monkeypatch):
    from chalicelib.core.http import pages
    from chalicelib.core.settings import reset_settings

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://abc.execute-api.eu-central-1.amazonaws.com/api/")
    reset_settings()
    try:
        assert pages.url("/brands/x", done="ok") == "/api/brands/x?done=ok"
        assert pages.static_url("app.css").startswith("/api/static/app.css?v=")
    finally:
        monkeypatch.undo()
        reset_settings()
    assert pages.url("/") == "/"


def test_quote_in_brand_path():
    from chalicelib.brands.pages import brand_path

    assert brand_path("a/b?c") == "/brands/" + quote("a/b?c", safe="")


def test_overlong_or_odd_ids_are_404_pages(client, make_user, brand):
    user = make_user("smm_manager", brand=brand)
    for bad in ("a" * 3000, "ABC", "x%2F..%2Fy"):
        r = client.get(f"/brands/{bad}", headers={"Authorization": f"Bearer {user.token}"})
        assert r.status_code == 404
