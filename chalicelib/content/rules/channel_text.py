"""What a post says on one channel. Pure."""
from __future__ import annotations

from dataclasses import dataclass

PREVIEW_CHARS = 4000  # what approvers see of each channel's text


def text_for_channel(content: dict, channel_id: str) -> str:
    """The channel's own variant text when the post has one, else the common text."""
    variant = (content.get("variants") or {}).get(channel_id)
    return ((variant or {}).get("body") if variant else content.get("body")) or ""


@dataclass(frozen=True)
class ChannelText:
    channel: str
    platform: str
    text: str


def texts_as_published(content: dict, channels: list) -> list[ChannelText]:
    """What goes out on each channel: its variant, else the common text."""
    return [ChannelText(channel.name, channel.platform, text_for_channel(content, channel.id)[:PREVIEW_CHARS])
            for channel in channels]
