"""When to check a placement after it was published. Pure, no I/O; the randomness comes from the caller's
`random.Random`, so a seeded one gives the same plan every time (tests, replays).

- Retention checks (`retention`): the post must stay up `min_live_hours`. The time is cut into bands of
  BAND_HOURS (3 h) from the publication — [0, 3 h), [3 h, 6 h), … — the last one ending at min_live_hours
  (so it may be shorter). In each band one moment is drawn at random, whole seconds, at least EDGE_MARGIN
  (5 min) inside both edges: [band start + 5 min, band end − 5 min]. A band shorter than 10 minutes has no
  such moment and gets no check. A blogger cannot tell when we look, and a deletion is seen within
  one band.
- The final check (`final`) at published + min_live_hours.
- The top check (`top`) at published + top_hours: was a newer post published before then?
- Metric snapshots at +24 h, +72 h and +7 d (`metrics_24h`, `metrics_72h`, `metrics_7d`).
min_live_hours may be a whole number or a Decimal (fractions of an hour); None or 0: nothing to watch.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

BAND_HOURS = 3
BAND = timedelta(hours=BAND_HOURS)
EDGE_MARGIN = timedelta(minutes=5)
SECOND = timedelta(seconds=1)
METRIC_OFFSETS = (timedelta(hours=24), timedelta(hours=72), timedelta(days=7))
METRIC_KINDS = ("metrics_24h", "metrics_72h", "metrics_7d")


def _span(hours: int | Decimal | None) -> timedelta:
    if not hours or hours <= 0:
        return timedelta(0)
    return timedelta(microseconds=int(Decimal(hours) * 3_600_000_000))


def retention_times(published_at: datetime, min_live_hours: int | Decimal | None,
                    rng: random.Random) -> list[datetime]:
    """One random moment in each 3-hour band across min_live_hours, 5 minutes inside its edges, sorted."""
    live = _span(min_live_hours)
    times = []
    start = timedelta(0)
    while start < live:
        end = min(start + BAND, live)
        low, high = published_at + start + EDGE_MARGIN, published_at + end - EDGE_MARGIN
        if high >= low:
            times.append(low + rng.randint(0, (high - low) // SECOND) * SECOND)
        start += BAND
    return times


def final_time(published_at: datetime, min_live_hours: int | Decimal | None) -> datetime | None:
    """When the post has stayed up as long as agreed (None: nothing agreed)."""
    live = _span(min_live_hours)
    return published_at + live if live else None


def metric_times(published_at: datetime) -> list[tuple[str, datetime]]:
    """("metrics_24h", t), ("metrics_72h", t), ("metrics_7d", t)."""
    return [(kind, published_at + offset) for kind, offset in zip(METRIC_KINDS, METRIC_OFFSETS)]


def planned_after_publication(published_at: datetime, *, min_live_hours: int | Decimal | None,
                              top_hours: int | None, rng: random.Random) -> list[tuple[str, datetime]]:
    """Every check to plan once the publication time is known, as (kind, when), sorted by time:
    retention checks, the final one, the top one and the metric snapshots."""
    plan = [("retention", moment) for moment in retention_times(published_at, min_live_hours, rng)]
    final = final_time(published_at, min_live_hours)
    if final is not None:
        plan.append(("final", final))
    if top_hours:
        plan.append(("top", published_at + timedelta(hours=top_hours)))
    plan += metric_times(published_at)
    return sorted(plan, key=lambda item: item[1])
