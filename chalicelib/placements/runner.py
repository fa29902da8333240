"""Doing one check: read the placement, keep the evidence, judge it by the terms, and let the result move
the deliverable and the money. Used by the job (a claimed queue row) and by "run a check now".

  1. The check still applies? Its round is the deliverable's current one (else the URL changed: dropped);
     the deliverable is not settled (fulfilled, missed, deleted_early, cancelled) — metrics snapshots go
     on after fulfilled.
  2. Fetch (sources/): a failure is retried with back-off (5, then 15 minutes); the third failure in a row
     gives `inconclusive` and an alert, never a pass or a false deletion. A URL no machine can read
     (Instagram, TikTok) is `inconclusive` at once: a person uploads evidence instead (evidence_uploads.py).
  3. Evidence: the raw answer in the artifact store, its sha256 on the check.
  4. Judge (rules/evaluate.py) against what the deliverable is held to (expected.py), the text's hash at
     the first sighting as the baseline for `edited`.
  5. Move the deliverable (rules/outcome.after_check): found before publication → published (its time as
     the page shows it) and the sighting's checks planned (planner.py); then monitoring, nonconforming,
     fulfilled, deleted_early or missed. Each move is deliverable_service.move: the deliverable's version
     guards it and the deal's payments that fall due with it move in the same transaction.
  6. Money (settle.py): penalties worked out by the deal's clauses, a hold for a failed check, its
     release when the deal has nothing failing any more.
  7. Alerts to the owner on fail, inconclusive, deletion and a missed placement.
  8. The check is finished with its result, findings, evidence and what it moved.

A check's effects are idempotent where a retry could repeat them: penalties by their keys, holds by their
reason, planning by the rows' ids, the status by its move rules (a second "published" is no move).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from chalicelib.core.clock import iso, parse_utc
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Conflict
from chalicelib.deals import deliverable_service, penalty_ops
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.placements import alerts, evidence, planner, settle
from chalicelib.placements.expected import expected_for
from chalicelib.placements.models import CheckItem
from chalicelib.placements.rules import outcome
from chalicelib.placements.rules.evaluate import Evaluation, evaluate

log = logging.getLogger(__name__)
MAX_FAILURES = 3
BACKOFF = (timedelta(minutes=5), timedelta(minutes=15))
SETTLED = frozenset({"fulfilled", "missed", "deleted_early", "cancelled"})
METRICS = ("metrics_24h", "metrics_72h", "metrics_7d")
STOPPED = frozenset({"missed", "deleted_early", "cancelled"})  # nothing more to measure either


@dataclass
class Done:
    """What a check came to, written on the check item by `finish`."""

    state: str = "done"
    result: str | None = None
    findings: list = field(default_factory=list)
    evidence: dict | None = None
    observed: dict | None = None
    moved: dict | None = None
    adjustments: list = field(default_factory=list)
    penalty_lines: list = field(default_factory=list)
    held: str | None = None
    error: str | None = None
    outcome: str = "done"  # the job's summary word


def job_actor() -> Actor:
    return Actor(None, "placement-checks", "job")


# --- does it still apply -------------------------------------------------------------------------------

def stale(check: CheckItem, item: DeliverableItem | None) -> str | None:
    """Why the check no longer applies, or None."""
    if item is None:
        return "the deliverable is gone"
    if int(item.placement_round or 0) != int(check.round or 0) or not item.url:
        return "the placement URL changed"
    if check.kind in METRICS:
        return "the deliverable is settled" if item.status in STOPPED else None
    if item.status in SETTLED and check.kind not in ("now", "manual"):
        return "the deliverable is settled"
    return None


# --- the steps ---------------------------------------------------------------------------------------------

def _observed_map(observed, evaluation: Evaluation | None) -> dict:
    return {"found": observed.found, "url": observed.url,
            "published_at": iso(observed.published_at) if observed.published_at else None,
            "text_hash": evaluation.text_hash if evaluation else None, "views": observed.views,
            "likes": observed.likes, "reposts": observed.reposts, "edited": observed.edited,
            "marked_as_ads": observed.marked_as_ads, "account": observed.account, "format": observed.format}


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Exact hours (rounded down to the microsecond's 6 places), never negative."""
    return outcome.hours_of(end - start)


def live_until(deal, item: DeliverableItem, published_at: datetime | None) -> datetime | None:
    hours = penalty_ops.terms_of(deal, item).min_live_hours
    return published_at + timedelta(hours=int(hours)) if published_at and hours else None


def top_until(deal, item: DeliverableItem, published_at: datetime | None) -> datetime | None:
    hours = penalty_ops.terms_of(deal, item).top_hours
    return published_at + timedelta(hours=int(hours)) if published_at and hours and item.platform == "telegram" \
        else None


def next_status(check: CheckItem, deal, item: DeliverableItem, evaluation: Evaluation, now: datetime) -> str | None:
    published_at = parse_utc(item.published_at)
    return outcome.after_check(item.status, check.kind, evaluation, fetched=True, now=now, published_at=published_at,
                               live_until=live_until(deal, item, published_at),
                               top_until=top_until(deal, item, published_at))


def _move(actor: Actor, item: DeliverableItem, status: str | None, changes: dict, *,
          published_at: str | None = None) -> DeliverableItem:
    return deliverable_service.move(actor, item.id, status, changes=changes, published_at=published_at,
                                    expect_version=item.version)


def apply(actor: Actor, check: CheckItem, deal, item: DeliverableItem, observed, evaluation: Evaluation,
          now: datetime, done: Done) -> DeliverableItem:
    """Move the deliverable as the result says (step 5); `done.moved` records it."""
    start = item.status
    changes: dict = {"check_result": evaluation.result}
    if observed.found:
        changes["last_seen_at"] = iso(now)
        if not item.found_at:
            changes.update(found_at=iso(now), text_hash=evaluation.text_hash)
    if observed.found and item.status in dstatus.BEFORE_PUBLICATION:
        published = observed.published_at or now
        try:
            item = _move(actor, item, "published", changes, published_at=iso(published))
        except Conflict as exc:  # the deal is not signed, or the status may not go live from here
            done.error = str(exc)
            return item
        changes = {}
        planner.plan_sighting(deal, item, parse_utc(item.published_at), now)
    wanted = next_status(check, deal, item, evaluation, now)
    if wanted == item.status:
        wanted = None
    if wanted is not None and dstatus.problem(item.status, wanted):
        log.info("placement check: move refused", extra={"check": check.id, "from": item.status, "to": wanted})
        wanted = None
    if wanted is not None:
        try:
            item = _move(actor, item, wanted, changes)
        except Conflict as exc:
            done.error = str(exc)
    elif changes:
        item = _note(item, changes)
    if item.status != start:
        done.moved = {"from": start, "to": item.status}
    return item


def judge(actor: Actor, check: CheckItem, deal, item: DeliverableItem, fetched, now: datetime) -> Done:
    """Steps 3 to 7 for a fetched answer."""
    done = Done()
    done.evidence = evidence.store(check, int(check.attempts or 1), fetched.raw, content_type=fetched.content_type,
                                   url=fetched.fetched_url, http_status=fetched.http_status,
                                   fetched_at=fetched.fetched_at)
    observed = fetched.observed
    expected = expected_for(deal, item)
    last_seen = parse_utc(item.last_seen_at)
    evaluation = evaluate(expected, observed, baseline_hash=item.text_hash, first_seen=not item.found_at)
    done.result, done.findings = evaluation.result, [f.to_map() for f in evaluation.findings]
    done.observed = _observed_map(observed, evaluation)
    before = item.status
    was_failing = item.check_result == "fail" or before == "nonconforming"
    if before == "fulfilled":  # settled: a later check (metrics, on request) records, it moves nothing
        done.outcome = evaluation.result
        if observed.found:
            _note(item, {"last_seen_at": iso(now)})
        return done
    if not observed.found:
        item = _not_found(actor, check, deal, item, evaluation, now, done)
    else:
        item = apply(actor, check, deal, item, observed, evaluation, now, done)
    published_at = parse_utc(item.published_at)
    hours_live = hours_between(published_at, last_seen) if published_at and last_seen else Decimal(0)
    settle.settle(actor, check, deal, item, expected, evaluation, done, hours_live=hours_live,
                  was_failing=was_failing)
    if item.status == "deleted_early" and before != "deleted_early":
        alerts.send("deleted", deal, item, check)
    elif item.status == "missed" and before != "missed":
        alerts.send("missed", deal, item, check)
    elif evaluation.result == "fail" and (observed.found or item.found_at):
        alerts.send("fail", deal, item, check)
    done.outcome = evaluation.result
    return done


def _note(item: DeliverableItem, changes: dict) -> DeliverableItem:
    """What a check saw, without a move (the latest result, when the post was last seen): bookkeeping of
    the checks, one plain update on the round it belongs to — no audit entry per check (the checks are
    their own record), no conflict with a person's edit of the deliverable's terms."""
    from pynamodb.exceptions import UpdateError

    actions = [getattr(DeliverableItem, name).set(value) for name, value in changes.items()]
    try:
        item.update(actions=actions, condition=DeliverableItem.placement_round == item.placement_round,
                    add_version_condition=False)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    return item


def _not_found(actor: Actor, check: CheckItem, deal, item: DeliverableItem, evaluation: Evaluation,
               now: datetime, done: Done) -> DeliverableItem:
    """Not there: deleted early (after a sighting, within the agreed time), missed (never seen by the window's
    end and grace), or nothing yet."""
    start = item.status
    wanted = next_status(check, deal, item, evaluation, now)
    if wanted is not None and wanted != item.status and not dstatus.problem(item.status, wanted):
        try:
            item = _move(actor, item, wanted, {"check_result": evaluation.result})
        except Conflict as exc:
            done.error = str(exc)
    elif item.found_at:  # gone after it was seen (after the agreed time: no move, but the page shows it)
        item = _note(item, {"check_result": evaluation.result})
    if item.status != start:
        done.moved = {"from": start, "to": item.status}
    return item


def fetch_failed(check: CheckItem, item: DeliverableItem, deal, reason: str, *, scheduled: bool,
                 permanent: bool = False) -> Done:
    """A fetch that failed: retried (scheduled checks, up to MAX_FAILURES in a row), else inconclusive;
    at once when retrying cannot help (a refused address, no VK token)."""
    attempts = int(check.attempts or 1)
    if scheduled and attempts < MAX_FAILURES and not permanent:
        return Done(state="retry", error=reason[:500], outcome="retry")
    done = Done(result="inconclusive" if scheduled else "error", error=reason[:500],
                outcome="inconclusive" if scheduled else "error")
    if scheduled:
        alerts.send("inconclusive", deal, item, check, reason=reason[:300])
    return done


def retry_at(check: CheckItem, now: datetime) -> datetime:
    attempts = max(int(check.attempts or 1), 1)
    return now + BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]


def perform(check: CheckItem, now: datetime, *, actor: Actor | None = None, scheduled: bool = True) -> Done:
    """Steps 1 to 7 for one claimed (or person-started) check; `finish` writes the result."""
    from chalicelib.placements import sources

    actor = actor or job_actor()
    item = deal_repo.get_deliverable(check.deliverable_id, consistent=True)
    why = stale(check, item)
    if why:
        return Done(state="dropped", error=why, outcome="dropped")
    deal = deal_repo.get(item.deal_id, consistent=True)
    if deal is None:
        return Done(state="dropped", error="the deal is gone", outcome="dropped")
    top = bool(penalty_ops.terms_of(deal, item).top_hours) and check.kind in ("top", "initial", "now")
    try:
        fetched = sources.fetch(item.url, platform=item.platform, next_post=top)
    except sources.NotSupported as exc:
        done = Done(result="inconclusive", error=str(exc)[:500], outcome="inconclusive")
        if check.kind == "initial":
            alerts.send("inconclusive", deal, item, check, reason=str(exc)[:300])
        return done
    except sources.FetchFailed as exc:
        return fetch_failed(check, item, deal, exc.reason, scheduled=scheduled, permanent=exc.permanent)
    return judge(actor, check, deal, item, fetched, now)
