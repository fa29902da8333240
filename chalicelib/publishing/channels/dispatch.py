"""Which adapter sends a target: `send()` picks it by platform (imported lazily, nothing heavy at
import time); a platform without an adapter is published by a person (`is_automatic` is False)."""
from __future__ import annotations

from chalicelib.publishing.channels.contract import Outgoing, Sent

AUTOMATIC_PLATFORMS = ("telegram", "vk", "webhook")


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
