"""When to check after publication: one random moment in each 3-hour band, 5 minutes inside its edges
(property-based over many seeds and lengths), fewer when the last band is shorter than 10 minutes; the final
check, the top check and the metric snapshots."""
from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.placements.rules.plan import (
    EDGE_MARGIN,
    final_time,
    metric_times,
    planned_after_publication,
    retention_times,
)

PUBLISHED = datetime(2026, 12, 1, 9, 17, 23, 456789, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@settings(max_examples=300)
@given(seed=st.integers(min_value=0, max_value=2**32), hours=st.integers(min_value=1, max_value=24 * 30))
def test_one_moment_in_each_band_inside_its_margins(seed, hours):
    times = retention_times(PUBLISHED, hours, random.Random(seed))
    assert len(times) == math.ceil(hours / 3)
    assert times == sorted(times)
    for band, moment in enumerate(times):
        start = PUBLISHED + band * 3 * HOUR
        end = min(start + 3 * HOUR, PUBLISHED + hours * HOUR)
        assert start + EDGE_MARGIN <= moment <= end - EDGE_MARGIN


@given(seed=st.integers(min_value=0, max_value=2**32),
       minutes=st.integers(min_value=1, max_value=24 * 60))
def test_a_last_band_shorter_than_ten_minutes_gets_no_check(seed, minutes):
    hours = Decimal(minutes) / 60
    times = retention_times(PUBLISHED, hours, random.Random(seed))
    full, rest = divmod(minutes, 180)
    assert len(times) == full + (1 if rest >= 10 else 0)
    live_end = PUBLISHED + timedelta(minutes=minutes)
    for band, moment in enumerate(times):
        start = PUBLISHED + band * 3 * HOUR
        assert start + EDGE_MARGIN <= moment <= min(start + 3 * HOUR, live_end) - EDGE_MARGIN


def test_the_same_seed_gives_the_same_plan():
    assert retention_times(PUBLISHED, 24, random.Random(7)) == retention_times(PUBLISHED, 24, random.Random(7))
    assert retention_times(PUBLISHED, 24, random.Random(7)) != retention_times(PUBLISHED, 24, random.Random(8))


def test_edges_exactly():
    assert len(retention_times(PUBLISHED, Decimal(3) + Decimal(10) / 60, random.Random(1))) == 2  # a 10-min band
    assert len(retention_times(PUBLISHED, Decimal(3) + Decimal(9) / 60, random.Random(1))) == 1
    assert retention_times(PUBLISHED, 0, random.Random(1)) == []
    assert retention_times(PUBLISHED, None, random.Random(1)) == []


def test_final_and_metric_times():
    assert final_time(PUBLISHED, 24) == PUBLISHED + 24 * HOUR
    assert final_time(PUBLISHED, None) is None and final_time(PUBLISHED, 0) is None
    assert metric_times(PUBLISHED) == [("metrics_24h", PUBLISHED + 24 * HOUR), ("metrics_72h", PUBLISHED + 72 * HOUR),
                                       ("metrics_7d", PUBLISHED + 7 * 24 * HOUR)]


def test_the_plan_after_publication():
    plan = planned_after_publication(PUBLISHED, min_live_hours=24, top_hours=2, rng=random.Random(3))
    kinds = [kind for kind, _ in plan]
    assert kinds.count("retention") == 8 and kinds.count("final") == 1 and kinds.count("top") == 1
    assert [when for _, when in plan] == sorted(when for _, when in plan)
    assert ("top", PUBLISHED + 2 * HOUR) in plan and ("final", PUBLISHED + 24 * HOUR) in plan
    assert plan[-3:] == metric_times(PUBLISHED)
    assert planned_after_publication(PUBLISHED, min_live_hours=None, top_hours=None,
                                     rng=random.Random(3)) == metric_times(PUBLISHED)
