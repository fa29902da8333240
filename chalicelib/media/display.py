"""Post media for the browser: what pages show (the calendar's chips, the form's and post page's previews).

    shown(post.media) -> [{"src": "/files/<token>" | "https://<bucket>.s3…", "alt": "…", "kind": "image"}]
    thumb(post.media) -> the first of those, or None

`src` is a URL the page may load under our Content-Security-Policy: locally the signed, expiring
`/files/<token>` link of core/files (same origin, 'self'); in AWS a presigned S3 GET, whose origin the
CSP names (core/http/pages.py adds the files bucket to img-src/media-src/connect-src when FILES_BUCKET
is set). Links expire after LINK_SECONDS: a page is read within that; a reload gets fresh links.
Items given only by an outside URL (older posts) are left out: the CSP forbids loading other sites'
images, and fetching them for a preview would be a request to a URL someone typed.
"""
from __future__ import annotations

LINK_SECONDS = 15 * 60


def shown(media: list[dict] | None) -> list[dict]:
    from chalicelib.media import storage

    items = []
    for item in media or []:
        if not isinstance(item, dict) or not item.get("key"):
            continue
        kind = item.get("kind") or ("video" if str(item.get("type", "")).startswith("video/") else "image")
        try:
            src = storage.link(item["key"], item.get("name") or "", LINK_SECONDS)
        except ValueError:
            continue  # a key the store refuses (never stored by us): nothing to show
        items.append({"src": src, "alt": item.get("alt") or "", "kind": kind})
    return items


def thumb(media: list[dict] | None) -> dict | None:
    for item in media or []:
        if isinstance(item, dict) and item.get("key"):
            found = shown([item])
            if found:
                return found[0]
    return None


def page_link(brand_id: str, item: dict) -> str:
    """A lasting link for people (a task mail for a network published by hand): our /media/view page,
    which checks the reader signed in may see the brand and then redirects to a fresh file link. An
    item with only a URL gives that URL."""
    if not isinstance(item, dict):
        return ""
    if not item.get("key"):
        return str(item.get("url") or "")
    from urllib.parse import urlencode

    from chalicelib.core.settings import get_settings

    return f"{get_settings().PUBLIC_BASE_URL}/media/view?" + urlencode({"brand_id": brand_id, "key": item["key"]})
