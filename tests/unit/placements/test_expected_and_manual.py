"""What a deliverable is held to (expected.py: the contracted account as the sources report theirs) and
what a person can confirm with manual evidence (manual.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.placements import manual
from chalicelib.placements.expected import contracted_account


@pytest.mark.parametrize("platform, handle, url, expected", [
    ("telegram", "@Acme_News", None, "acme_news"),
    ("telegram", "https://t.me/Acme_News", None, "acme_news"),
    ("vk", "club123", None, "-123"),
    ("vk", "https://vk.com/public77", None, "-77"),
    ("vk", "id42", None, "42"),
    ("vk", "acme", None, ""),  # a screen name cannot be compared with the owner id VK answers
    ("vk", "acme", "https://vk.com/club9", "-9"),
    ("youtube", "@acme", "https://www.youtube.com/@acme", "youtube.com"),
    ("dzen", "blog.example.com", None, "blog.example.com"),
    ("youtube", "@acme", None, ""),
])
def test_contracted_account(platform, handle, url, expected):
    assert contracted_account(platform, handle, url) == expected


def _deal(disclosure="ru", **terms):
    return SimpleNamespace(terms=terms, disclosure=disclosure)


def _item(erid="2VtzqxABCD"):
    return SimpleNamespace(overrides={}, erid=erid)


def test_confirmable_follows_the_terms_and_the_marking_profile():
    ru = manual.confirmable(_deal("ru", promo_code="ANNA10", required_links=["https://x.example/a"]), _item())
    assert ru == ("found", "on_time", "promo_code", "links", "ad_label", "advertiser", "erid")
    ftc = manual.confirmable(_deal("ftc"), _item(erid=None))
    assert ftc == ("found", "on_time", "disclosure")
    assert manual.confirmable(_deal("none"), _item()) == ("found", "on_time")


def test_unticked_things_are_warnings_never_failures():
    things = ("found", "on_time", "promo_code")
    found = manual.findings(things, ["found"])
    assert [(f.rule, f.severity) for f in found] == [("too_late", "warn"), ("promo_code_missing", "warn")]
    assert manual.result(found) == "warn"
    assert manual.result(manual.findings(things, list(things))) == "pass"
