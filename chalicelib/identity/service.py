"""Sign-in by email link, browser sessions, API tokens: turning a request into a Principal."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from chalicelib.core import i18n
from chalicelib.core import mail as mailer
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import BadRequest, Gone, NotFound, Unauthenticated
from chalicelib.core.http.cookies import SESSION_COOKIE
from chalicelib.core.rendering import render
from chalicelib.core.settings import get_settings
from chalicelib.core.signing import serializer, timed_serializer
from chalicelib.identity import credentials
from chalicelib.identity import repo as users
from chalicelib.identity.models import SessionItem, TokenItem
from chalicelib.identity.principal import Principal

SIGNIN_SALT = "signin-link"
SESSION_SALT = "session-cookie"


def safe_next(path: str | None) -> str:
    """Only local absolute paths: never an open redirect."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


# --- email link ----------------------------------------------------------------------------------

def request_sign_in(email: str, next_path: str | None = None, language: str | None = None) -> None:
    """Mail a single-use link if the address belongs to a user; the caller says the same either way."""
    user = users.get_by_email(email)
    if user is None or user.status != "active":
        return
    send_sign_in_link(user, next_path, template="signin")


def send_sign_in_link(user, next_path: str | None, *, template: str, **context) -> None:
    settings = get_settings()
    ttl = timedelta(minutes=settings.MAGIC_LINK_TTL_MINUTES)
    nonce = credentials.create_sign_in(user.id, ttl, safe_next(next_path))
    token = timed_serializer(SIGNIN_SALT).dumps(nonce)
    link = f"{settings.PUBLIC_BASE_URL}/auth/verify?token={quote(token)}"
    language = i18n.normalize(user.language)
    params = dict(name=user.name, link=link, minutes=settings.MAGIC_LINK_TTL_MINUTES, **context)
    mailer.send(mailer.OutgoingEmail(
        to=user.email,
        subject=i18n.translate(f"email.{template}.subject", language, **params),
        text=render(f"email/{template}.txt", language, **params),
        html=render(f"email/{template}.html", language, **params),
    ))


@dataclass(frozen=True)
class PendingSignIn:
    nonce: str
    user_email: str


def check_sign_in_link(token: str) -> PendingSignIn:
    """Validate a link without using it (the GET page; mail scanners may fetch it)."""
    from itsdangerous import BadData, SignatureExpired

    settings = get_settings()
    try:
        nonce = timed_serializer(SIGNIN_SALT).loads(token, max_age=settings.MAGIC_LINK_TTL_MINUTES * 60)
    except SignatureExpired:
        raise Gone("This sign-in link has expired. Ask for a new one.") from None
    except BadData:
        raise BadRequest("This sign-in link is not valid.") from None
    item = credentials.get_sign_in(nonce)
    if item is None:
        raise BadRequest("This sign-in link is not valid.")
    if item.used_at:
        raise Gone("This sign-in link has already been used. Ask for a new one.")
    if item.expires_at <= iso(utcnow()):
        raise Gone("This sign-in link has expired. Ask for a new one.")
    user = users.get(item.user_id)
    if user is None or user.status != "active":
        raise BadRequest("This sign-in link is not valid.")
    return PendingSignIn(nonce=nonce, user_email=user.email)


def complete_sign_in(token: str) -> tuple[str, str]:
    """Use the link once; returns (session cookie value, next path)."""
    pending = check_sign_in_link(token)
    item = credentials.get_sign_in(pending.nonce)
    if not credentials.consume_sign_in(item):
        raise Gone("This sign-in link has already been used. Ask for a new one.")
    ttl = timedelta(hours=get_settings().SESSION_TTL_HOURS)
    session_id = credentials.create_session(item.user_id, ttl)
    cookie = serializer(SESSION_SALT).dumps({"u": item.user_id, "s": session_id})
    return cookie, safe_next(item.next_path)


def sign_out(principal: Principal) -> None:
    if principal.session_id:
        credentials.delete_session(principal.user_id, principal.session_id)


# --- turning credentials into a principal --------------------------------------------------------

def from_session_cookie(cookie: str, *, via: str, request_id: str | None, prefetch=()) -> Principal | None:
    from itsdangerous import BadData

    try:
        data = serializer(SESSION_SALT).loads(cookie)
        user_id, session_id = str(data["u"]), str(data["s"])
    except (BadData, KeyError, TypeError):
        return None
    session, user = credentials.load_with_user(SessionItem, f"SESSION#{session_id}", user_id, prefetch)
    if session is None or user is None or user.status != "active":
        return None
    if session.expires_at <= iso(utcnow()):
        return None
    return Principal.from_user(user, via=via, request_id=request_id, session_id=session_id)


def from_bearer_token(raw: str, *, via: str, request_id: str | None, prefetch=()) -> Principal | None:
    parsed = credentials.parse_token(raw)
    if parsed is None:
        return None
    user_id, token_id, secret = parsed
    token, user = credentials.load_with_user(TokenItem, f"TOKEN#{token_id}", user_id, prefetch)
    if token is None or user is None or token.revoked_at or user.status != "active":
        return None
    if not credentials.same_hash(token.secret_hash, credentials.hash_secret(secret)):
        return None
    return Principal.from_user(user, via=via, request_id=request_id, token_id=token_id)


def authenticate(headers: dict, cookies: dict, *, via: str, request_id: str | None, prefetch=()) -> Principal:
    """Bearer token first (scripts), then the session cookie (browsers).

    `prefetch`: keys (model, pk, sk) the caller reads next, fetched in the same round trip."""
    authorization = headers.get("authorization") or ""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("Use 'Authorization: Bearer <token>'.")
        principal = from_bearer_token(value.strip(), via=via, request_id=request_id, prefetch=prefetch)
        if principal is None:
            raise Unauthenticated("This API token is not valid or was revoked.")
        return principal
    cookie = cookies.get(SESSION_COOKIE)
    if cookie:
        principal = from_session_cookie(cookie, via=via, request_id=request_id, prefetch=prefetch)
        if principal is not None:
            return principal
    raise Unauthenticated("Sign in first, or send an API token.")


# --- a person's API tokens: shown once, stored hashed, revocable --------------------------------------

def create_token(principal: Principal, name: str):
    return credentials.create_token(principal.actor, principal.user_id, name)


def list_tokens(principal: Principal):
    return credentials.list_tokens(principal.user_id)


def revoke_token(principal: Principal, token_id: str) -> None:
    if not credentials.revoke_token(principal.actor, principal.user_id, token_id):
        raise NotFound("No such token.")
