"""Metric snapshots, the pure part: which check carries metrics and what they map to, which snapshot is the
latest, and whether entered values are acceptable. No I/O.

- A placement check's `observed` holds what its source read: the Telegram preview fills `views`; the VK wall
  API fills `views`, `likes`, `reposts`; web pages and manual evidence fill none. `reposts` is Telegram's
  `forwards` and everyone else's `shares` (the deliverable's platform decides).
- A check carries metrics when it is done and is a `metrics_*` check, or any done check whose `observed`
  has views; a check that found nothing at the URL (`found` False) carries none.
- The latest snapshot: the newest `taken_at` wins; at the same instant manual beats csv beats check. What
  counts for an item is, per metric, the value of the latest snapshot that carries that metric (`current`):
  a placement check that reads only views does not make the likes entered by hand yesterday unknown.
- Values: non-negative whole numbers of METRIC_FIELDS; a metric left out is "not known", never 0.
- A snapshot's time lies between EARLIEST (2000-01-01 UTC) and now (plus the clock skew the caller allows):
  an older one is a typo ("0226-…" for "2026-…"), and the stored form of a year before 1000 is not four
  digits wide, so it would sort above every real one and stay "the latest" for good.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from chalicelib.campaigns.rules.fields import METRIC_FIELDS

SOURCES = ("manual", "csv", "check")
SOURCE_PRIORITY = {"check": 0, "csv": 1, "manual": 2}  # higher wins a tie at the same instant
METRIC_CHECK_KINDS = ("metrics_24h", "metrics_72h", "metrics_7d")
MAX_VALUE = 10**15  # far above any real count; a bigger number is a typo (or an attack on the totals)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)  # no snapshot of ours is older; see the module's docstring


class Timed(Protocol):
    taken_at: str
    source: str
    values: Mapping[str, int]


T = TypeVar("T", bound=Timed)


def order_key(snapshot: Timed) -> tuple[str, int]:
    """Oldest first; at the same instant the source that wins a tie comes last. `taken_at` is the stored UTC
    form (core/clock.iso), which sorts as text."""
    return snapshot.taken_at, SOURCE_PRIORITY.get(snapshot.source, -1)


def ordered(snapshots: Iterable[T]) -> list[T]:
    return sorted(snapshots, key=order_key)


def latest(snapshots: Iterable[T]) -> T | None:
    """The snapshot that counts: the newest, manual > csv > check at the same instant; None when there are none."""
    return max(snapshots, key=order_key, default=None)


def current(snapshots: Iterable[T]) -> tuple[T, dict[str, int]] | None:
    """The latest snapshot and the values that count: per metric, the latest snapshot carrying it wins (a
    newer snapshot that leaves a metric out does not make it unknown); None when there are none."""
    ordered_ = ordered(snapshots)
    if not ordered_:
        return None
    values: dict[str, int] = {}
    for snapshot in ordered_:
        values.update(snapshot.values)
    return ordered_[-1], values


def taken_at_problem(instant: datetime, latest_allowed: datetime) -> str | None:
    """Why an aware instant cannot be a snapshot's time: "taken_at_early" before EARLIEST, "taken_at_future"
    after `latest_allowed` (now and the clock skew allowed); None when it can."""
    if instant < EARLIEST:
        return "taken_at_early"
    if instant > latest_allowed:
        return "taken_at_future"
    return None


def reposts_field(platform: str | None) -> str:
    """Where a source's `reposts` go: Telegram's are forwards, every other network's shares."""
    return "forwards" if (platform or "").lower() == "telegram" else "shares"


def _count(value: Any) -> int | None:
    """A whole non-negative count read from a stored map (int, Decimal, a float with no fraction), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, (float, Decimal)):
        return int(value) if value == int(value) and value >= 0 else None
    return None


def carries_metrics(kind: str | None, state: str | None, observed: Mapping | None) -> bool:
    """Whether a placement check is a metrics snapshot (see the module's docstring)."""
    if state != "done" or not observed or observed.get("found") is False:
        return False
    return kind in METRIC_CHECK_KINDS or _count(observed.get("views")) is not None


def has_reposts(observed: Mapping | None) -> bool:
    return bool(observed) and _count(observed.get("reposts")) is not None


def counts_of(stored: Mapping | None) -> dict[str, int]:
    """The METRIC_FIELDS of a stored map that are whole counts (a snapshot item's values); the rest left out."""
    values: dict[str, int] = {}
    for name in METRIC_FIELDS:
        count = _count((stored or {}).get(name))
        if count is not None:
            values[name] = count
    return values


def values_of_observed(observed: Mapping | None, platform: str | None) -> dict[str, int]:
    """A check's `observed` as METRIC_FIELDS: views, likes, reposts (→ forwards/shares) and any metric a
    source names by its own field name; what is missing or not a count is left out."""
    if not observed:
        return {}
    values = counts_of(observed)
    reposts = _count(observed.get("reposts"))
    if reposts is not None:
        values.setdefault(reposts_field(platform), reposts)
    return values


@dataclass(frozen=True)
class Problem:
    """What is wrong with entered values: `code` names the i18n sentence (campaign_metrics.problem.<code>),
    `field` the metric, `value` what was given."""

    code: str  # unknown | not_whole | negative | too_big | empty
    field: str | None = None
    value: str | None = None


def parse_count(raw: Any) -> tuple[int | None, str | None]:
    """(count, problem code): JSON numbers and text digits ("1200", " 1 200 " with spaces or NBSP as thousands
    separators) are accepted; floats, fractions, booleans and negatives are not. An empty text is (None, None)."""
    if isinstance(raw, bool):
        return None, "not_whole"
    if isinstance(raw, int):
        count = raw
    elif isinstance(raw, float):
        return None, "not_whole"
    elif isinstance(raw, str):
        text = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
        if not text:
            return None, None
        sign = -1 if text.startswith("-") else 1
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isascii() or not digits.isdigit():
            return None, "not_whole"
        count = sign * int(digits)
    else:
        return None, "not_whole"
    if count < 0:
        return None, "negative"
    if count > MAX_VALUE:
        return None, "too_big"
    return count, None


def check_values(raw: Mapping[str, Any]) -> tuple[dict[str, int], list[Problem]]:
    """Entered values → (values, problems). Unknown names, non-whole, negative or absurd numbers are problems;
    an empty text (a blank CSV cell) is "not known" and left out. At least one value is needed."""
    values: dict[str, int] = {}
    problems: list[Problem] = []
    unknown = sorted(str(name) for name in raw if name not in METRIC_FIELDS)
    if unknown:
        problems.append(Problem("unknown", field=", ".join(unknown)))
    for name in METRIC_FIELDS:
        if name not in raw or raw[name] is None:
            continue
        count, code = parse_count(raw[name])
        if code:
            problems.append(Problem(code, field=name, value=str(raw[name])))
        elif count is not None:
            values[name] = count
    if not values and not problems:
        problems.append(Problem("empty"))
    return values, problems


def same_values(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """Equal as metrics: the same names with the same counts."""
    return {k: int(v) for k, v in a.items()} == {k: int(v) for k, v in b.items()}
