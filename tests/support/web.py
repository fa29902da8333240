"""The pages through chalice's test client as a browser would use them: a cookie jar, forms with
their CSRF token, signing in through the link in the outbox, and the browser's Origin header on
every request that is not a GET or HEAD (as browsers send it; the JSON API refuses a cookie-signed
change without it, core/http/api.require_same_origin)."""
from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlencode

from chalicelib.core.http import csrf
from chalicelib.core.http.api import origin_of
from chalicelib.core.settings import get_settings
from tests.support.mail import latest_to, links_in, path_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def own_origin() -> str:
    """The Origin a browser on our pages sends: PUBLIC_BASE_URL's scheme, host and port."""
    return origin_of(get_settings().PUBLIC_BASE_URL)


class Browser:
    """The chalice test client plus a cookie jar, as a browser would keep one."""

    def __init__(self, http, **headers):
        self.http = http
        self.cookies: dict[str, str] = {}
        self.headers = headers

    def _headers(self, extra: dict, method: str = "GET") -> dict:
        headers = dict(self.headers)
        if method.upper() not in ("GET", "HEAD"):
            headers["Origin"] = own_origin()
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra)
        return headers

    def _remember(self, response):
        for value in set_cookies(response):
            name, _, rest = value.partition("=")
            if "Max-Age=0" in value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]
        return response

    def get(self, path: str, **headers):
        return self._remember(self.http.get(path, headers=self._headers(headers)))

    def post(self, path: str, data: dict, **headers):
        return self._remember(self.http.post(path, headers=self._headers({**FORM, **headers}, "POST"),
                                             body=urlencode(data)))

    def api(self, method: str, path: str, data=None, **headers):
        """A JSON API call with this browser's cookies, as a script on our pages would make it
        (`fetch`: Origin on anything but GET; pass Origin=… or Sec-Fetch-Site=… to pose as another site)."""
        body = json.dumps(data) if data is not None else b""
        extra = {**(JSON if data is not None else {}), **{k.replace("_", "-"): v for k, v in headers.items()}}
        return self._remember(self.http.request(method.upper(), path, headers=self._headers(extra, method), body=body))

    def submit(self, page_path: str, action: str, data: dict, **headers):
        """Open a page, then post a form to `action` with the CSRF token that page carried."""
        page = self.get(page_path)
        assert page.status_code == 200, page.body
        return self.post(action, {csrf.FIELD: csrf_token_in(page), **data}, **headers)


def set_cookies(response) -> list[str]:
    value = response.headers.get("Set-Cookie") or []
    return [value] if isinstance(value, str) else list(value)


def cookie_named(response, name: str) -> str | None:
    return next((c for c in set_cookies(response) if c.startswith(f"{name}=")), None)


def html(response) -> str:
    return response.body.decode("utf-8")


def csrf_token_in(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html(response))
    assert match, "no CSRF field on the page"
    return unescape(match.group(1))


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html(response))
    assert match, f"no hidden field {name}"
    return unescape(match.group(1))


def location(response) -> str:
    return response.headers["Location"]


def verify_path(outbox, email: str) -> str:
    links = [link for link in links_in(latest_to(outbox, email)) if "/auth/verify?token=" in link]
    assert links, "no sign-in link in the mail"
    return path_of(links[0])


def request_link(browser: Browser, outbox, email: str, next_path: str | None = None) -> str:
    data = {"email": email, **({"next": next_path} if next_path else {})}
    r = browser.submit("/sign-in", "/sign-in", data)
    assert r.status_code == 200, r.body
    return verify_path(outbox, email)


def sign_in(http, outbox, email: str, **headers) -> Browser:
    browser = Browser(http, **headers)
    link = request_link(browser, outbox, email)
    page = browser.get(link)
    r = browser.post("/auth/verify", {"token": hidden(page, "token"), csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303, r.body
    assert "gl_session" in browser.cookies
    return browser


# --- what page tests read (the same in every feature's page tests) ---------------------------------------

def as_user(client, user) -> Browser:
    """The user through a bearer token (pages accept it like the API), with a cookie jar for CSRF."""
    return Browser(client, Authorization=f"Bearer {user.token}")


def text_of(response) -> str:
    """The page's visible text, tags gone, whitespace squeezed (for "says this" checks; no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html(response))))


def field_error(response, form_id: str, name: str) -> str | None:
    """The error shown under a form's field, None when there is none."""
    match = re.search(rf'<p class="field-error" id="{form_id}-{name}-error">([^<]*)</p>', html(response))
    return unescape(match.group(1)) if match else None

