"""A campaign's figures over time, day by day (docs/kpis.md, "Over time"). Pure, no I/O.

    daily(days, values)        a value per day of the range (0 where nothing happened)
    running_views(points, …)   views so far: per day, Σ over the items of the latest views each had shown
                               by the end of that day (a snapshot's views count from the day it was taken;
                               the caller passes only the snapshots that carry views, so a later snapshot
                               without views leaves an item's last known views)
    day_range(first, last, …)  the campaign's days, widened to the days with data, at most MAX_DAYS
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

MAX_DAYS = 731  # two years of days in one chart is plenty; a longer range shows its last MAX_DAYS


@dataclass(frozen=True)
class Series:
    name: str  # clicks | conversions | revenue | spend | views
    kind: str  # count | money
    points: tuple[tuple[date, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return sum((v for _, v in self.points), Decimal(0))


def day_range(first: date, last: date, data_days: Iterable[date] = ()) -> list[date]:
    days = list(data_days)
    start = min([first, *days])
    end = max([last, *days])
    if (end - start).days + 1 > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def daily(name: str, kind: str, days: list[date], values: Mapping[date, int | Decimal]) -> Series:
    return Series(name, kind, tuple((day, Decimal(values.get(day, 0))) for day in days))


def running_views(days: list[date], items: Iterable[Iterable[tuple[date, int]]]) -> Series:
    """Views so far on each day: for every item (its (day, views) snapshots, oldest first), the latest views
    shown by the end of that day, summed over the items. (Sorted by day again, stably: a caller's order within
    one day is kept.)"""
    change: dict[date, int] = {}
    first = days[0] if days else None
    for snapshots in items:
        shown = 0
        for day, views in sorted(snapshots, key=lambda point: point[0]):
            if first is not None and day < first:
                day = first  # what was already there when the range begins counts from its first day
            change[day] = change.get(day, 0) + (int(views) - shown)
            shown = int(views)
    points, running = [], 0
    for day in days:
        running += change.get(day, 0)
        points.append((day, Decimal(running)))
    return Series("views", "count", tuple(points))
