"""Terms and penalties: merge precedence, the elements a placement must contain, whole-word matching,
and every validation problem with its field path."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.deals.rules.terms import (
    Penalties,
    Terms,
    UsageRights,
    contains_term,
    deliverable_problems,
    merged,
    problems,
    required_elements,
)

FULL = Terms(
    publish_window_before_minutes=30, publish_window_after_minutes=60, min_live_hours=24, top_hours=2, pin_hours=12,
    required_texts=("Реклама. ООО «Ромашка», ИНН 7707083893",), promo_code="BLOG10",
    required_links=("https://shop.example/spring",), required_mentions=("@romashka",), required_hashtags=("#spring",),
    forbidden_terms=("casino",), creative_approval=True, exclusivity_days=14,
    usage_rights=UsageRights("Repost in the brand's channels", 90),
    penalties=Penalties(late_pct_per_hour=Decimal("0.5"), late_cap_pct=Decimal("10"),
                        missing_element_pct=Decimal("5"), early_deletion="pro_rata", no_show="full"),
)


def paths(terms: Terms, prefix: str = "terms") -> list[str]:
    return [path for path, _ in problems(terms, prefix)]


def test_full_terms_and_empty_terms_have_no_problems():
    assert problems(FULL) == [] and problems(Terms()) == []


def test_lists_become_tuples_so_terms_stay_frozen_and_hashable():
    terms = Terms(required_hashtags=["#a", "#b"])
    assert terms.required_hashtags == ("#a", "#b") and hash(terms) == hash(Terms(required_hashtags=("#a", "#b")))


# --- merge ---------------------------------------------------------------------------------------------

def test_no_overrides_gives_the_deals_terms():
    assert merged(FULL, None) is FULL and merged(FULL, Terms()) == FULL


def test_an_override_wins_field_by_field():
    out = merged(FULL, Terms(min_live_hours=48, required_hashtags=("#summer",)))
    assert out.min_live_hours == 48 and out.required_hashtags == ("#summer",)  # replaced, not joined
    assert out.pin_hours == 12 and out.promo_code == "BLOG10"  # the rest is the deal's


@pytest.mark.parametrize("name, empty", [("required_hashtags", ()), ("promo_code", ""),
                                         ("creative_approval", False), ("exclusivity_days", 0)])
def test_an_empty_override_is_a_real_value_and_wins(name, empty):
    assert getattr(merged(FULL, Terms(**{name: empty})), name) == empty


def test_penalties_merge_one_by_one_usage_rights_as_a_whole():
    out = merged(FULL, Terms(penalties=Penalties(late_pct_per_hour=Decimal("1")),
                             usage_rights=UsageRights("Ads in VK", None)))
    assert out.penalties == Penalties(late_pct_per_hour=Decimal("1"), late_cap_pct=Decimal("10"),
                                      missing_element_pct=Decimal("5"), early_deletion="pro_rata", no_show="full")
    assert out.usage_rights == UsageRights("Ads in VK", None)  # the deal's 90 days do not leak in


SOME = st.one_of(st.none(), st.integers(0, 100))


@given(st.fixed_dictionaries({f.name: SOME for f in fields(Terms) if f.name.endswith(("_minutes", "_hours", "_days"))}),
       st.fixed_dictionaries({f.name: SOME for f in fields(Terms) if f.name.endswith(("_minutes", "_hours", "_days"))}))
def test_merge_precedence_for_any_values(deal, override):
    out = merged(Terms(**deal), Terms(**override))
    for name in deal:
        assert getattr(out, name) == (deal[name] if override[name] is None else override[name])


# --- required elements and whole words -----------------------------------------------------------------

def test_required_elements_count_each_element_once():
    assert required_elements(FULL) == (("text", FULL.required_texts[0]), ("promo_code", "BLOG10"),
                                       ("link", "https://shop.example/spring"), ("mention", "@romashka"),
                                       ("hashtag", "#spring"))
    assert required_elements(Terms(promo_code="")) == ()


@pytest.mark.parametrize("text, term, found", [
    ("Big SALE today", "sale", True), ("wholesale prices", "sale", False), ("play  Casino\nnow", "casino now", True),
    ("Реклама. ООО «Ромашка»", "реклама", True), ("Рекламация", "реклама", False), ("#sale2025", "sale", False),
    ("anything", "   ", False),
])
def test_contains_term_matches_whole_words(text, term, found):
    assert contains_term(text, term) is found


# --- validation: one test per problem ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["publish_window_before_minutes", "publish_window_after_minutes", "min_live_hours",
                                  "top_hours", "pin_hours", "exclusivity_days"])
@pytest.mark.parametrize("value, says", [(-1, "cannot be negative"), (10**6, "at most"), (1.5, "whole number"),
                                         (True, "whole number")])
def test_counts_are_whole_numbers_from_zero_to_a_limit(name, value, says):
    found = problems(Terms(**{name: value}))
    assert [path for path, _ in found] == [f"terms.{name}"] and says in found[0][1]


def test_limits_of_the_counts():
    assert problems(Terms(publish_window_before_minutes=7 * 24 * 60, min_live_hours=8760, exclusivity_days=3650)) == []
    assert paths(Terms(publish_window_after_minutes=7 * 24 * 60 + 1)) == ["terms.publish_window_after_minutes"]


@pytest.mark.parametrize("name, what", [("pin_hours", "pinned"), ("top_hours", "on top")])
def test_pinned_or_on_top_longer_than_live_is_nonsense(name, what):
    found = problems(Terms(min_live_hours=24, **{name: 48}))
    assert found == [(f"terms.{name}", f"The post must stay {what} for 48 hours but live only for 24: "
                                       f"make min_live_hours at least 48.")]
    assert problems(Terms(min_live_hours=48, **{name: 48})) == [] and problems(Terms(**{name: 48})) == []


@pytest.mark.parametrize("name", ["late_pct_per_hour", "late_cap_pct", "missing_element_pct"])
@pytest.mark.parametrize("value, says", [(Decimal("-0.01"), "from 0 to 100"), (Decimal("100.01"), "from 0 to 100"),
                                         (0.5, "decimal number"), (Decimal("NaN"), "decimal number"),
                                         (Decimal("0.125"), "2 digits"), (True, "decimal number")])
def test_percentages_are_0_to_100(name, value, says):
    other = {"late_pct_per_hour": Decimal("100"), "late_cap_pct": Decimal("100")}
    other.pop(name, None)
    found = problems(Terms(penalties=Penalties(**{name: value}, **other)))
    assert [path for path, _ in found] == [f"terms.penalties.{name}"] and says in found[0][1]


def test_the_late_penalty_needs_a_cap_not_below_one_hour():
    rate, cap = Decimal("2"), Decimal("1.5")
    assert paths(Terms(penalties=Penalties(late_pct_per_hour=rate))) == ["terms.penalties.late_cap_pct"]
    assert paths(Terms(penalties=Penalties(late_cap_pct=cap))) == ["terms.penalties.late_pct_per_hour"]
    found = problems(Terms(penalties=Penalties(late_pct_per_hour=rate, late_cap_pct=cap)))
    assert found == [("terms.penalties.late_cap_pct", "The cap (1.5 %) is below the penalty for a single hour (2 %).")]
    assert problems(Terms(penalties=Penalties(late_pct_per_hour=rate, late_cap_pct=rate))) == []
    assert problems(Terms(penalties=Penalties(late_pct_per_hour=0, late_cap_pct=0))) == []


@pytest.mark.parametrize("name, value, says", [
    ("early_deletion", "half", "The early deletion refund is pro_rata or full, not 'half'."),
    ("no_show", "pro_rata", "The no-show refund is full, not 'pro_rata'."),
])
def test_refund_kinds(name, value, says):
    assert problems(Terms(penalties=Penalties(**{name: value}))) == [(f"terms.penalties.{name}", says)]


@pytest.mark.parametrize("name, values, bad, says", [
    ("required_texts", ("Реклама", "  реклама "), 1, "listed twice"),
    ("required_texts", ("ok", "  "), 1, "cannot be empty"),
    ("required_mentions", ("@brand", "brand"), 1, "listed twice"),
    ("required_mentions", ("@", "x"), 0, "names nothing"),
    ("required_mentions", ("@my brand",), 0, "one word"),
    ("required_hashtags", ("#Spring", "#spring"), 1, "listed twice"),
    ("required_hashtags", ("#", "#x"), 0, "names nothing"),
    ("required_links", ("https://a.example/x", " https://a.example/x"), 1, "listed twice"),
    ("required_links", ("shop.example",), 0, "web address"),
    ("required_links", ("ftp://shop.example",), 0, "web address"),
    ("required_links", ("https://shop.example/a b",), 0, "web address"),
    ("forbidden_terms", ("casino", "CASINO"), 1, "listed twice"),
    ("forbidden_terms", (None,), 0, "cannot be empty"),
])
def test_list_entries(name, values, bad, says):
    found = problems(Terms(**{name: values}))
    assert [path for path, _ in found] == [f"terms.{name}.{bad}"] and says in found[0][1]


def test_a_list_must_be_a_list():
    assert paths(Terms(required_texts="Реклама")) == ["terms.required_texts"]


def test_links_differing_in_case_of_the_path_are_different():
    assert problems(Terms(required_links=("https://a.example/X", "https://a.example/x"))) == []


@pytest.mark.parametrize("code", [" BLOG10", "BLOG 10", 10])
def test_a_promo_code_is_one_word(code):
    assert paths(Terms(promo_code=code)) == ["terms.promo_code"]


def test_creative_approval_is_yes_or_no():
    assert paths(Terms(creative_approval="yes")) == ["terms.creative_approval"]


@pytest.mark.parametrize("rights, where", [
    (UsageRights("  ", 30), ["terms.usage_rights.text"]), (UsageRights("Ads", 0), ["terms.usage_rights.days"]),
    (UsageRights("Ads", -5), ["terms.usage_rights.days"]), (UsageRights("Ads", 10**6), ["terms.usage_rights.days"]),
    ("forever", ["terms.usage_rights"]),
])
def test_usage_rights(rights, where):
    assert paths(Terms(usage_rights=rights)) == where
    assert problems(Terms(usage_rights=UsageRights("Ads", None))) == []


@pytest.mark.parametrize("required, kind", [
    ({"required_texts": ("Play at the Casino tonight",)}, "text"), ({"promo_code": "CASINO"}, "promo code"),
    ({"required_links": ("https://casino.example/",)}, "link"), ({"required_mentions": ("@casino",)}, "mention"),
    ({"required_hashtags": ("#casino",)}, "hashtag"),
])
def test_a_forbidden_term_that_is_also_required(required, kind):
    found = problems(Terms(forbidden_terms=("gambling", "casino"), **required))
    assert len(found) == 1 and found[0][0] == "terms.forbidden_terms.1"
    assert found[0][1].startswith(f"'casino' is forbidden, yet the required {kind} ")


def test_a_forbidden_word_inside_another_word_is_not_a_contradiction():
    assert problems(Terms(forbidden_terms=("sale",), required_texts=("Wholesale prices",))) == []


def test_deliverable_problems_check_the_merged_terms_at_the_deliverables_path():
    deal = Terms(min_live_hours=24, penalties=Penalties(late_pct_per_hour=Decimal("1"), late_cap_pct=Decimal("5")))
    assert deliverable_problems(deal, Terms(pin_hours=12), 2) == []
    found = deliverable_problems(deal, Terms(pin_hours=48, penalties=Penalties(late_cap_pct=Decimal("0.5"))), 2)
    assert [path for path, _ in found] == ["deliverables.2.terms.pin_hours",
                                           "deliverables.2.terms.penalties.late_cap_pct"]
