"""Webhook adapter: POST the post as JSON to the channel's URL (its `handle`), signed.

Body (UTF-8 JSON):
    {"event": "post.publish", "target_id", "post_id", "version", "brand_id", "channel", "title", "text",
     "media": [{"url", "alt"}], "links": [...], "publish_at", "sent_at"}   (times UTC ISO 8601)
Headers:
    Content-Type: application/json
    Idempotency-Key: <target_id>       the same for every delivery of this target: deduplicate on it
    X-Greenlight-Timestamp: <unix seconds>
    X-Greenlight-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
The secret is the channel's credentials_ref (resolved). No credentials_ref → the request goes out
unsigned (no signature header); a reference that cannot be read → Refused (never sent unsigned by
accident). Receivers verify with `verify_signature` (constant-time, timestamp within 5 minutes).

The URL goes through the outbound guard (core/net/guard.py), the same rules in every stage: http/https
only; public addresses and ports 80, 443, 8443 only, unless its host:port is on the OUTBOUND_ALLOW_PRIVATE
allow-list (`make run`: the demo receiver); pinned to the checked IP; no redirects, no cookies, no proxy. One
deadline (12 s) covers the lookup, connect, send and the whole answer, of which at most 16 KiB is read
(over that, the status stands and the body is cut: a reply `id`/`url` is then not kept). A receiver
that answers too slowly — a byte at a time — is given up at the deadline: Ambiguous, as the delivery
went out.

Answers — our protocol, documented for receivers:
  2xx                 → Sent; `id` and `url` (http/https) from a JSON reply are kept if present
  3xx                 → Refused(permanent): redirects are not followed; put the final URL in the channel
  429, 503            → Refused(retry_after from Retry-After): "not accepted, try later". A receiver must
                        only answer these when it did NOT act on the delivery.
  408                 → Refused
  other 4xx           → Refused(permanent)
  500, 502, 504, other 5xx → Ambiguous (the receiver may have acted)
  Transport failures: see safe_http.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timezone

from chalicelib.core.net import guard as safe_http
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.publishing.channels.contract import Outgoing, Sent, resolve_token

SIGNATURE_HEADER = "X-Greenlight-Signature"
TIMESTAMP_HEADER = "X-Greenlight-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT = "post.publish"


def payload(outgoing: Outgoing, sent_at: datetime | None = None) -> dict:
    sent_at = sent_at or datetime.now(timezone.utc)
    return {
        "event": EVENT,
        "target_id": outgoing.target_id,
        "post_id": outgoing.post_id,
        "version": outgoing.version,
        "brand_id": outgoing.brand_id,
        "channel": outgoing.channel_name,
        "title": outgoing.title,
        "text": outgoing.text,
        "media": [{"url": m.get("url"), "alt": m.get("alt")} for m in outgoing.media if isinstance(m, dict)],
        "links": list(outgoing.links),
        "publish_at": outgoing.publish_at,
        "sent_at": sent_at.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-Greenlight-Signature value: v1=<hex HMAC-SHA256 over b"<timestamp>.<raw body>">."""
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(secret: str, timestamp: str | int | None, body: bytes | str, header: str | None,
                     tolerance: int = 300, now: float | None = None) -> bool:
    """For receivers: True when `header` (X-Greenlight-Signature) is a valid v1 signature of `body` made
    at `timestamp` (X-Greenlight-Timestamp) within `tolerance` seconds of now. False on anything odd."""
    if not secret or timestamp is None or not header:
        return False
    timestamp = str(timestamp).strip()
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    expected = sign(secret, timestamp, raw)
    candidates = [part.strip() for part in header.split(",") if part.strip().startswith("v1=")]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def send(outgoing: Outgoing) -> Sent:
    url = (outgoing.handle or "").strip()
    if not url:
        raise Refused(f"webhook channel {outgoing.channel_name!r} has no URL (set it as the channel's handle)",
                      permanent=True)
    secret = resolve_token(outgoing, "webhook secret", required=False)
    body = encode(payload(outgoing))
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: outgoing.target_id,
               TIMESTAMP_HEADER: timestamp}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    response = safe_http.guarded_post(url, body=body, headers=headers)
    status = response.status_code
    if 200 <= status < 300:
        reply = safe_http.read_json(response)
        reply = reply if isinstance(reply, dict) else {}
        external = reply.get("id")
        link = reply.get("url")
        link = link if isinstance(link, str) and link.startswith(("http://", "https://")) and len(link) < 2000 \
            else None
        return Sent(external_id=str(external)[:200] if external not in (None, "") else None, url=link)
    reason = f"webhook answered HTTP {status}"
    if 300 <= status < 400:
        raise Refused(f"{reason} (a redirect; redirects are not followed — put the final URL in the channel)",
                      permanent=True)
    if status in (429, 503):
        raise Refused(reason, retry_after=safe_http.retry_after_header(response))
    if status == 408:
        raise Refused(reason)
    if 400 <= status < 500:
        raise Refused(reason, permanent=True)
    if status >= 500:
        raise Ambiguous(reason)
    raise Ambiguous(f"{reason} (unexpected)")
