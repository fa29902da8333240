"""The two doors every feature registers its routes through, with sign-in plugged in:

    from chalicelib.identity.doors import json_route, page

    @json_route(bp, "/v1/brands/{brand_id}", "PATCH", body=BrandPatch, response=BrandOut, tag="brands")
    def patch_brand(call, brand_id): ...

The pipelines themselves (core/http/api.py, core/http/pages.py) know nothing about users or
sessions; this module hands them identity's `authenticate`, loaded on the first request (so
registering routes at a cold start imports no database code).
"""
from __future__ import annotations


def authenticate(headers, cookies, *, via: str, request_id: str | None, prefetch=()):
    """The caller as a Principal, from a bearer token or the session cookie (identity/service.py)."""
    from chalicelib.identity.service import authenticate as from_credentials

    return from_credentials(headers, cookies, via=via, request_id=request_id, prefetch=prefetch)


def json_route(bp, path: str, method: str, **kwargs):
    """core/http/api.json_route (its arguments) for a route whose caller signs in (auth=False: no one)."""
    from chalicelib.core.http.api import json_route as route

    return route(bp, path, method, authenticate=authenticate, **kwargs)


def page(bp, path: str, methods: tuple[str, ...] = ("GET",), **kwargs):
    """core/http/pages.page (its arguments) with sign-in: not signed in → the sign-in page."""
    from chalicelib.core.http.pages import page as route

    return route(bp, path, methods, authenticate=authenticate, **kwargs)

