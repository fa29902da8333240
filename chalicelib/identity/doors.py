"""The two doors every feature registers its routes through, with sign-in plugged in:

    from chalicelib.identity.doors import json_route, page

    @json_route(bp, "/v1/brands/{brand_id}", "PATCH", body=BrandPatch, response=BrandOut, tag="brands")
    def patch_brand(call, brand_id): ...

The pipelines themselves (core/http/api.py, core/http/pages.py) know nothing about users or
sessions; this module hands them identity's `authenticate`, loaded on the first request (so
registering routes at a cold start imports no database code).

A JSON route that changes something (POST, PUT, PATCH, DELETE) and whose caller signed in with the
session cookie — the credential a browser sends by itself, whichever site made it send the request —
answers only requests from our own pages (core/http/api.require_same_origin: 403 `cross_site`).
A bearer API token is sent on purpose, never by a browser on its own, so it needs no such check.
Form POSTs to pages carry a CSRF token instead (core/http/pages.py).
"""
from __future__ import annotations


def authenticate(headers, cookies, *, via: str, request_id: str | None, prefetch=()):
    """The caller as a Principal, from a bearer token or the session cookie (identity/service.py)."""
    from chalicelib.identity.service import authenticate as from_credentials

    return from_credentials(headers, cookies, via=via, request_id=request_id, prefetch=prefetch)


def authenticate_changing(headers, cookies, *, via: str, request_id: str | None, prefetch=()):
    """`authenticate` for a JSON route that changes something: a caller signed in by the session
    cookie (not by an API token) must come from our own pages."""
    from chalicelib.core.http.api import require_same_origin

    principal = authenticate(headers, cookies, via=via, request_id=request_id, prefetch=prefetch)
    if principal.session_id is not None and principal.token_id is None:
        require_same_origin(headers)
    return principal


def json_route(bp, path: str, method: str, **kwargs):
    """core/http/api.json_route (its arguments) for a route whose caller signs in (auth=False: no one)."""
    from chalicelib.core.http.api import UNSAFE_METHODS
    from chalicelib.core.http.api import json_route as route

    door = authenticate_changing if method.upper() in UNSAFE_METHODS else authenticate
    return route(bp, path, method, authenticate=door, **kwargs)


def page(bp, path: str, methods: tuple[str, ...] = ("GET",), **kwargs):
    """core/http/pages.page (its arguments) with sign-in: not signed in → the sign-in page."""
    from chalicelib.core.http.pages import page as route

    return route(bp, path, methods, authenticate=authenticate, **kwargs)

