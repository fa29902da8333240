"""CSRF protection for every form POST: a signed double-submit token.

A random nonce lives in the `gl_csrf` cookie (HttpOnly, SameSite=Lax). Each rendered form carries
`csrf_token` = sign("<nonce>:<session id or ''>"). A POST is accepted only when its field unsigns to
exactly the nonce of the cookie that came with it and the session the request is signed in with, so
a token copied from another browser, or from the same browser before a sign-in/sign-out, fails.
Pure functions: the page machinery (pages.py) reads the cookie and the field and calls `verify`.
"""
from __future__ import annotations

import hmac
import re
import secrets

COOKIE = "gl_csrf"
FIELD = "csrf_token"
SALT = "csrf"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def is_nonce(value: str | None) -> bool:
    return bool(value) and bool(_NONCE.match(value))


def nonce_from_cookies(cookies: dict[str, str]) -> tuple[str, bool]:
    """(the nonce to use, whether it is new and the cookie must be set)."""
    current = cookies.get(COOKIE)
    if is_nonce(current):
        return current, False
    return new_nonce(), True


def _expected(nonce: str, session_id: str | None) -> str:
    return f"{nonce}:{session_id or ''}"


def make_token(nonce: str, session_id: str | None) -> str:
    from chalicelib.core.signing import serializer

    return serializer(SALT).dumps(_expected(nonce, session_id))


def verify(token: str | None, cookie_nonce: str | None, session_id: str | None) -> bool:
    """True only for a token we signed over this cookie nonce and this session."""
    if not token or not is_nonce(cookie_nonce):
        return False
    from itsdangerous import BadData

    from chalicelib.core.signing import serializer

    try:
        value = serializer(SALT).loads(token)
    except BadData:
        return False
    if not isinstance(value, str):
        return False
    return hmac.compare_digest(value.encode(), _expected(cookie_nonce, session_id).encode())
