"""Set-Cookie values for the web pages: one builder, so every cookie gets the same flags.

HttpOnly and SameSite=Lax always; Secure everywhere but the local stages (settings.secure_cookies),
because `chalice local` serves plain http on 127.0.0.1.
"""
from __future__ import annotations

from chalicelib.core.settings import Settings, get_settings

SESSION_COOKIE = "gl_session"  # the signed-in session (identity/service.py makes and reads its value)
LANGUAGE_COOKIE = "gl_lang"
LANGUAGE_MAX_AGE = 365 * 24 * 3600


def build(name: str, value: str, *, max_age: int | None, secure: bool, path: str = "/") -> str:
    """A Set-Cookie header value. max_age None: a browser-session cookie; 0: delete it."""
    parts = [f"{name}={value}", f"Path={path}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
        if max_age == 0:
            parts.append("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    parts += ["HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def session_cookie(value: str, settings: Settings | None = None) -> str:
    """The sign-in session; `value` comes from identity/service.complete_sign_in."""
    settings = settings or get_settings()
    return build(SESSION_COOKIE, value, max_age=settings.SESSION_TTL_HOURS * 3600, secure=settings.secure_cookies)


def clear_session_cookie(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return build(SESSION_COOKIE, "", max_age=0, secure=settings.secure_cookies)


def csrf_cookie(nonce: str, settings: Settings | None = None) -> str:
    from chalicelib.core.http.csrf import COOKIE

    settings = settings or get_settings()
    # Outlives a session so a form left open in a tab still posts after the browser restarts.
    return build(COOKIE, nonce, max_age=settings.SESSION_TTL_HOURS * 3600, secure=settings.secure_cookies)


def language_cookie(language: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return build(LANGUAGE_COOKIE, language, max_age=LANGUAGE_MAX_AGE, secure=settings.secure_cookies)
