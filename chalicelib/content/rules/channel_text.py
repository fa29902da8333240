"""What a post says on one channel. Pure."""
from __future__ import annotations


def text_for_channel(content: dict, channel_id: str) -> str:
    """The channel's own variant text when the post has one, else the common text."""
    variant = (content.get("variants") or {}).get(channel_id)
    return ((variant or {}).get("body") if variant else content.get("body")) or ""
