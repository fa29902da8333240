"""Content rules: does the post contain what the terms require, and nothing they forbid? Pure, no I/O.

All texts are compared normalised (normalise.py: NFKC, case-folded, ё→е, invisible characters dropped,
whitespace collapsed), so "PROMO\u200b10" in a post is the promo code "promo10".

- Required texts (`text_missing`): each must appear as whole words ("sale" is not in "wholesale").
- Promo code (`promo_code_missing`): verbatim as one whole token; "SPRING10" does not match "SPRING100".
  An empty promo code means "no promo code here" and is not checked.
- Links (`link_missing`, `utm_missing`): a required target is present when some link of the post has the
  same host (case ignored, "www." ignored) and the same path (a trailing slash ignored, %-escapes decoded);
  the scheme and the target's own query do not matter. The post's links are its hrefs plus any http(s)
  address written in its text. A present link must also carry our UTM tags (utm.has_tags); when no link to
  the target carries them it is `utm_missing`. One finding per link at most: either missing or untagged.
- Mentions (`mention_missing`): "@brand" or "brand" both mean "@brand" in the text as a whole token
  ("@brand_shop" and "info@brand" are not "@brand").
- Hashtags (`hashtag_missing`): "#sale" or "sale" mean "#sale" as a whole token ("#sales" is not it;
  VK's community form "#sale@brand" is).
- Forbidden terms (`forbidden_term`): terms.contains_term on the normalised text; each term found fails.

Every finding here is a fail. expected: the element as the terms give it; actual: "absent" (for a link
without UTM, the link that was found; for a forbidden term, the term).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from chalicelib.deals.rules.terms import Terms, contains_term
from chalicelib.placements.rules.findings import Finding, fail
from chalicelib.placements.rules.normalise import normalise
from chalicelib.placements.rules.utm import has_tags, tagged

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}…"  # punctuation after an address written in a sentence is not part of it


def links_of(text: str, links: Iterable[str]) -> tuple[str, ...]:
    """The post's hrefs, then every http(s) address written in its text (trailing punctuation dropped)."""
    found = list(links)
    found += [match.rstrip(_TRAILING) for match in _URL_IN_TEXT.findall(text or "")]
    return tuple(dict.fromkeys(found))


def _host_path(url: str) -> tuple[str, str]:
    url = url.strip()
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").casefold().rstrip(".")
    except ValueError:
        return "", ""
    if host.startswith("www."):
        host = host[4:]
    return host, unquote(parts.path).rstrip("/")


def same_target(href: str, target: str) -> bool:
    """Does `href` point at `target`: same host (no www., any case), same path (trailing slash ignored)?"""
    host, path = _host_path(href)
    return bool(host) and (host, path) == _host_path(target)


def _token(text: str, mark: str, name: str) -> bool:
    """Is `mark`+`name` (normalised, without its own mark) a whole token of the normalised `text`?"""
    bare = normalise(name).lstrip("@#")
    if not bare:
        return False
    return re.search(rf"(?<![\w{mark}]){re.escape(mark + bare)}(?!\w)", text) is not None


def link_findings(targets: Iterable[str], links: Iterable[str], utm: Mapping[str, str]) -> list[Finding]:
    found = []
    links = tuple(links)
    for target in targets:
        pointing = [href for href in links if same_target(href, target)]
        if not pointing:
            found.append(fail("link_missing", target.strip()))
        elif utm and not any(has_tags(href, utm) for href in pointing):
            found.append(fail("utm_missing", tagged(target.strip(), utm), pointing[0]))
    return found


def content_findings(terms: Terms, text: str, links: Iterable[str], utm: Mapping[str, str]) -> list[Finding]:
    """Every content rule on a post's raw `text` and `links` (hrefs) against merged `terms`."""
    plain = normalise(text)
    found = [fail("text_missing", required.strip()) for required in terms.required_texts or ()
             if not contains_term(plain, normalise(required))]
    if terms.promo_code and not contains_term(plain, normalise(terms.promo_code)):
        found.append(fail("promo_code_missing", terms.promo_code.strip()))
    found += link_findings(terms.required_links or (), links_of(text, links), utm)
    for rule, mark, names in (("mention_missing", "@", terms.required_mentions),
                              ("hashtag_missing", "#", terms.required_hashtags)):
        found += [fail(rule, mark + name.strip().lstrip("@#")) for name in names or () if not _token(plain, mark, name)]
    found += [fail("forbidden_term", "absent", term.strip()) for term in terms.forbidden_terms or ()
              if term.strip() and contains_term(plain, normalise(term))]
    return found
