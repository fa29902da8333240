"""The HTML door: one decorator that authenticates, checks CSRF, calls the view and maps errors.

    from chalicelib.identity.doors import page     # this pipeline with sign-in plugged in

    @page(bp, "/brands/{brand_id}")
    def brand(call, brand_id):
        return call.render("brand.html", brand=brands.get(call.principal, brand_id))

Like core/http/api.py's json_route, but for people in a browser: not signed in → 303 to /sign-in?next=…,
a domain error → an error page with its status (outsiders get 404 for other brands' objects),
a crash → a 500 page naming the request id, never a stack trace. Every form POST must carry a valid
CSRF token (csrf.py). Every answer is text/html with the security headers below.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlparse

from chalice import Response

from chalicelib.core import i18n
from chalicelib.core.db.prefetch import request_scope
from chalicelib.core.errors import DomainError, Forbidden, Unauthenticated
from chalicelib.core.http import cookies, csrf, forms
from chalicelib.core.http.api import check_path_ids, client_ip_of, cookies_of, request_id_of
from chalicelib.core.rendering import TEMPLATES_DIR, render
from chalicelib.core.settings import get_settings

log = logging.getLogger("greenlight.web")

HTML_TYPE = "text/html; charset=utf-8"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
}
STATIC_DIR = TEMPLATES_DIR / "static"


def page_csp() -> str:
    """The pages' CSP. With FILES_BUCKET set (AWS), post media live in S3: previews are presigned GETs and
    uploads presigned POSTs to the bucket's origin, so img-src, media-src and connect-src name it (both
    the global and the regional host, as presigned URLs may use either; docs/media.md)."""
    settings = get_settings()
    bucket = settings.FILES_BUCKET.strip()
    if not bucket:
        return CSP
    origins = f"https://{bucket}.s3.amazonaws.com https://{bucket}.s3.{settings.AWS_REGION}.amazonaws.com"
    return CSP.replace("img-src 'self' data:;", f"img-src 'self' data: {origins}; media-src 'self' {origins}; "
                                                f"connect-src 'self' {origins};")
STATIC_TYPES = {  # the whitelist: nothing else is served
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "influencers.css": "text/css; charset=utf-8",
    "post_form.js": "text/javascript; charset=utf-8",
    "post_form.css": "text/css; charset=utf-8",
    "media_upload.js": "text/javascript; charset=utf-8",
    "calendar.js": "text/javascript; charset=utf-8",
    "calendar.css": "text/css; charset=utf-8",
    "nav_menu.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
    "plan_csv.css": "text/css; charset=utf-8",
    "media.css": "text/css; charset=utf-8",
    "activity.css": "text/css; charset=utf-8",
}


class CsrfFailed(Forbidden):
    code = "csrf"


# --- URLs ----------------------------------------------------------------------------------------

def base_path() -> str:
    """The path PUBLIC_BASE_URL puts in front of ours ("" on a custom domain, "/api" on a stage URL)."""
    return urlparse(get_settings().PUBLIC_BASE_URL).path.rstrip("/")


def url(path: str, **query: Any) -> str:
    """An app path ("/brands/x") as a link, with query parameters (None values left out)."""
    params = {k: v for k, v in query.items() if v is not None and v != ""}
    return base_path() + path + (f"?{urlencode(params)}" if params else "")


@lru_cache(maxsize=None)
def static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return url(f"/static/{name}", v=static_version(name))


# --- language ------------------------------------------------------------------------------------

def page_language(query: dict, cookie_jar: dict, principal, accept_language: str | None) -> str:
    """The footer switch's choice (?lang=) first; then a signed-in person's profile language (the switch
    stores its choice there, see remember_language, and the profile form changes it); then the gl_lang
    cookie the switch sets (pages without sign-in: the sign-in page, signed links); else the browser's
    Accept-Language."""
    if query.get("lang") in i18n.LANGUAGES:
        return query["lang"]
    if principal is not None:
        return i18n.normalize(principal.language)
    if cookie_jar.get(cookies.LANGUAGE_COOKIE) in i18n.LANGUAGES:
        return cookie_jar[cookies.LANGUAGE_COOKIE]
    return i18n.from_accept_language(accept_language)


_language_keepers: list[Callable[[Any, str], Any]] = []


def keep_language_with(keeper: Callable[[Any, str], Any]) -> None:
    """Plug in what stores a signed-in person's language (the profile; wired in app.py). Idempotent."""
    if keeper not in _language_keepers:
        _language_keepers.append(keeper)


SAVING_FETCH_SITES = ("same-origin", "none")  # our own link, or typed / bookmarked by the person


def _own_navigation(request) -> bool:
    """The request comes from our own pages or the person's own address bar (Sec-Fetch-Site `same-origin`
    or `none`; a browser too old to send the header counts as that), not from another site's link."""
    site = ((getattr(request, "headers", None) or {}).get("sec-fetch-site") or "").strip().lower()
    return not site or site in SAVING_FETCH_SITES


def remember_language(call: "PageCall") -> None:
    """The footer switch (a GET with ?lang=) used by a signed-in person changes their profile's language
    too, so the profile form shows it and its Save keeps it. It only ever sets the person's own display
    language (as the cookie already did); a failure is logged and the page is shown all the same.
    Only a navigation of our own (Sec-Fetch-Site same-origin or none, or no such header) saves it: a
    cross-site link with ?lang= shows that one page in the language and leaves the profile alone."""
    language, principal = call.query.get("lang"), call.principal
    if call.request.method != "GET" or principal is None or language not in i18n.LANGUAGES:
        return
    if not _own_navigation(call.request):
        return  # a link from another site only shows the page in that language; it never changes the profile
    if i18n.normalize(principal.language) == language:
        return
    for keeper in _language_keepers:
        try:
            keeper(principal, language)
        except Exception:  # noqa: BLE001 - the page matters more than the preference
            log.warning("the language switch could not update the profile", exc_info=True,
                        extra={"request_id": call.request_id})


# --- one request ---------------------------------------------------------------------------------

@dataclass
class PageCall:
    """What a view gets: the parsed request, the caller (if any), the language, the form."""

    request: Any
    request_id: str
    path: str  # this page's app path, no query: /brands/01j…
    back: str  # the page a form POST belongs to (where its language links and sign-in lead)
    query: dict[str, str]
    cookies: dict[str, str]
    principal: Any = None
    language: str = i18n.DEFAULT_LANGUAGE
    form: dict[str, str] | None = None
    set_cookies: list[str] = field(default_factory=list)
    _csrf_nonce: str | None = None
    _csrf_new: bool = False

    @property
    def session_id(self) -> str | None:
        return self.principal.session_id if self.principal is not None else None

    @property
    def client_ip(self) -> str | None:
        """The caller's address as API Gateway saw it (never a header the caller could set)."""
        return client_ip_of(self.request)

    def csrf_token(self) -> str:
        """For a form on the page being rendered; sets the gl_csrf cookie when there is none yet."""
        if self._csrf_nonce is None:
            self._csrf_nonce, self._csrf_new = csrf.nonce_from_cookies(self.cookies)
        return csrf.make_token(self._csrf_nonce, self.session_id)

    def lang_url(self, language: str) -> str:
        """This page in another language (after a form POST: the page the form was on)."""
        if self.request.method != "GET":
            return url(self.back, lang=language)
        query = {k: v for k, v in self.query.items() if k != "lang"}
        return url(self.path, **query, lang=language)

    def render(self, template: str, status: int = 200, **context) -> Response:
        body = render(template, self.language, principal=self.principal, path=self.path, url=url,
                      static_url=static_url, lang_url=self.lang_url, csrf_token=self.csrf_token,
                      csrf_field=csrf.FIELD, request_id=self.request_id, **context)
        return Response(body=body, status_code=status, headers={"Content-Type": HTML_TYPE})

    def redirect(self, path: str, fragment: str = "", **query: Any) -> Response:
        location = url(path, **query) + (f"#{fragment}" if fragment else "")
        return Response(body="", status_code=303, headers={"Location": location, "Content-Type": HTML_TYPE})

    def error_page(self, status: int, code: str, **context) -> Response:
        catalog = i18n.catalog(self.language)
        key = code if f"error.{code}.title" in catalog else "generic"
        return self.render("error.html", status=status, error_key=key, status_code=status, **context)


def _finish(call: PageCall, response: Response) -> Response:
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": page_csp(), "Cache-Control": "no-store",
               **response.headers}
    headers.setdefault("Content-Type", HTML_TYPE)
    set_cookies = list(call.set_cookies)
    if call._csrf_new and call._csrf_nonce:
        set_cookies.append(cookies.csrf_cookie(call._csrf_nonce))
    lang = call.query.get("lang")
    if lang in i18n.LANGUAGES and call.cookies.get(cookies.LANGUAGE_COOKIE) != lang:
        set_cookies.append(cookies.language_cookie(lang))
    if set_cookies:
        headers["Set-Cookie"] = set_cookies
    response.headers = headers
    return response


def answer(call: PageCall, build: Callable[[], Response]) -> Response:
    """The page `build()` makes, finished (headers, cookies); a domain error becomes the error page
    with its status, a crash a 500 page naming the request id — never a stack trace. Every page
    answers through here: the `page` decorator's, and the signed-link pages' (approvals/links)."""
    try:
        response = build()
    except DomainError as exc:
        try:
            response = call.error_page(exc.status, exc.code)
        except Exception as render_exc:  # noqa: BLE001
            response = _crash_page(call, render_exc)
    except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into 500 pages
        response = _crash_page(call, exc)
    return _finish(call, response)


def _crash_page(call: PageCall, exc: Exception) -> Response:
    log.exception("unhandled error in a page", extra={"request_id": call.request_id})
    try:
        return call.error_page(500, "internal_error")
    except Exception:  # noqa: BLE001 - the error page itself failed: answer without templates
        log.exception("the error page failed too", extra={"request_id": call.request_id})
        text = f"Something went wrong on our side. Request id: {call.request_id}"
        body = f"<!doctype html><meta charset=utf-8><title>Error</title><p>{text}</p>"
        return Response(body=body, status_code=500, headers={"Content-Type": HTML_TYPE})


def _to_sign_in(call: PageCall) -> Response:
    """303 to the sign-in page, coming back here (a GET) or to `back` (a form POST) afterwards."""
    back = call.back
    if call.request.method == "GET":
        query = {k: v for k, v in call.query.items() if k != "lang"}
        back = call.path + (f"?{urlencode(query)}" if query else "")
    if call.cookies.get(cookies.SESSION_COOKIE):  # expired or signed out: let the browser forget it
        call.set_cookies.append(cookies.clear_session_cookie())
    return call.redirect("/sign-in", next=back if back != "/" else None)


def _authenticate(call: PageCall, authenticate: Callable, required: bool, prefetch=()):
    try:
        return authenticate(call.request.headers, call.cookies, via="web", request_id=call.request_id,
                            prefetch=prefetch)
    except Unauthenticated:
        if required:
            raise
        return None


def page(bp, path: str, methods: tuple[str, ...] = ("GET",), *, authenticate: Callable, auth: str = "required",
         back: str | None = None, prefetch: Callable[..., list] | None = None):
    """Register a page or a form target on a blueprint. Features use identity/doors.py's `page`,
    which plugs sign-in in as `authenticate(headers, cookies, via=, request_id=, prefetch=)`.

    auth: "required" (not signed in → sign-in page), "optional" (principal may be None).
    back: for a POST, the page the form is on (a path template like `path`): the sign-in page
          returns there, and the language links of a page re-rendered by the POST point there.
    prefetch(**uri_params) -> [(Model, pk, sk)]: read along with the caller's credential, as in
              json_route (core/db/prefetch.py).
    """
    if auth not in ("required", "optional"):
        raise ValueError(f"auth must be 'required' or 'optional', not {auth!r}")

    def decorator(view: Callable):
        @functools.wraps(view)
        def handler(**uri_params):
            request = bp.current_request
            quoted = {name: quote(str(value), safe="") for name, value in uri_params.items()}
            call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8),
                            path=path.format(**quoted), back=(back or path).format(**quoted),
                            query=dict(request.query_params or {}),
                            cookies=cookies_of(request))
            def build():
                with request_scope():
                    check_path_ids(uri_params)
                    try:
                        call.principal = _authenticate(call, authenticate, auth == "required",
                                                       prefetch(**uri_params) if prefetch else ())
                        call.language = page_language(call.query, call.cookies, call.principal,
                                                      request.headers.get("accept-language"))
                        remember_language(call)
                        if request.method == "POST":
                            call.form = forms.parse_body(request)
                            if not csrf.verify(call.form.get(csrf.FIELD), call.cookies.get(csrf.COOKIE),
                                               call.session_id):
                                raise CsrfFailed("The form's security token is missing or does not match.")
                        return view(call, **uri_params)
                    except Unauthenticated:
                        return _to_sign_in(call)

            return answer(call, build)

        bp.route(path, methods=list(methods), content_types=["*/*"])(handler)
        return view

    return decorator


# --- paths no route serves -----------------------------------------------------------------------

NOT_FOUND_MESSAGE = "No such page or API route."  # the same words as API Gateway's 404 (infra/, local/server.py)


def wants_html(request) -> bool:
    """A browser navigating (Accept names text/html), as opposed to an API client or a script."""
    return "text/html" in (request.headers.get("accept") or "").lower()


def unknown_path(request, *, authenticate: Callable) -> Response:
    """The answer of the catch-all route (`/{proxy+}`, GET) for a path no other route serves: a person in a
    browser gets the HTML 404 page in their language (with the top bar when signed in); the API (/v1/…)
    and every client that does not ask for HTML get the JSON error, as before."""
    from chalicelib.core.http.api import error_response

    params = request.uri_params or {}
    rest = str(params.get("proxy") or params.get("proxy+") or "")
    app_path = "/" + rest.lstrip("/")
    if app_path == "/v1" or app_path.startswith("/v1/") or not wants_html(request):
        return error_response(404, "not_found", NOT_FOUND_MESSAGE, headers={"Cache-Control": "no-store"})
    path = quote(app_path, safe="/-._~")
    call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8), path=path,
                    back=path, query=dict(request.query_params or {}), cookies=cookies_of(request))

    def build():
        with request_scope():
            call.principal = _authenticate(call, authenticate, False)
            call.language = page_language(call.query, call.cookies, call.principal,
                                          request.headers.get("accept-language"))
            remember_language(call)
            return call.error_page(404, "not_found")

    return answer(call, build)


def static_file(name: str) -> Response:
    """A whitelisted asset from templates/static/ (names only: no paths, so no traversal)."""
    content_type = STATIC_TYPES.get(name)
    if content_type is None:
        return Response(body="Not found", status_code=404,
                        headers={**SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8"})
    return Response(body=(STATIC_DIR / name).read_text(encoding="utf-8"), status_code=200,
                    headers={**SECURITY_HEADERS, "Content-Type": content_type,
                             "Cache-Control": "public, max-age=86400"})
