"""The channel adapters' one contract: what goes out (`Outgoing`), what came back (`Sent`) and the two
ways a send can fail.

    Refused    nothing went out; safe to retry (unless `permanent`: retrying cannot help).
    Ambiguous  the request may have gone out; never retried automatically — a person decides.

`send()` dispatches by platform to `telegram`, `vk` or `webhook` (imported lazily: nothing heavy at
import time). Any other platform is published by hand: `send()` raises ValueError("manual").

Classification of transport failures (shared by every adapter, implemented in `safe_http`):

| what happened                                           | result                              |
|---------------------------------------------------------|-------------------------------------|
| DNS failure, connection refused, TLS handshake failure  | Refused                             |
| connect timeout                                         | Refused                             |
| read timeout, connection reset/closed after sending     | Ambiguous                           |
| HTTP 429                                                | Refused(retry_after=…)              |
| HTTP 408                                                | Refused (the server says it gave up reading the request) |
| other HTTP 4xx                                          | Refused(permanent=True)             |
| HTTP 5xx                                                | Ambiguous (see the adapters for the few documented exceptions) |
"""
from __future__ import annotations

from dataclasses import dataclass

AUTOMATIC_PLATFORMS = ("telegram", "vk", "webhook")


@dataclass(frozen=True)
class Outgoing:
    target_id: str            # also the idempotency key sent to webhooks (and VK's guid)
    post_id: str
    version: int
    platform: str             # channel.platform
    channel_name: str
    external_id: str | None   # telegram chat id (@name or -100…), VK owner id (community: negative), …
    handle: str | None        # telegram @name or t.me link; webhook: the URL to POST to
    credentials_ref: str | None  # env:/ssm:/secretsmanager: reference to the bot/community token or webhook secret
    title: str
    text: str                 # the text as it goes out on this channel (variant or body)
    media: tuple[dict, ...]   # ({"url": ..., "alt": ...}, ...)
    links: tuple[str, ...]
    publish_at: str           # UTC ISO
    brand_id: str
    allow_private_targets: bool  # True only when the stage is local/test (webhooks to 127.0.0.1 allowed)


@dataclass(frozen=True)
class Sent:
    external_id: str | None   # telegram message_id, VK post id, webhook receiver's id if any
    url: str | None           # public link to the live post, when there is one


class Refused(Exception):
    """Nothing went out; safe to retry. `retry_after` (seconds) comes from a 429; `permanent` means
    retrying cannot help (bad token, chat not found, bad request)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"Refused({self.reason!r}, retry_after={self.retry_after!r}, permanent={self.permanent!r})"


class Ambiguous(Exception):
    """The request may have gone out (timeout or reset after sending, an unexplained 5xx). Never retried
    automatically: the target becomes unconfirmed and a person resolves it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"Ambiguous({self.reason!r})"


def is_automatic(platform: str) -> bool:
    return platform in AUTOMATIC_PLATFORMS


def send(outgoing: Outgoing) -> Sent:
    """Send one target. Returns Sent, or raises Refused / Ambiguous; ValueError("manual") for platforms
    a person publishes by hand."""
    platform = getattr(outgoing.platform, "value", outgoing.platform)
    if platform == "telegram":
        from chalicelib.publishing.channels import telegram

        return telegram.send(outgoing)
    if platform == "vk":
        from chalicelib.publishing.channels import vk

        return vk.send(outgoing)
    if platform == "webhook":
        from chalicelib.publishing.channels import webhook

        return webhook.send(outgoing)
    raise ValueError("manual")


def resolve_token(outgoing: Outgoing, what: str, *, required: bool = True) -> str | None:
    """The channel's secret from its reference. A missing/unreadable secret is Refused: nothing was sent.
    (Permanent when there is no reference at all or the env variable is missing; an SSM/Secrets
    Manager hiccup may pass.)"""
    from chalicelib.core.errors import Upstream
    from chalicelib.core.secrets import resolve

    ref = outgoing.credentials_ref
    if not ref:
        if required:
            raise Refused(f"channel {outgoing.channel_name!r} has no credentials reference for its {what}",
                          permanent=True)
        return None
    try:
        value = resolve(ref)
    except Upstream as exc:  # the message names the reference, never the secret
        raise Refused(exc.message, permanent=ref.startswith("env:")) from None
    if not value and required:
        raise Refused(f"the {what} for channel {outgoing.channel_name!r} is empty", permanent=True)
    return value or None
