"""What a source saw at a placement's URL: one frozen value shared by the sources (which fill it) and the
rules (which judge it). Pure, no I/O.

- `found` False: nothing is there (404, deleted, not a post); the other fields are then meaningless.
- `account` is normalised by the source: a Telegram channel name case-folded without "@", a VK owner id
  ("-123"), a web page's host without "www.".
- `format` only when the page shows it ("tg_post", "photo", "video", "album", …), else None (not checked).
- `text` is raw (as shown, the Telegram caption included); the rules normalise it themselves.
- `links` are every href in the post as written, made absolute.
- `marked_as_ads` is VK's flag; None where the platform has no such flag.
- `next_post_at` (Telegram): the time of the next newer post in the channel, when it was seen.
- `text_hash` fingerprints the normalised text and the links: a different hash later means the post was
  edited.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.placements.rules.normalise import normalise


@dataclass(frozen=True)
class Observed:
    found: bool  # the post is there (False: 404 / deleted / not a post)
    url: str  # the canonical URL of what was read (e.g. https://t.me/chan/123)
    account: str | None = None  # Telegram channel (casefolded, no @), VK owner id ("-123"), web host (no www.)
    format: str | None = None  # only when the page shows it: "tg_post", "video", "photo", "album", … or None
    public: bool = True
    published_at: datetime | None = None  # aware UTC
    text: str = ""  # visible text of the post (Telegram caption included), raw (not normalised)
    links: tuple[str, ...] = ()  # every href in the post, as written (absolute)
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None
    edited: bool = False  # the page marks it edited
    marked_as_ads: bool | None = None  # VK's marked_as_ads; None where the platform has no such flag
    next_post_at: datetime | None = None  # Telegram: time of the next newer post in the channel, if seen
    meta: Mapping[str, str] = field(default_factory=dict)  # web: og:/article: meta that was read

    def __post_init__(self):
        if isinstance(self.links, list):
            object.__setattr__(self, "links", tuple(self.links))
        object.__setattr__(self, "meta", dict(self.meta or {}))  # a copy: the caller's dict may change later

    @property
    def text_hash(self) -> str:
        """sha256 hex of the normalised text, a line break and the sorted links one a line."""
        body = normalise(self.text) + "\n" + "\n".join(sorted(self.links))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()
