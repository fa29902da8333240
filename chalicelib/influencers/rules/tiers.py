"""Follower tiers: the ranges the engagement benchmarks and the influencer directory filter use.

A tier holds followers in [min, max) — the lower bound is in the tier, the upper bound is the first
number of the next one: 4,999 is `1k_5k`, 5,000 is `5k_10k`. The ids are stable (stored in filters,
named by translation keys `tier.<id>`); `LABELS` are language-neutral short labels ("10k–50k") for
texts that show a tier next to numbers. Pure, no I/O.
"""
from __future__ import annotations

# (id, min_followers, max_followers_exclusive | None), ordered, contiguous from 0.
TIERS: tuple[tuple[str, int, int | None], ...] = (
    ("under_1k", 0, 1_000),
    ("1k_5k", 1_000, 5_000),  # nano
    ("5k_10k", 5_000, 10_000),  # micro
    ("10k_50k", 10_000, 50_000),
    ("50k_100k", 50_000, 100_000),
    ("100k_500k", 100_000, 500_000),
    ("500k_1m", 500_000, 1_000_000),
    ("over_1m", 1_000_000, None),
)

TIER_IDS: tuple[str, ...] = tuple(name for name, _, _ in TIERS)

LABELS: dict[str, str] = {
    "under_1k": "<1k",
    "1k_5k": "1k–5k",
    "5k_10k": "5k–10k",
    "10k_50k": "10k–50k",
    "50k_100k": "50k–100k",
    "100k_500k": "100k–500k",
    "500k_1m": "500k–1M",
    "over_1m": "1M+",
}

_BOUNDS = {name: (low, high) for name, low, high in TIERS}


def tier_of(followers: int) -> str:
    """The tier id of a follower count (negative counts are treated as 0)."""
    for name, _, high in TIERS:
        if high is None or followers < high:
            return name
    raise AssertionError("unreachable: the last tier is open")  # pragma: no cover


def bounds(tier: str) -> tuple[int, int | None]:
    """(min_followers, max_followers_exclusive | None) of a tier id; KeyError for an unknown id."""
    return _BOUNDS[tier]


def label(tier: str) -> str:
    """The language-neutral short label of a tier id ("10k–50k")."""
    return LABELS[tier]
