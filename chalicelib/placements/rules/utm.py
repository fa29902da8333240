"""Our UTM tags, and how a link carries them. Pure, no I/O.

Every required link in a placement must carry the same four tags, so the brand's analytics can tell
which deliverable brought each visit:
    utm_source   = the platform ("telegram", "vk", …)
    utm_medium   = "influencer"
    utm_campaign = the campaign id, or else the contract number, as a slug (lower case Latin letters,
                   digits and "-"; Cyrillic transliterated: "ДГ-2026/14" → "dg-2026-14")
    utm_content  = the deliverable's id

`tagged(url, tags)` gives the link to hand to the blogger: the tags added (or replaced when the URL
already has them with other values), the rest of the query and the fragment kept as they were.
`has_tags(href, tags)` says whether a link found in a post carries every tag with exactly our value
(values are compared after URL-decoding, case-sensitively, like analytics do; other parameters are ignored).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from chalicelib.placements.rules.normalise import normalise

MEDIUM = "influencer"
FALLBACK_CAMPAIGN = "campaign"  # the slug of a campaign name that has no letter or digit left
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def slug(text: str) -> str:
    """Lower case Latin letters, digits and single "-": "ДГ-2026/14" → "dg-2026-14"."""
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in normalise(text))
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-") or FALLBACK_CAMPAIGN


def utm_tags(platform: str, campaign: str, deliverable_id: str) -> dict[str, str]:
    """The tags every required link of this deliverable must carry (see the module's docstring)."""
    return {"utm_source": platform, "utm_medium": MEDIUM, "utm_campaign": slug(campaign),
            "utm_content": deliverable_id}


def tagged(url: str, tags: Mapping[str, str]) -> str:
    """`url` with `tags` in its query (added, or replacing the same names); the rest is kept."""
    parts = urlsplit(url)
    kept = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name not in tags]
    return urlunsplit(parts._replace(query=urlencode(kept + list(tags.items()))))


def has_tags(href: str, tags: Mapping[str, str]) -> bool:
    """Does `href` carry every one of `tags` with exactly that value?"""
    query = parse_qs(urlsplit(href).query, keep_blank_values=True)
    return all(value in query.get(name, ()) for name, value in tags.items())
