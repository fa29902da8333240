"""The `ru` venue and registry gates: Instagram and Facebook refused, 10,000 followers need an RKN number."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.deals.rules.gates import (
    RKN_MIN_FOLLOWERS,
    DeliverableFacts,
    applies,
    problems,
    registry_problems,
    venue_problems,
)


def facts(platform="telegram", followers=5_000, number=None, index=0) -> DeliverableFacts:
    return DeliverableFacts(platform=platform, followers=followers, rkn_registry_number=number, index=index)


@pytest.mark.parametrize("disclosure, gated", [("ru", True), ("RU", True), (" ru ", True), ("ftc", False),
                                               ("none", False), ("", False), (None, False)])
def test_only_ru_deals_are_gated(disclosure, gated):
    assert applies(disclosure) is gated
    blocked = [facts("instagram", 50_000, index=0)]
    assert bool(problems(disclosure, blocked)) is gated


@pytest.mark.parametrize("platform", ["instagram", "Instagram", " INSTAGRAM ", "facebook", "Facebook"])
def test_instagram_and_facebook_are_refused_whatever_the_case(platform):
    found = venue_problems("ru", [facts(platform, 100, "A-1", index=3)])
    name = platform.strip().capitalize()
    assert found == [("deliverables.3.account_id",
                      f"Deliverable 4 is on {name}: advertising on Instagram and Facebook is unlawful in Russia "
                      f"since 1 September 2025, so a deal under Russian advertising law cannot place it there.")]


@pytest.mark.parametrize("platform", ["telegram", "vk", "youtube", "tiktok", "rutube", "dzen", "ok", "x", "other",
                                      "insta", ""])
def test_other_platforms_pass_the_venue_gate(platform):
    assert venue_problems("ru", [facts(platform)]) == []


@pytest.mark.parametrize("followers, blocked", [(0, False), (9_999, False), (10_000, True), (10_001, True),
                                                (2_500_000, True)])
def test_the_registry_line_is_10000_followers(followers, blocked):
    found = registry_problems("ru", [facts(followers=followers, index=1)])
    assert bool(found) is blocked
    if blocked:
        assert found == [("deliverables.1.account_id",
                          f"The account of deliverable 2 has {followers:,} followers, so it must be in the RKN "
                          f"register: enter its register number before the deal is sent.")]
    assert registry_problems("ru", [facts(followers=followers, number="4912345678")]) == []
    assert RKN_MIN_FOLLOWERS == 10_000


@pytest.mark.parametrize("number", [None, "", "   "])
def test_a_blank_register_number_is_no_number(number):
    assert registry_problems("ru", [facts(followers=10_000, number=number)])


def test_an_unknown_follower_count_needs_the_number_too():
    found = registry_problems("ru", [facts(followers=None)])
    assert len(found) == 1 and "no follower count and no RKN register number" in found[0][1]
    assert registry_problems("ru", [facts(followers=None, number="4912345678")]) == []


def test_problems_come_per_deliverable_in_order_venue_before_registry():
    deliverables = [facts("instagram", 50_000, index=0), facts("telegram", 1_000, index=1),
                    facts("facebook", 20_000, "4912345678", index=2), facts("vk", 12_000, index=3)]
    found = problems("ru", deliverables)
    assert [path for path, _ in found] == ["deliverables.0.account_id", "deliverables.0.account_id",
                                           "deliverables.2.account_id", "deliverables.3.account_id"]
    assert "Instagram" in found[0][1] and "RKN" in found[1][1] and "Facebook" in found[2][1] and "RKN" in found[3][1]
    assert problems("ftc", deliverables) == [] and problems("ru", []) == []


@given(st.lists(st.tuples(st.sampled_from(["telegram", "Instagram", "facebook", "vk"]),
                          st.one_of(st.none(), st.integers(0, 50_000)), st.sampled_from([None, "", "49123"])),
                max_size=8))
def test_a_deliverable_passes_exactly_when_both_gates_let_it(rows):
    deliverables = [facts(p, f, n, index=i) for i, (p, f, n) in enumerate(rows)]
    flagged = {path for path, _ in problems("ru", deliverables)}
    for d in deliverables:
        banned = d.platform.casefold() in ("instagram", "facebook")
        unregistered = not d.rkn_registry_number and (d.followers is None or d.followers >= 10_000)
        assert (f"deliverables.{d.index}.account_id" in flagged) is (banned or unregistered)
