"""Reading metric snapshots: everything known of a subject, from our own snapshot items and from the placement
checks of a deliverable, and the snapshot that counts. Helper of the report, the metrics page and the CSV.

    history(subjects) -> {subject: [Snapshot, …]}       every subject asked for (an empty list if none), oldest first
    latest(subjects)  -> {subject: Snapshot}            only the subjects that have one
    latest_of(history) -> {subject: Snapshot}

"The latest" is the newest snapshot with, per metric, the value of the newest snapshot that carries it
(rules/metrics.current): a check that reads only views keeps yesterday's hand-entered likes.

A subject is "target:<target id>" (a post's publication on one channel, id <post id><channel id>) or
"deliverable:<id>". Sources:
  (a) MetricSnapshotItem (entered by hand or imported by CSV): Query pk METRICS#<subject>, every page;
  (b) for a deliverable, its placement checks that carry metrics (rules/metrics.carries_metrics): Query gsi1
      DELIVERABLE#<id>#CHECKS (placements/repo.of_deliverable), `observed` mapped into METRIC_FIELDS, taken at
      the check's done time. When a check saw reposts, the deliverable is read (GetItem) for its platform.
The reads of different subjects run in parallel (a report asks for ~250 at once). No Scan.
"""
from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from chalicelib.campaigns.metrics import repo
from chalicelib.campaigns.rules import metrics as rules

READERS = 8
DELIVERABLE = "deliverable:"
TARGET = "target:"


@dataclass(frozen=True)
class Snapshot:
    subject: str  # "target:<target id>" (a post's publication on one channel) | "deliverable:<id>"
    taken_at: str  # UTC ISO
    source: str  # manual | csv | check
    values: dict[str, int]  # any of models.METRIC_FIELDS; a metric absent = not known (never 0)
    check_id: str | None = None


def _plain(attribute) -> dict:
    """A stored map as a plain dict (an untyped MapAttribute, or None)."""
    if attribute is None:
        return {}
    return attribute.as_dict() if hasattr(attribute, "as_dict") else dict(attribute)


def _snapshot(subject: str, item) -> Snapshot:
    return Snapshot(subject=subject, taken_at=item.taken_at, source=item.source,
                    values=rules.counts_of(_plain(item.values)), check_id=item.check_id)


def _stored(subject: str) -> list[Snapshot]:
    return [_snapshot(subject, item) for item in repo.snapshots_of(subject)]


def _from_checks(subject: str, deliverable_id: str) -> list[Snapshot]:
    from chalicelib.deals import repo as deals_repo
    from chalicelib.placements import repo as checks_repo

    checks = []
    for check in checks_repo.of_deliverable(deliverable_id):
        observed = _plain(check.observed) or None
        if rules.carries_metrics(check.kind, check.state, observed):
            checks.append((check, observed))
    platform = None
    if any(rules.has_reposts(observed) for _, observed in checks):
        item = deals_repo.get_deliverable(deliverable_id)
        platform = item.platform if item else None
    found = []
    for check, observed in checks:
        values = rules.values_of_observed(observed, platform)
        if values:
            found.append(Snapshot(subject=subject, taken_at=check.checked_at or check.due_at, source="check",
                                  values=values, check_id=check.id))
    return found


def _history_of(subject: str) -> list[Snapshot]:
    snapshots = _stored(subject)
    if subject.startswith(DELIVERABLE):
        snapshots += _from_checks(subject, subject[len(DELIVERABLE):])
    return rules.ordered(snapshots)


def _each(read_one, subjects: Iterable[str]) -> dict:
    """read_one(subject) for every distinct subject, in parallel; the subjects in the order asked."""
    from chalicelib.core.db import connection as db_connection

    wanted = list(dict.fromkeys(subjects))
    if not wanted:
        return {}
    db_connection.bind_models()  # once, before the threads (binding is locked, but there is no need to race)
    if len(wanted) == 1:
        return {wanted[0]: read_one(wanted[0])}
    with ThreadPoolExecutor(max_workers=min(READERS, len(wanted)), thread_name_prefix="metrics-read") as pool:
        return dict(zip(wanted, pool.map(read_one, wanted)))


def history(subjects: Iterable[str]) -> dict[str, list[Snapshot]]:
    """Every subject asked for, with its snapshots oldest first (an empty list when it has none)."""
    return _each(_history_of, subjects)


def latest_of(history_: dict[str, list[Snapshot]]) -> dict[str, Snapshot]:
    """What counts per subject: the newest snapshot (manual > csv > check at one instant) carrying, per metric,
    the newest value known; subjects with none are left out."""
    found = {}
    for subject, snapshots in history_.items():
        current = rules.current(snapshots)
        if current is not None:
            newest, values = current
            found[subject] = replace(newest, values=values)
    return found


def latest(subjects: Iterable[str]) -> dict[str, Snapshot]:
    """latest_of(history(subjects))."""
    return latest_of(history(subjects))
