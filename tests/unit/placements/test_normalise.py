"""The normaliser placement texts are compared in: NFKC, case-folded, ё→е, invisible characters dropped,
whitespace collapsed; and normalising twice changes nothing (property-based)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.placements.rules.normalise import normalise


@pytest.mark.parametrize("raw, plain", [
    ("ｅｒｉｄ", "erid"),  # full-width letters
    ("ﬁnal", "final"),  # a ligature
    ("①", "1"),
    ("Реклама", "реклама"),
    ("STRASSE straße", "strasse strasse"),
    ("Ёлка ЁЖ", "елка еж"),
    ("е\u0308лка", "елка"),  # ё written as е + combining diaeresis
    ("PRO\u200bMO", "promo"),
    ("PRO\u200cMO\u200d10", "promo10"),
    ("a\u2060b\ufeffc", "abc"),
    ("рек\u00adлама", "реклама"),  # soft hyphen
    ("  many\t\tspaces\n\nand\u00a0lines\u2009here  ", "many spaces and lines here"),
    ("a \u200b b", "a b"),
    ("", ""),
    (None, ""),
])
def test_normalise(raw, plain):
    assert normalise(raw) == plain


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_no_invisible_character_or_edge_space_survives(text):
    plain = normalise(text)
    assert not set(plain) & set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
    assert plain == plain.strip()
    assert "  " not in plain
    assert "ё" not in plain
