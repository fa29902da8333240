"""Marking rules. ru: «Реклама» (any case; NOT with Latin or Greek look-alike letters), the advertiser's
name or INN, the erid exactly (a different case is erid_mismatch), VK's ad flag. ftc: a clear disclosure
near the start (#ad at the end of a long text fails, saying where), ambiguous ones warn. none: nothing."""
from __future__ import annotations

import pytest

from chalicelib.placements.rules.marking import erids_in, marking_findings

ERID = "2VtzqxYzJ8W"
GOOD = f"Реклама. ООО «Кофе Ромашка», ИНН 7701234567. erid: {ERID}"


def ru(text: str, links=(), erid=ERID, name="ООО «Кофе Ромашка»", inn="7701234567", platform="telegram",
       marked=None) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity, f.expected, f.actual)
            for f in marking_findings("ru", text, links, erid, name, inn, platform, marked)]


def ftc(text: str) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity, f.expected, f.actual)
            for f in marking_findings("ftc", text, (), None, None, None, "web", None)]


# --- «Реклама» ----------------------------------------------------------------------------------------

def test_a_well_marked_post_passes():
    assert ru(GOOD) == []


@pytest.mark.parametrize("label", ["Реклама", "реклама", "РЕКЛАМА", "#реклама", "рЕкЛаМа", "Рек\u200bлама"])
def test_the_label_in_any_case_passes(label):
    assert ru(GOOD.replace("Реклама", label)) == []


@pytest.mark.parametrize("fake, letters", [
    ("Pеклама", "Latin: P"),  # Latin capital P
    ("Реклaма", "Latin: a"),  # Latin a
    ("PEKЛAMA", "Latin: P E K A M"),
    ("рeклaмa", "Latin: e a"),
    ("Рекламa", "Latin: a"),
    ("Рекλама", None),  # λ looks like nothing in the label: not a look-alike, simply absent
    ("Рeклαма", "Latin: e; Greek: α"),
])
def test_the_label_with_look_alike_letters_is_missing_and_says_which(fake, letters):
    found = ru(GOOD.replace("Реклама", fake))
    assert len(found) == 1
    rule, severity, expected, actual = found[0]
    assert (rule, severity, expected) == ("ad_label_missing", "fail", "Реклама")
    assert actual == (f"{fake} ({letters})" if letters else "absent")


def test_a_fake_label_beside_a_real_one_passes():
    assert ru("Pеклама. " + GOOD) == []


def test_no_label_at_all():
    assert ru(GOOD.replace("Реклама.", "")) == [("ad_label_missing", "fail", "Реклама", "absent")]


# --- advertiser -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, text", [
    ('ООО "Кофе Ромашка"', "Реклама. Кофе Ромашка"),
    ("ООО «Кофе Ромашка»", "Реклама. «КОФЕ РОМАШКА»"),
    ("Кофе Ромашка", "Реклама. ООО “Кофе Ромашка”"),
    ("Общество с ограниченной ответственностью «Кофе Ромашка»", "Реклама. ООО Кофе Ромашка"),
    ("ИП Иванов Иван Иванович", "Реклама. ИП Иванов Иван Иванович"),
    ("ПАО «Ёлка»", "Реклама: ПАО Елка"),
    ("Roast Coffee LLC", "Реклама. Roast Coffee"),
    ("АО Кофе", "Реклама. ИНН 7701234567"),
])
def test_the_advertiser_by_name_or_inn(name, text):
    assert ru(f"{text} erid {ERID}", name=name) == []


def test_the_advertiser_missing():
    assert ru(f"Реклама. Кофе erid {ERID}", name="ООО «Кофе Ромашка»", inn="7701234567") == [
        ("advertiser_missing", "fail", "ООО «Кофе Ромашка» / 7701234567", "absent")]
    assert ru(f"Реклама. ИНН 77012345670 erid {ERID}", name=None, inn="7701234567") == [
        ("advertiser_missing", "fail", "7701234567", "absent")]  # a longer number is not the INN


def test_no_advertiser_known_is_not_checked():
    assert ru(f"Реклама erid {ERID}", name=None, inn=None) == []


# --- erid -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", [f"erid: {ERID}", f"ERID {ERID}", f"Erid={ERID}", f"erid:{ERID}",
                                     f"ｅｒｉｄ: {ERID}"])
def test_the_erid_in_the_text(written):
    assert ru(GOOD.replace(f"erid: {ERID}", written)) == []


def test_the_erid_in_a_link():
    text = GOOD.replace(f"erid: {ERID}", "")
    assert ru(text, links=[f"https://shop.example/?utm_source=tg&erid={ERID}"]) == []
    assert ru(text + f" https://shop.example/p?erid={ERID}") == []


def test_an_erid_in_another_case_is_a_mismatch():
    lower = ERID.lower()
    assert ru(GOOD.replace(ERID, lower)) == [("erid_mismatch", "fail", f"erid={ERID}", f"erid={lower}")]
    text = GOOD.replace(f"erid: {ERID}", "")
    assert ru(text, links=[f"https://shop.example/?erid={ERID.upper()}"]) == [
        ("erid_mismatch", "fail", f"erid={ERID}", f"erid={ERID.upper()}")]


def test_the_erid_missing():
    assert ru(GOOD.replace(f"erid: {ERID}", "")) == [("erid_missing", "fail", f"erid={ERID}", "absent")]
    assert ru(GOOD.replace(f"erid: {ERID}", "erid is on the site")) == [
        ("erid_missing", "fail", f"erid={ERID}", "absent")]


def test_no_erid_known_yet_accepts_any_and_wants_one():
    assert ru(GOOD, erid=None) == []
    assert ru(GOOD.replace(f"erid: {ERID}", ""), erid=None) == [("erid_missing", "fail", "erid", "absent")]


def test_erids_in_links_then_text_once_each():
    assert erids_in(f"erid: {ERID} erid {ERID}", ["https://a.example/?erid=Tok12345", "::not a url"]) == [
        "Tok12345", ERID]


# --- VK's flag ----------------------------------------------------------------------------------------

def test_vk_not_flagged_as_an_ad_warns():
    assert ru(GOOD, platform="vk", marked=False) == [("marked_as_ads", "warn", "true", "false")]
    assert ru(GOOD, platform="vk", marked=True) == []
    assert ru(GOOD, platform="vk", marked=None) == []
    assert ru(GOOD, platform="telegram", marked=False) == []


# --- ftc ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["#ad Loving this coffee", "Sponsored: this coffee", "Paid partnership with X.",
                                   "#Advertisement", "#sponsored", "Реклама. Кофе"])
def test_a_clear_disclosure_at_the_start_passes(start):
    assert ftc(start + " and more " * 30) == []


def test_ad_at_the_end_of_a_long_text_is_missing_and_says_where():
    text = "I love this coffee. " * 20 + "#ad"
    assert ftc(text) == [("disclosure_missing", "fail", "≤ char 125", "#ad at char 401")]  # 1-based


def test_the_disclosure_must_end_within_125_characters():
    assert ftc("x" * 121 + " #ad") == []  # ends at 125
    assert ftc("x" * 122 + " #ad") == [("disclosure_missing", "fail", "≤ char 125", "#ad at char 124")]


def test_only_ambiguous_hashtags_warn():
    assert ftc("Great coffee #sp") == [("disclosure_ambiguous", "warn", "#ad", "#sp")]
    assert ftc("#collab #thanks") == [("disclosure_ambiguous", "warn", "#ad", "#collab")]
    assert ftc("#spon") == [("disclosure_ambiguous", "warn", "#ad", "#spon")]


def test_nothing_at_all_is_missing():
    assert ftc("Great coffee #adventure #bad ad") == [("disclosure_missing", "fail", "≤ char 125", "absent")]


def test_ftc_does_not_ask_for_the_russian_marking():
    assert ftc("#ad coffee") == []


# --- profiles -----------------------------------------------------------------------------------------

def test_the_none_profile_checks_nothing():
    assert marking_findings("none", "anything", (), ERID, "X", "1", "vk", False) == []


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError):
        marking_findings("eu", "", (), None, None, None, "vk", None)
