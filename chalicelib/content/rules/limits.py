"""Per-network content limits, checked when a post's channel variant is saved. Pure: no I/O.

    check("…301 chars…", "x", has_media=False, media_count=0)
      → [Problem(field="text", code="too_long", message="X allows 280 characters; this text has 301.",
                 limit=280, actual=301)]

Each network counts "characters" its own way, and `count_chars` counts the way the network does:

    code_points  one per Unicode code point (Python's len): VK, OK, Instagram, Facebook, LinkedIn, webhook
    utf16        UTF-16 code units, so an emoji outside the BMP counts 2: Telegram, TikTok
    utf8_bytes   UTF-8 bytes, so a Cyrillic letter counts 2: the YouTube description
    x_weighted   X's twitter-text v3 rules (see `_count_x`)

A check is a hint to the author, not the network's verdict: where a network's own counting is not
documented we count code points, and where a limit is not documented we say so next to the number.
Markup is counted as typed (Telegram counts text *after* parsing HTML/Markdown entities, so a
formatted text may fit there even when we report it as too long — we err on the safe side).

Sources (checked 2026; "unverified" means no official figure was found, only a widely quoted one):
- Telegram: Bot API sendMessage "text: 1-4096 characters after entities parsing"; captions of
  sendPhoto/sendVideo/sendMediaGroup "0-1024 characters"; sendMediaGroup takes "2-10" items.
  Telegram counts UTF-16 code units (MessageEntity offsets and lengths are in UTF-16).
  https://core.telegram.org/bots/api#sendmessage
- X: 280 weighted characters; every URL counts as 23 (t.co); code points in four ranges (Latin …
  Georgian U+0000-U+10FF and some punctuation) weigh 1, everything else (CJK, emoji) weighs 2; an
  emoji sequence counts once; text is NFC-normalised first. twitter-text config v3 and
  https://developer.x.com/en/docs/counting-characters . Up to 4 images (or 1 video/GIF) per post.
- Instagram: caption 2200 characters; carousel 2-10 items through the Content Publishing API
  (https://developers.facebook.com/docs/instagram-platform/content-publishing/; the app allows 20,
  the API 10). Hashtags: 5 per post or reel since December 2025 (Instagram's announcement: "Instagram
  will gradually update the number of hashtags that you can include in a caption for a reel or post
  to 5"); the old limit was 30.
- VK: wall.post `message` has no documented maximum (https://dev.vk.com/en/method/wall.post); 16384
  is the widely quoted limit of a wall post — unverified. Attachments: 10 per post — unverified.
- OK (Odnoklassniki): mediatopic.post documents no text limit (https://apiok.ru/dev/methods/rest/
  mediatopic/mediatopic.post); 16000 is a conservative guess — unverified. Media: unknown.
- Facebook: 63206 characters per post (measured when Facebook raised the limit in 2011, widely
  quoted; no official page). Media: no documented per-post cap.
- LinkedIn: Posts API commentary 3000 characters; a MultiImage post has 2-20 images
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api).
- TikTok: Content Posting API video caption (`title`) up to 2200 UTF-16 runes; photo posts take a
  90-character title and a 4000-character description — we check the stricter 2200 because we do
  not know yet whether the post is a video. Photo posts hold up to 35 images.
  https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
- YouTube: Data API videos resource: snippet.title at most 100 characters, snippet.description at
  most 5000 *bytes* (https://developers.google.com/youtube/v3/docs/videos). The post body maps to
  the description. One video per upload.
- webhook: our own cap (100000) so one post cannot flood a receiver.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from chalicelib.core.errors import ValidationFailed

CODE_POINTS = "code_points"
UTF16 = "utf16"
UTF8_BYTES = "utf8_bytes"
X_WEIGHTED = "x_weighted"


@dataclass(frozen=True)
class Limit:
    """What one network accepts in one post. `None` means no limit we know of."""

    max_chars: int
    caption_max_chars: int | None = None  # applies instead of max_chars when the post has media
    max_hashtags: int | None = None
    max_media: int | None = None
    url_weight: int | None = None  # every http(s) URL counts this many characters (X's t.co links)
    unit: str = CODE_POINTS  # how `max_chars` is counted, see the module docstring
    title_max_chars: int | None = None  # a separate title field (YouTube), counted in code points


LIMITS: dict[str, Limit] = {
    "telegram": Limit(4096, caption_max_chars=1024, max_media=10, unit=UTF16),
    "vk": Limit(16384, max_media=10),
    "ok": Limit(16000),
    "instagram": Limit(2200, max_hashtags=5, max_media=10),
    "facebook": Limit(63206),
    "x": Limit(280, max_media=4, url_weight=23, unit=X_WEIGHTED),
    "linkedin": Limit(3000, max_media=20),
    "tiktok": Limit(2200, max_media=35, unit=UTF16),
    "youtube": Limit(5000, max_media=1, unit=UTF8_BYTES, title_max_chars=100),
    "webhook": Limit(100000),
}

# Where a feed folds a long text behind "more" ("…ещё", "Показать полностью"), in characters (code
# points). None of these is a hard limit or an official figure; they are what the feeds showed when
# measured (sources and dates in docs/post-form.md). The preview cuts there so the author sees what a
# reader sees before tapping.
FOLDS: dict[str, int] = {
    "instagram": 125,   # Instagram Help Center: "we recommend adding a caption of 125 characters or fewer"
    "linkedin": 210,    # desktop feed "…see more" (≈140 on a phone)
    "facebook": 480,    # desktop feed "See more" (≈110 on a phone)
    "vk": 280,          # wall "Show more" / "Показать полностью…" — unverified estimate, VK folds by lines too
    "tiktok": 150,      # caption "…more" under a video
}

LABELS = {"telegram": "Telegram", "vk": "VK", "ok": "OK", "instagram": "Instagram", "facebook": "Facebook",
          "x": "X", "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube", "webhook": "The webhook"}

# twitter-text v3: code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

# A URL runs to the next space; trailing punctuation is the sentence's, not the link's.
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"’”»…)]}"
# A hashtag: '#' not glued to a word, then word characters with at least one letter ("#1" is not one).
_HASHTAG = re.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])\w+")

_ZWJ, _VS15, _VS16, _KEYCAP = 0x200D, 0xFE0E, 0xFE0F, 0x20E3


@dataclass(frozen=True)
class Problem:
    """One limit a text breaks; `message` is plain English for the author (the API's default).

    For other languages the problem carries what a translation needs: `key` names the message
    (`limits.<key>` in chalicelib/core/i18n/*/post_form.json; it is the `code`, or a more precise
    wording of it such as `too_long_bytes`) and `params` its values (see `params`)."""

    field: str  # "text", "title" or "media"
    code: str  # too_long | caption_too_long | title_too_long | too_many_hashtags | too_many_media
    message: str
    limit: int
    actual: int
    key: str = field(default="", compare=False)
    platform: str = field(default="", compare=False)
    url_weight: int = field(default=0, compare=False)

    @property
    def params(self) -> dict:
        """{network, limit, actual, url_weight}: the placeholders of every `limits.*` message."""
        return {"network": LABELS.get(self.platform, self.platform), "limit": self.limit, "actual": self.actual,
                "url_weight": self.url_weight}


def limit_for(platform: str) -> Limit:
    try:
        return LIMITS[platform]
    except KeyError:
        raise ValidationFailed(f"Unknown network '{platform}'. Known: {', '.join(LIMITS)}.",
                               details=[{"field": "platform", "message": "unknown network"}]) from None


def find_urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of each http(s) URL in `text`, trailing punctuation left out.

    Bare domains ("example.com") are not URLs here, though X may shorten those too.
    """
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break  # a balanced ")" belongs to the URL (Wikipedia style)
            if last not in _URL_TRAILING:
                break
            end -= 1
        if text.find("://", start, end) + 3 < end:  # something after the scheme
            spans.append((start, end))
    return spans


def count_hashtags(text: str) -> int:
    """Hashtags as Instagram sees them: '#word' (letters, digits, '_'), not inside links."""
    plain = "".join(_outside(text, find_urls(text), " "))
    return len(_HASHTAG.findall(plain))


def count_chars(text: str, platform: str) -> int:
    """The length of `text` as `platform` counts it against `max_chars` (see the module docstring)."""
    unit = limit_for(platform).unit
    if unit == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if unit == UTF8_BYTES:
        return len(text.encode("utf-8", "surrogatepass"))
    if unit == X_WEIGHTED:
        return _count_x(text, LIMITS[platform].url_weight or 0)
    return len(text)


def check(text: str, platform: str, has_media: bool, media_count: int, *,
          title: str | None = None) -> list[Problem]:
    """Every limit of `platform` that this post breaks; an empty list when it fits.

    With media, a network with a caption limit (Telegram) checks the text against the caption limit.
    `title` is checked only where the network has a separate title (YouTube).
    """
    limit = limit_for(platform)
    name = LABELS[platform]
    media_count = max(media_count, 0)
    has_media = has_media or media_count > 0
    problems: list[Problem] = []

    size = count_chars(text, platform)
    unit_word = "bytes" if limit.unit == UTF8_BYTES else "characters"
    if has_media and limit.caption_max_chars is not None:
        if size > limit.caption_max_chars:
            problems.append(Problem(
                "text", "caption_too_long",
                f"{name} allows {limit.caption_max_chars:,} {unit_word} in a caption under photos or videos; "
                f"this text has {size:,}. Shorten it or post the text without media.",
                limit.caption_max_chars, size, "caption_too_long", platform))
    elif size > limit.max_chars:
        message = f"{name} allows {limit.max_chars:,} {unit_word}; this text has {size:,}."
        key = "too_long"
        if limit.unit == UTF8_BYTES:
            key = "too_long_bytes"
            message = (f"{name} allows {limit.max_chars:,} bytes in a description; this text has {size:,}. "
                       "Letters outside the Latin alphabet (Cyrillic, for one) take 2 bytes each.")
        elif limit.url_weight and find_urls(text):
            key = "too_long_links"
            message += f" Each link counts as {limit.url_weight} characters."
        problems.append(Problem("text", "too_long", message, limit.max_chars, size, key, platform,
                                limit.url_weight or 0))

    if limit.max_hashtags is not None:
        tags = count_hashtags(text)
        if tags > limit.max_hashtags:
            problems.append(Problem("text", "too_many_hashtags",
                                    f"{name} allows {limit.max_hashtags} hashtags; this text has {tags}.",
                                    limit.max_hashtags, tags, "too_many_hashtags", platform))

    if limit.max_media is not None and media_count > limit.max_media:
        noun = "file" if limit.max_media == 1 else "files"
        problems.append(Problem("media", "too_many_media",
                                f"{name} allows {limit.max_media} media {noun} per post; this post has {media_count}.",
                                limit.max_media, media_count, "too_many_media", platform))

    if title is not None and limit.title_max_chars is not None and len(title) > limit.title_max_chars:
        problems.append(Problem("title", "title_too_long",
                                f"{name} allows {limit.title_max_chars} characters in a title; "
                                f"this title has {len(title)}.",
                                limit.title_max_chars, len(title), "title_too_long", platform))
    return problems


@dataclass(frozen=True)
class Cut:
    """A text as a network shows it: `visible` before the feed's "more", `folded` after it, and `over`
    what goes past the hard limit (the network refuses the post; the preview strikes it out)."""

    visible: str
    folded: str
    over: str
    count: int  # counted the network's way (see count_chars)
    max_chars: int  # the limit in force: the caption's when the post has media and the network has one
    fold: int | None

    @property
    def is_over(self) -> bool:
        return self.count > self.max_chars


def max_for(platform: str, has_media: bool) -> int:
    """The text limit in force: Telegram's 1024-character caption under media, else max_chars."""
    limit = limit_for(platform)
    return limit.caption_max_chars if has_media and limit.caption_max_chars is not None else limit.max_chars


def cut(text: str, platform: str, has_media: bool = False) -> Cut:
    """Where `platform` cuts `text`: the fold of its feed and its hard limit.

        cut("x" * 300, "instagram").visible == "x" * 125
        cut("é" * 1100, "telegram", has_media=True).over == "é" * 76
    """
    size = count_chars(text, platform)
    most = max_for(platform, has_media)
    end = len(text)
    if size > most:  # the longest prefix that fits, found by halving (counts grow with the prefix)
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if count_chars(text[:middle], platform) <= most:
                low = middle
            else:
                high = middle - 1
        end = low
    fits, over = text[:end], text[end:]
    fold = FOLDS.get(platform)
    at = _fold_at(fits, fold) if fold is not None else len(fits)
    return Cut(fits[:at], fits[at:], over, size, most, fold)


def _fold_at(text: str, fold: int) -> int:
    """The feed's fold: `fold` characters, moved back to the last space within 20 of them."""
    if len(text) <= fold:
        return len(text)
    space = text.rfind(" ", fold - 20, fold + 1)
    return space if space > 0 else fold


def limits_for_form() -> dict:
    """The limits as plain JSON for the web form's live counters (the form counts the same way)."""
    form = {}
    for platform, limit in LIMITS.items():
        entry = {"label": LABELS[platform], "max_chars": limit.max_chars,
                 "caption_max_chars": limit.caption_max_chars, "url_weight": limit.url_weight,
                 "max_hashtags": limit.max_hashtags, "max_media": limit.max_media, "unit": limit.unit,
                 "title_max_chars": limit.title_max_chars, "fold": FOLDS.get(platform)}
        if limit.unit == X_WEIGHTED:
            entry["light_ranges"] = [list(r) for r in X_LIGHT_RANGES]  # weight 1; all else weighs 2
        form[platform] = entry
    return form


# ---- X (twitter-text v3) ---------------------------------------------------------------------

def _count_x(text: str, url_weight: int) -> int:
    """X's weighted length: NFC first; each URL `url_weight`; then code points by weight, with an
    emoji sequence (ZWJ joins, skin tones, VS16, keycaps, flags, tag sequences) counting 2 in all.

    Emoji sequences are recognised by their joiners rather than with Unicode's full emoji table, so a
    rare symbol may count differently from x.com; the common cases match.
    """
    text = unicodedata.normalize("NFC", text)
    spans = find_urls(text)
    return url_weight * len(spans) + sum(_weigh_x(part) for part in _outside(text, spans))


def _outside(text: str, spans: list[tuple[int, int]], filler: str | None = None) -> list[str]:
    """The pieces of `text` between `spans` (with `filler` standing in for each span, if given)."""
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        if filler is not None:
            parts.append(filler)
        pos = end
    parts.append(text[pos:])
    return parts


def _x_weight(cp: int) -> int:
    return 1 if any(lo <= cp <= hi for lo, hi in X_LIGHT_RANGES) else 2


def _is_modifier(cp: int) -> bool:
    return cp in (_VS15, _VS16, _KEYCAP) or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _weigh_x(text: str) -> int:
    cps = [ord(ch) for ch in text]
    total, i, n = 0, 0, len(cps)
    while i < n:
        cp = cps[i]
        j = i + 1
        if 0x1F1E6 <= cp <= 0x1F1FF and j < n and 0x1F1E6 <= cps[j] <= 0x1F1FF:
            total, i = total + 2, j + 1  # a flag: two regional indicators
            continue
        if _x_weight(cp) == 2:
            # an emoji (or other heavy) base swallows its modifiers and ZWJ-joined followers
            while j < n and (_is_modifier(cps[j]) or (cps[j] == _ZWJ and j + 1 < n)):
                j += 2 if cps[j] == _ZWJ else 1
            total += 2
        elif j < n and cps[j] in (_VS16, _KEYCAP):
            # a light base shown as emoji: "©️", "1️⃣"
            while j < n and cps[j] in (_VS16, _KEYCAP):
                j += 1
            total += 2
        else:
            total += 1
        i = j
    return total
