"""The conversions webhook's signature (Stripe-style). Pure: bytes and integers in, a yes or no out.

    X-Greenlight-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>

The sender signs the exact bytes it sends, prefixed with the timestamp and a point, using the campaign's
webhook secret (UTF-8) as the HMAC key. We accept a request when the header parses, its timestamp lies
within TOLERANCE_SECONDS of our clock on either side (a replayed or a post-dated request is refused), and
one of its `v1` values equals our own HMAC (compared with hmac.compare_digest, so the time taken says
nothing about how much of it matched). Several `v1` values may be sent (a sender rolling a new secret
signs with both); unknown schemes (`v0=…`) are ignored, as Stripe does.

    header(secret, body, timestamp)   -> the header value a sender sends (docs, tests, the page's example)
    signature(secret, body, timestamp) -> the hex digest alone
    verify(secret, body, header, now) -> True only when everything holds; never says which part failed
"""
from __future__ import annotations

import hashlib
import hmac
import re

HEADER = "X-Greenlight-Signature"
SCHEME = "v1"
TOLERANCE_SECONDS = 5 * 60
MAX_HEADER_LENGTH = 1024
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def signature(secret: str, body: bytes | str, timestamp: int) -> str:
    """hex HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    message = str(int(timestamp)).encode("ascii") + b"." + _bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes | str, timestamp: int) -> str:
    """The X-Greenlight-Signature value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={int(timestamp)},{SCHEME}={signature(secret, body, timestamp)}"


def parse(value: str | None) -> tuple[int, list[str]] | None:
    """(timestamp, the v1 signatures) of a header value; None when it is missing or malformed."""
    if not value or not isinstance(value, str) or len(value) > MAX_HEADER_LENGTH:
        return None
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, sep, item = part.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            if timestamp is not None or not _TIMESTAMP.match(item):
                return None
            timestamp = int(item)
        elif key == SCHEME:
            if not _HEX.match(item.lower()):
                return None
            signatures.append(item.lower())
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify(secret: str | None, body: bytes | str, value: str | None, now: int) -> bool:
    """Whether `value` (the header) signs `body` with `secret` at a time within the tolerance of `now`."""
    if not secret:
        return False
    parsed = parse(value)
    if parsed is None:
        return False
    timestamp, signatures = parsed
    expected = signature(secret, body, timestamp)
    matched = False
    for candidate in signatures:  # every candidate compared, whatever the first gave
        matched |= hmac.compare_digest(expected, candidate)
    return matched and abs(int(now) - timestamp) <= TOLERANCE_SECONDS
