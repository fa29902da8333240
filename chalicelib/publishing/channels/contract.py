"""The channel adapters' one contract: what goes out (`Outgoing`), what came back (`Sent`) and the two
ways a send can fail (core/net/outcomes.py).

    Refused    nothing went out; safe to retry (unless `permanent`: retrying cannot help).
    Ambiguous  the request may have gone out; never retried automatically — a person decides.

`dispatch.send()` picks the adapter by platform (`telegram`, `vk` or `webhook`, imported lazily:
nothing heavy at import time). Any other platform is published by hand. The two failures, Refused and
Ambiguous, are the outbound guard's (core/net/outcomes.py): every outside call classifies the same way.

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

from chalicelib.core.net.outcomes import Refused


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
    user_credentials_ref: str | None = None  # VK: a community admin's user token, for the media upload methods


@dataclass(frozen=True)
class Sent:
    external_id: str | None   # telegram message_id, VK post id, webhook receiver's id if any
    url: str | None           # public link to the live post, when there is one


def resolve_token(outgoing: Outgoing, what: str, *, required: bool = True, ref: str | None = None) -> str | None:
    """The channel's secret from its reference, checked against the channel's brand. A missing or
    unreadable secret is Refused (nothing was sent) with one generic reason that never names the path
    or the provider's error; permanent when no retry can help (no reference, a reference the brand may
    not name, a local variable or file that is not there), else an SSM/Secrets Manager hiccup may pass."""
    from chalicelib.core.secrets import CredentialsUnreadable, resolve_for_brand

    ref = ref if ref is not None else outgoing.credentials_ref
    if not ref:
        if required:
            raise Refused(f"channel {outgoing.channel_name!r} has no credentials for its {what}", permanent=True)
        return None
    try:
        return resolve_for_brand(ref, outgoing.brand_id)
    except CredentialsUnreadable as exc:
        raise Refused(f"the {what} of channel {outgoing.channel_name!r}: credentials could not be read",
                      permanent=exc.permanent) from None
