"""The one form in which placement texts are compared. Pure, no I/O.

`normalise(text)`:
- Unicode NFKC (full-width letters, ligatures and the like become plain letters: "ｅｒｉｄ" → "erid");
- case-folded ("Реклама" → "реклама", "STRASSE" and "straße" meet);
- `ё` → `е` (Russian writes both for the same word);
- invisible characters removed: zero-width space, non-joiner and joiner (U+200B..U+200D), word joiner
  (U+2060), byte-order mark (U+FEFF) and the soft hyphen (U+00AD) — so "PROMO\u200b10" reads "promo10";
- every run of whitespace (spaces, tabs, line breaks, no-break spaces) becomes one space; no space at
  either end.

The erid is never normalised: it is compared exactly (see marking.py).
"""
from __future__ import annotations

import unicodedata

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise(text: str | None) -> str:
    """`text` in the form placement texts are compared in (see the module's docstring)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text.translate(INVISIBLE)).casefold()
    # case-folding may leave a decomposed letter ("ΐ"): composed again, so normalising twice changes nothing
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE).replace("ё", "е")
    return " ".join(text.split())
