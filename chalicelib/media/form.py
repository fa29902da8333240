"""The post form's media field (templates/_media_field.html): each item comes back as one hidden input
`media` holding a JSON object (media_upload.js writes them, in display order)."""
from __future__ import annotations

import json

MAX_VALUE = 4000  # one item's JSON; an alt text is at most 1000 characters
FIELDS = ("key", "url", "kind", "type", "size", "alt", "name")


def media_from_form(values: list[str] | None) -> list[dict]:
    """The media items of the form's `media` values, in order. A value that is not a JSON object is
    skipped; unknown fields are dropped; the post's schema (content.schemas.Media) validates the rest
    when the post is saved, and the content service checks the key belongs to the post's brand."""
    items = []
    for value in values or []:
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE:
            continue
        try:
            item = json.loads(value)
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        kept = {k: item[k] for k in FIELDS if k in item and item[k] is not None}
        if isinstance(kept.get("alt"), str):
            kept["alt"] = kept["alt"].strip()
        if kept.get("key") or kept.get("url"):
            items.append(kept)
    return items
