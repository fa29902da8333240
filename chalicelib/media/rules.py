"""Media on posts: what a file is (by its first bytes, never by its name) and what each network takes.
Pure: no I/O, no settings.

    sniff(b"\\x89PNG\\r\\n\\x1a\\n…")            -> "image/png"
    kind_of("video/mp4")                      -> "video"
    check_upload("image/png", 3_000_000)      -> None, or a Problem (too large for any network we send to)
    check_for_network(media, "telegram")      -> [Problem("too_many", {"network": "Telegram", "max": 10, …})]

A Problem carries a `code` and the `params` of its message; the message itself is the translation key
`limits.media_<code>` (chalicelib/core/i18n/{en,ru}/media.json), so pages show it in the reader's
language and the API in English (`english(problem)`).

Limits per network (sources and dates in docs/media.md):
  Telegram  Bot API, files uploaded as multipart/form-data: photo ≤ 10 MB (sendPhoto), video ≤ 50 MB
            (sendVideo: "Bots can currently send … files of up to 50 MB"), MPEG-4 video (other formats
            only as a document), an album (sendMediaGroup) 2–10 photos/videos; a GIF goes alone
            (sendAnimation: albums take no animations).
  VK        photos.getWallUploadServer: JPG, PNG, GIF, at most 50 MB (width + height ≤ 14000 px, sides
            at most 1:20 — not checked here: we do not decode images); a wall post takes at most 10
            attachments; video through video.save (MP4/MOV).
  X         4 images (≤ 5 MB each, JPEG/PNG/WebP/GIF), or 1 animated GIF (≤ 15 MB), or 1 video (MP4/MOV);
            never mixed.
  Instagram Content Publishing API: images JPEG only (≤ 8 MB), video MP4/MOV; a carousel 2–10 items.
  YouTube   one video, no images.
  Others    (Facebook, LinkedIn, OK, TikTok, webhook): the count limits of content/rules/limits.py and
            Greenlight's own caps below.
Greenlight's own caps for every upload: an image ≤ 20 MB, a video ≤ 50 MB (the most any network we
publish to accepts from a bot; the file is read into memory to send it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

MB = 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
VIDEO_TYPES = ("video/mp4", "video/quicktime")
TYPES = IMAGE_TYPES + VIDEO_TYPES
MAX_IMAGE_BYTES = 20 * MB
MAX_VIDEO_BYTES = 50 * MB
# All files of one post together, for the networks Greenlight publishes to itself (Telegram, VK): the
# publisher reads them into memory and must upload them inside its send time (publishing/sweep.py).
MAX_TOTAL_BYTES = 50 * MB
SNIFF_BYTES = 32  # how many first bytes `sniff` needs
TYPE_LABELS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
               "video/mp4": "MP4", "video/quicktime": "MOV"}
_MP4_BRANDS_NOT_VIDEO = {b"M4A ", b"M4B ", b"M4P ", b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis",
                         b"crx "}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(head: bytes) -> str | None:
    """The media type of a file from its first bytes (at least SNIFF_BYTES of them), or None when it
    is none of the types we take: JPEG, PNG, GIF, WebP, MP4, QuickTime (MOV)."""
    if not isinstance(head, (bytes, bytearray)):
        return None
    head = bytes(head[:SNIFF_BYTES])
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _MP4_BRANDS_NOT_VIDEO:
            return None  # audio (M4A), HEIF/AVIF stills: ISO boxes too, but not video we can post
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return "video/quicktime"  # an old QuickTime file without an ftyp box
    return None


def kind_of(content_type: str | None) -> str | None:
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type in VIDEO_TYPES:
        return "video"
    return None


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)
    index: int | None = None  # which media item (0-based), when it is about one

    @property
    def key(self) -> str:
        """Its detail's `key` (content/guard_text.py translates `limits.<key>`)."""
        return f"media_{self.code}"


def size_text(size: int) -> str:
    """1.5 MB, 300 KB: for messages."""
    if size >= MB:
        value = size / MB
        return f"{value:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def check_upload(content_type: str | None, size: int | None, name: str = "") -> Problem | None:
    """Greenlight's own caps, before any network: a type we take and a size under the cap."""
    kind = kind_of(content_type)
    if kind is None:
        return Problem("bad_type", {"name": name})
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        return Problem("empty", {"name": name})
    cap = MAX_IMAGE_BYTES if kind == "image" else MAX_VIDEO_BYTES
    if size > cap:
        return Problem("too_large", {"name": name, "max": size_text(cap), "size": size_text(size)})
    return None


@dataclass(frozen=True)
class NetworkMedia:
    """What one network takes. Sizes in bytes; None: no limit of that network's own."""

    label: str
    image_types: tuple[str, ...] = IMAGE_TYPES
    video_types: tuple[str, ...] = VIDEO_TYPES
    max_image_bytes: int | None = None
    max_gif_bytes: int | None = None
    max_video_bytes: int | None = None
    max_items: int | None = None
    max_videos: int | None = None
    no_mixing: bool = False  # images and a video never together (X)
    gif_alone: bool = False  # a GIF is the only item of its post (X, Telegram)
    max_total_bytes: int | None = None  # all files of a post together (published by Greenlight itself)


NETWORKS: dict[str, NetworkMedia] = {
    "telegram": NetworkMedia("Telegram", video_types=("video/mp4",), max_image_bytes=10 * MB,
                             max_gif_bytes=50 * MB, max_video_bytes=50 * MB, max_items=10, gif_alone=True,
                             max_total_bytes=MAX_TOTAL_BYTES),
    "vk": NetworkMedia("VK", image_types=("image/jpeg", "image/png", "image/gif"), max_image_bytes=50 * MB,
                       max_gif_bytes=50 * MB, max_items=10, max_total_bytes=MAX_TOTAL_BYTES),
    "x": NetworkMedia("X", max_image_bytes=5 * MB, max_gif_bytes=15 * MB, max_video_bytes=512 * MB, max_items=4,
                      max_videos=1, no_mixing=True, gif_alone=True),
    "instagram": NetworkMedia("Instagram", image_types=("image/jpeg",), max_image_bytes=8 * MB, max_items=10),
    "youtube": NetworkMedia("YouTube", image_types=(), max_items=1, max_videos=1),
    "facebook": NetworkMedia("Facebook"),
    "linkedin": NetworkMedia("LinkedIn", max_items=20),
    "tiktok": NetworkMedia("TikTok", image_types=("image/jpeg", "image/webp"), max_items=35, max_videos=1),
    "ok": NetworkMedia("OK"),
    "webhook": NetworkMedia("The webhook"),
}


def _types_text(types: tuple[str, ...]) -> str:
    return ", ".join(TYPE_LABELS[t] for t in types)


def check_for_network(media: list[dict], platform: str) -> list[Problem]:
    """Every problem `media` (the post's items, in order) has on `platform`; [] when it fits.
    Items given by URL only (older posts) have no known type or size: only their count is checked."""
    rules = NETWORKS.get(platform) or NetworkMedia(platform)
    items = [m for m in media or [] if isinstance(m, dict)]
    problems: list[Problem] = []
    name = rules.label
    if rules.max_items is not None and len(items) > rules.max_items:
        problems.append(Problem("too_many", {"network": name, "max": rules.max_items, "count": len(items)}))
    kinds = [m.get("kind") or kind_of(m.get("type")) for m in items]
    videos = kinds.count("video")
    images = kinds.count("image")
    if rules.max_videos is not None and videos > rules.max_videos:
        problems.append(Problem("too_many_videos", {"network": name, "max": rules.max_videos, "count": videos}))
    if rules.no_mixing and videos and images:
        problems.append(Problem("no_mixing", {"network": name}))
    if rules.gif_alone and len(items) > 1 and any(m.get("type") == "image/gif" for m in items):
        problems.append(Problem("gif_alone", {"network": name}))
    total = sum(m["size"] for m in items if isinstance(m.get("size"), int) and not isinstance(m.get("size"), bool))
    if rules.max_total_bytes is not None and total > rules.max_total_bytes:
        problems.append(Problem("too_large_total", {"network": name, "max": size_text(rules.max_total_bytes),
                                                    "size": size_text(total)}))
    for index, (item, kind) in enumerate(zip(items, kinds)):
        content_type = item.get("type")
        if not content_type:
            continue  # a URL item: nothing known
        label = item.get("name") or f"#{index + 1}"
        allowed = rules.image_types if kind == "image" else rules.video_types if kind == "video" else ()
        if content_type not in allowed:
            key = "type_images" if kind == "image" else "type_videos"
            if not allowed:
                key = "no_images" if kind == "image" else "no_videos"
            problems.append(Problem(key, {"network": name, "name": label, "type": TYPE_LABELS.get(content_type, "?"),
                                          "types": _types_text(allowed)}, index))
            continue
        cap = rules.max_video_bytes if kind == "video" else \
            (rules.max_gif_bytes if content_type == "image/gif" and rules.max_gif_bytes else rules.max_image_bytes)
        size = item.get("size")
        if cap is not None and isinstance(size, int) and size > cap:
            problems.append(Problem("too_large_for", {"network": name, "name": label, "max": size_text(cap),
                                                      "size": size_text(size)}, index))
    return problems


ENGLISH = {
    "bad_type": "{name}: not an image or video we can post (JPEG, PNG, GIF, WebP, MP4 or MOV).",
    "empty": "{name}: the file is empty.",
    "too_large": "{name} is {size}; files may be at most {max}.",
    "too_many": "{network} takes at most {max} media files per post; this post has {count}.",
    "too_many_videos": "{network} takes at most {max} video per post; this post has {count}.",
    "no_mixing": "{network} takes either images or one video in a post, not both.",
    "gif_alone": "{network} posts a GIF on its own: a post with a GIF can have no other media.",
    "type_images": "{network} takes {types} images; {name} is {type}.",
    "type_videos": "{network} takes {types} video; {name} is {type}.",
    "no_images": "{network} takes no images; remove {name}.",
    "no_videos": "Greenlight cannot send video to {network}; remove {name}.",
    "too_large_for": "{network} takes files of at most {max}; {name} is {size}.",
    "too_large_total": "At most {max} of media goes to {network} in one post, all files together; this post has "
                       "{size}.",
    "missing": "{name}: the file is not in the store (the upload did not finish or it was removed); upload it again.",
    "vk_user_token": "VK uploads photos and video only with a user token of a community admin: add it to the "
                     "channel (the brand page, channel's user token) or remove the media.",
}


def english(problem: Problem) -> str:
    return ENGLISH[problem.code].format(**problem.params)
