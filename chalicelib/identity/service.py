"""Sign-in by email link, browser sessions, API tokens: turning a request into a Principal."""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

from chalicelib.core import i18n
from chalicelib.core import mail as mailer
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import throttle
from chalicelib.core.errors import BadRequest, Gone, NotFound, Unauthenticated
from chalicelib.core.http.cookies import SESSION_COOKIE
from chalicelib.core.rendering import render
from chalicelib.core.settings import get_settings
from chalicelib.core.signing import serializer, timed_serializer
from chalicelib.identity import credentials
from chalicelib.identity import repo as users
from chalicelib.identity.models import SessionItem, TokenItem
from chalicelib.identity.principal import Principal

log = logging.getLogger("greenlight.identity")

SIGNIN_SALT = "signin-link"
SESSION_SALT = "session-cookie"
# Sign-in mails: each address gets at most this many links per window, and each client IP (an IPv6
# client: its /64) may ask at most this many times per window, whatever the addresses. A request
# over either limit is answered like any other and sends nothing.
SIGN_IN_PER_ADDRESS = (5, timedelta(hours=1))
SIGN_IN_PER_IP = (20, timedelta(minutes=10))
MAX_NEXT_LENGTH = 2048


def _refused_in_next(char: str) -> bool:
    """Control characters (C0, DEL, C1), invisible format characters, line and paragraph
    separators and any blank but the plain space: browsers drop or reinterpret some of them
    (`/<tab>/evil.com` becomes `//evil.com`), and a path of ours never needs any of them."""
    if char == " ":
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")


def safe_next(path: str | None) -> str:
    """Only local absolute paths ("/brands/x?view=week"): never an open redirect. Anything else is "/"."""
    if not path or len(path) > MAX_NEXT_LENGTH or not path.startswith("/") or path.startswith("//"):
        return "/"
    if "\\" in path or any(_refused_in_next(char) for char in path):
        return "/"
    try:
        parts = urlsplit(path)
    except ValueError:
        return "/"
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    if any(segment in (".", "..") for segment in parts.path.split("/")):  # "/.//evil.com" resolves to "//evil.com"
        return "/"
    return path


# --- email link ----------------------------------------------------------------------------------

def _address_key(email: str) -> str:
    """The address as throttle keys and logs hold it: hashed, never in clear."""
    return hashlib.sha256(users.normalize_email(email).encode("utf-8")).hexdigest()[:32]


def _client_key(client_ip: str | None) -> str | None:
    """The client a per-IP limit counts: its address (IPv6: its /64, which one client usually owns
    whole). None when there is none to count: no address, or loopback — `chalice local` and the
    test client report every caller as 127.0.0.1; API Gateway always gives the real address."""
    try:
        address = ipaddress.ip_address((client_ip or "").strip())
    except ValueError:
        return None
    if address.is_loopback:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def sign_in_allowed(email: str, client_ip: str | None) -> bool:
    """Counts this request against the per-IP and then the per-address limit; False (and logged,
    without the address) when one is used up. A request refused per IP does not use up the address's."""
    now = utcnow()
    client = _client_key(client_ip)
    address = _address_key(email)
    domain = users.normalize_email(email).rpartition("@")[2]
    if client is not None and not throttle.allow(f"signin#ip#{client}", *SIGN_IN_PER_IP, now):
        log.warning("sign-in link not sent: client %s is over %d requests per %s (address %s at %s)",
                    client, SIGN_IN_PER_IP[0], SIGN_IN_PER_IP[1], address[:12], domain)
        return False
    if not throttle.allow(f"signin#address#{address}", *SIGN_IN_PER_ADDRESS, now):
        log.warning("sign-in link not sent: address %s at %s is over %d links per %s (client %s)",
                    address[:12], domain, SIGN_IN_PER_ADDRESS[0], SIGN_IN_PER_ADDRESS[1], client or "-")
        return False
    return True


def request_sign_in(email: str, next_path: str | None = None, language: str | None = None,
                    client_ip: str | None = None) -> None:
    """Mail a single-use link if the address belongs to a user and neither the address nor the
    client is over its limit; the caller says the same either way (nobody learns who is a user,
    or who was throttled)."""
    if not sign_in_allowed(email, client_ip):
        return
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
