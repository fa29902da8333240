"""Follower tiers: contiguous, ordered, each edge in the right tier."""
from __future__ import annotations

from itertools import pairwise

import pytest

from chalicelib.core import i18n
from chalicelib.influencers.rules.tiers import LABELS, TIER_IDS, TIERS, bounds, label, tier_of


def test_tiers_are_the_stable_ids_in_order():
    assert TIER_IDS == ("under_1k", "1k_5k", "5k_10k", "10k_50k", "50k_100k", "100k_500k", "500k_1m", "over_1m")


def test_tiers_are_contiguous_from_zero_and_open_at_the_top():
    assert TIERS[0][1] == 0 and TIERS[-1][2] is None
    for (_, _, high), (_, low, _) in pairwise(TIERS):
        assert high == low


@pytest.mark.parametrize("followers, tier", [
    (0, "under_1k"), (999, "under_1k"),
    (1_000, "1k_5k"), (4_999, "1k_5k"),
    (5_000, "5k_10k"), (9_999, "5k_10k"),
    (10_000, "10k_50k"), (49_999, "10k_50k"),
    (50_000, "50k_100k"), (99_999, "50k_100k"),
    (100_000, "100k_500k"), (499_999, "100k_500k"),
    (500_000, "500k_1m"), (999_999, "500k_1m"),
    (1_000_000, "over_1m"), (700_000_000, "over_1m"),
])
def test_each_edge_belongs_to_the_tier_it_starts(followers, tier):
    assert tier_of(followers) == tier


def test_bounds_of_a_tier():
    assert bounds("under_1k") == (0, 1_000)
    assert bounds("10k_50k") == (10_000, 50_000)
    assert bounds("over_1m") == (1_000_000, None)
    with pytest.raises(KeyError):
        bounds("giant")


def test_every_tier_is_in_its_own_bounds():
    for name in TIER_IDS:
        low, high = bounds(name)
        assert tier_of(low) == name
        if high is not None:
            assert tier_of(high - 1) == name and tier_of(high) != name


def test_labels_and_translations_exist_for_every_tier():
    assert set(LABELS) == set(TIER_IDS)
    assert label("500k_1m") == "500k–1M"
    for language in i18n.LANGUAGES:
        assert {f"tier.{name}" for name in TIER_IDS} <= set(i18n.catalog(language))
