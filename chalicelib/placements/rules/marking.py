"""Marking rules: is the post marked as an ad the way its profile demands? Pure, no I/O.

Profiles (the deal's `disclosure`):
- `none`: nothing is checked here.
- `ru` (the Russian law on advertising, art. 18.1):
  - `ad_label_missing` (fail): the word «реклама» must be in the text as a whole word, in any case
    («Реклама», «РЕКЛАМА», «#реклама» all count). A word that only looks like it — a Latin "P", "e", "a",
    "K", "M" … (or a Greek letter) mixed into the Cyrillic — is not the label: the finding's actual shows
    the word as written and its foreign letters, e.g. "Pеклама (Latin: P)".
  - `advertiser_missing` (fail): the advertiser's name or its INN must appear. The name is compared
    normalised with quotes («» "" „“ '') ignored and the legal form (ООО, ИП, АО, ПАО, ЗАО, ОАО, LLC, Inc,
    Ltd, GmbH, or spelt out) optional, as whole words; the INN as a whole run of digits. With neither
    known to the deal, this rule is not checked.
  - `erid_missing` / `erid_mismatch` (fail): the erid token must be in a link's query (`erid=<token>`)
    or in the text after the label "erid" (`erid: <token>`, `erid <token>`, `ERID=<token>`: the label in
    any case, the token exactly). The token is compared EXACTLY, case-sensitively: "2vtzqxyz" is not
    "2VtzqxYz" (`erid_mismatch`). Some token but not ours: mismatch; none at all: missing. When the
    deal has no erid yet, any token passes and none is `erid_missing`.
  - `marked_as_ads` (warn): on VK, the post's own "advertising" flag is off.
- `ftc` (the US FTC endorsement guides): a clear disclosure — #ad, #advertisement, #sponsored,
  "advertisement", "sponsored", "paid partnership", «реклама» — must END within the first 125
  normalised characters (what a feed shows before "more"). Only later: `disclosure_missing` (fail) with
  actual "<marker> at char N" (1-based, in the normalised text). None at all but an ambiguous one
  (#sp, #spon, #collab, #thanks): `disclosure_ambiguous` (warn). Nothing: `disclosure_missing`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

from chalicelib.deals.rules.terms import contains_term
from chalicelib.placements.rules.content import links_of
from chalicelib.placements.rules.findings import Finding, fail, warn
from chalicelib.placements.rules.normalise import INVISIBLE, normalise

PROFILES = ("ru", "ftc", "none")
LABEL = "реклама"
# Latin and Greek letters (after case-folding) that look like a Cyrillic one
HOMOGLYPHS = str.maketrans({"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о",
                            "p": "р", "t": "т", "x": "х", "y": "у", "α": "а", "ε": "е", "κ": "к", "ο": "о",
                            "ρ": "р", "τ": "т", "χ": "х"})
LEGAL_FORMS = ("общество с ограниченной ответственностью", "публичное акционерное общество",
               "акционерное общество", "индивидуальный предприниматель", "ооо", "ип", "ао", "пао", "зао", "оао",
               "llc", "inc", "ltd", "gmbh")
QUOTES = "«»\"“”„‟'‘’`"
FTC_CLEAR = ("#ad", "#advertisement", "#sponsored", "advertisement", "sponsored", "paid partnership", LABEL)
FTC_AMBIGUOUS = ("#sp", "#spon", "#collab", "#thanks")
FTC_WITHIN = 125  # normalised characters
ERID_MIN = 5  # shorter "tokens" after the word erid are ordinary words, not a token
_ERID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])erid\s*[:=]?\s*([0-9A-Za-z]{%d,})" % ERID_MIN, re.IGNORECASE)


# --- ru ---------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _foreign(word: str) -> str:
    """The letters of `word` that are not Cyrillic, with their script: "Latin: P"."""
    letters: dict[str, list[str]] = {}
    for ch in word:
        script = unicodedata.name(ch, "").split(" ")[0]
        if ch.isalpha() and script != "CYRILLIC":
            letters.setdefault(script.title(), []).append(ch)
    return "; ".join(f"{script}: {' '.join(dict.fromkeys(chars))}" for script, chars in letters.items())


def label_finding(text: str) -> Finding | None:
    """`ad_label_missing` unless «реклама» is a whole word of the text."""
    plain = normalise(text)
    words = _words(plain)
    if LABEL in words:
        return None
    fakes = [word for word in words if word.translate(HOMOGLYPHS) == LABEL]
    if not fakes:
        return fail("ad_label_missing", "Реклама")
    # show it as written: the raw word (case kept) whose normalised form is the fake
    written = next((word for word in _words(unicodedata.normalize("NFKC", (text or "").translate(INVISIBLE)))
                    if normalise(word) == fakes[0]), fakes[0])
    return fail("ad_label_missing", "Реклама", f"{written} ({_foreign(written)})")


def _name_core(name: str) -> str:
    plain = normalise(name.translate(str.maketrans(QUOTES, " " * len(QUOTES))))
    changed = True
    while changed:
        changed = False
        plain = plain.strip(" .,")
        for form in LEGAL_FORMS:
            if plain.startswith(form + " "):
                plain, changed = plain[len(form) + 1:], True
            elif plain.endswith(" " + form):
                plain, changed = plain[:-len(form) - 1], True
    return plain.strip(" .,")


def advertiser_finding(text: str, name: str | None, inn: str | None) -> Finding | None:
    """`advertiser_missing` unless the advertiser's name (quotes, legal form ignored) or INN is in the text."""
    core = _name_core(name) if name else ""
    digits = re.sub(r"\D", "", inn or "")
    if not core and not digits:
        return None
    plain = normalise((text or "").translate(str.maketrans(QUOTES, " " * len(QUOTES))))
    if core and contains_term(plain, core):
        return None
    if digits and re.search(rf"(?<!\d){digits}(?!\d)", plain):
        return None
    expected = " / ".join(value for value in ((name or "").strip(), digits) if value)
    return fail("advertiser_missing", expected)


def erids_in(text: str, links: Iterable[str]) -> list[str]:
    """Every erid token: from links' queries (erid=…), then from the text (erid: …), in order, once each."""
    found = []
    for link in links:
        try:
            query = parse_qsl(urlsplit(link).query, keep_blank_values=True)
        except ValueError:
            continue
        found += [value.strip() for key, value in query if key.casefold() == "erid" and value.strip()]
    found += _ERID_IN_TEXT.findall(unicodedata.normalize("NFKC", (text or "").translate(INVISIBLE)))
    return list(dict.fromkeys(found))


def erid_finding(text: str, links: Iterable[str], erid: str | None) -> Finding | None:
    """`erid_missing` / `erid_mismatch` (see the module's docstring)."""
    tokens = erids_in(text, links)
    expected = f"erid={erid}" if erid else "erid"
    if not tokens:
        return fail("erid_missing", expected)
    if erid is None or erid in tokens:
        return None
    return fail("erid_mismatch", expected, ", ".join(f"erid={token}" for token in tokens))


# --- ftc --------------------------------------------------------------------------------------------


def _first(plain: str, markers: Iterable[str]) -> tuple[int, str] | None:
    """The earliest (index, marker) of any marker as a whole token of the normalised text."""
    hits = []
    for marker in markers:
        match = re.search(rf"(?<![\w#]){re.escape(marker)}(?!\w)", plain)
        if match:
            hits.append((match.start(), marker))
    return min(hits) if hits else None


def disclosure_finding(text: str) -> Finding | None:
    plain = normalise(text)
    clear = _first(plain, FTC_CLEAR)
    if clear is not None:
        start, marker = clear
        if start + len(marker) <= FTC_WITHIN:
            return None
        return fail("disclosure_missing", f"≤ char {FTC_WITHIN}", f"{marker} at char {start + 1}")
    ambiguous = _first(plain, FTC_AMBIGUOUS)
    if ambiguous is not None:
        return warn("disclosure_ambiguous", "#ad", ambiguous[1])
    return fail("disclosure_missing", f"≤ char {FTC_WITHIN}")


# --- all of them ------------------------------------------------------------------------------------


def marking_findings(profile: str, text: str, links: Iterable[str], erid: str | None, advertiser_name: str | None,
                     advertiser_inn: str | None, platform: str, marked_as_ads: bool | None) -> list[Finding]:
    """Every marking rule of `profile` ("ru" | "ftc" | "none") on a post's raw text and hrefs."""
    if profile not in PROFILES:
        raise ValueError(f"{profile!r} is not a disclosure profile; one of {', '.join(PROFILES)}.")
    if profile == "none":
        return []
    if profile == "ftc":
        return [finding for finding in (disclosure_finding(text),) if finding]
    found = [label_finding(text), advertiser_finding(text, advertiser_name, advertiser_inn),
             erid_finding(text, links_of(text, links), erid)]
    if platform == "vk" and marked_as_ads is False:
        found.append(warn("marked_as_ads", "true", "false"))
    return [finding for finding in found if finding]

