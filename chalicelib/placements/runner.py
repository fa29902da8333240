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
  5. Money first (settle.py), with the status the check leads to: penalties worked out by the deal's
     clauses, a hold for a breach, its release when the deal has nothing failing any more — on the
     condition that the deliverable is still in the check's round.
  6. Move the deliverable (rules/outcome.after_check): found before publication → published (its time as
     the page shows it); then monitoring, nonconforming, fulfilled, deleted_early or missed. Each move is
     deliverable_service.move: the deliverable's version guards it and the deal's payments that fall due
     with it move in the same transaction. The round's first sighting plans its retention, final, top and
     metrics checks (planner.py).
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
from chalicelib.deals import deliverable_service
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
SETTLED = dstatus.FINAL  # a settled placement is no longer checked
METRICS = ("metrics_24h", "metrics_72h", "metrics_7d")
STOPPED = dstatus.FINAL - {"fulfilled"}  # nothing more to measure either


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


def live_until(expected, published_at: datetime | None) -> datetime | None:
    hours = expected.terms.min_live_hours
    return published_at + timedelta(hours=int(hours)) if published_at and hours else None


def top_until(expected, published_at: datetime | None) -> datetime | None:
    hours = expected.top_hours
    return published_at + timedelta(hours=int(hours)) if published_at and hours and expected.platform == "telegram" \
        else None


def _move(actor: Actor, item: DeliverableItem, status: str | None, changes: dict, *,
          published_at: str | None = None) -> DeliverableItem:
    return deliverable_service.move(actor, item.id, status, changes=changes, published_at=published_at,
                                    expect_version=item.version)


def _published_at(item: DeliverableItem, observed, now: datetime) -> datetime:
    """When the post went live: the deliverable's time once it counts as published in this round, else
    what the page shows (else now)."""
    if item.found_at and item.published_at:
        return parse_utc(item.published_at)
    return observed.published_at or parse_utc(item.published_at) or now


def moves_for(check: CheckItem, expected, item: DeliverableItem, observed, evaluation: Evaluation,
              now: datetime) -> list[str]:
    """The statuses this check moves the deliverable through, in order (often one; planned → published →
    monitoring is two), by rules/outcome.after_check."""
    published_at = _published_at(item, observed, now) if observed.found else parse_utc(item.published_at)
    return outcome.moves_after_check(item.status, check.kind, evaluation, fetched=True, now=now,
                                     published_at=published_at,
                                     live_until=live_until(expected, published_at),
                                     top_until=top_until(expected, published_at))


def apply(actor: Actor, check: CheckItem, deal, item: DeliverableItem, observed, evaluation: Evaluation,
          moves: list[str], now: datetime, done: Done) -> DeliverableItem:
    """Move the deliverable through `moves` and note what the check saw (step 5); `done.moved` records it.
    The round's first sighting plans its retention, final, top and metrics checks."""
    start = item.status
    changes: dict = {"check_result": evaluation.result} if observed.found or item.found_at else {}
    first_sighting = observed.found and not item.found_at
    if observed.found:
        changes["last_seen_at"] = iso(now)
        if first_sighting:
            changes.update(found_at=iso(now), text_hash=evaluation.text_hash)
            if dstatus.counts_as_published(item.status):  # a new URL of a live deliverable: the new post's time
                changes["published_at"] = iso(_published_at(item, observed, now))
    for wanted in moves:
        published = iso(_published_at(item, observed, now)) if wanted == "published" else None
        try:
            item = _move(actor, item, wanted, changes, published_at=published)
        except Conflict as exc:  # changed meanwhile (the URL, a person): the next check sees and moves it
            done.error = str(exc)
            changes = {}
            break
        changes = {}
    if changes:
        item = _note(item, changes)
    if first_sighting and item.found_at:
        planner.plan_sighting(deal, item, parse_utc(item.published_at) or now, now)
    if item.status != start:
        done.moved = {"from": start, "to": item.status}
    return item


def judge(actor: Actor, check: CheckItem, deal, item: DeliverableItem, expected, fetched, now: datetime) -> Done:
    """Steps 3 to 7 for a fetched answer; `expected`: what the deliverable is held to (expected.py)."""
    done = Done()
    done.evidence = evidence.store(check, int(check.attempts or 1), fetched.raw, content_type=fetched.content_type,
                                   url=fetched.fetched_url, http_status=fetched.http_status,
                                   fetched_at=fetched.fetched_at)
    observed = fetched.observed
    evaluation = evaluate(expected, observed, baseline_hash=item.text_hash, first_seen=not item.found_at)
    evaluation = outcome.waive(evaluation, item.waived or ())
    done.result, done.findings = evaluation.result, [f.to_map() for f in evaluation.findings]
    done.observed = _observed_map(observed, evaluation)
    before = item.status
    was_failing = item.check_result == "fail" or before == "nonconforming"
    if before == "fulfilled":  # settled: a later check (metrics, on request) records, it moves nothing
        done.outcome = evaluation.result
        if observed.found:
            _note(item, {"last_seen_at": iso(now)})
        return done
    moves = moves_for(check, expected, item, observed, evaluation, now)
    status_after = moves[-1] if moves else before
    published_at = parse_utc(item.published_at)
    last_seen = parse_utc(item.last_seen_at)
    hours_live = hours_between(published_at, last_seen) if published_at and last_seen else Decimal(0)
    if not settle.settle(actor, check, deal, item, expected, evaluation, done, status_after=status_after,
                         seen=observed.found or bool(item.found_at), hours_live=hours_live, was_failing=was_failing):
        return Done(state="dropped", error="the placement URL changed", outcome="dropped")
    item = apply(actor, check, deal, item, observed, evaluation, moves, now, done)
    if item.status == "deleted_early" and before != "deleted_early":
        alerts.send("deleted", deal, item, check, findings=done.findings)
    elif item.status == "missed" and before != "missed":
        alerts.send("missed", deal, item, check, findings=done.findings)
    elif evaluation.result == "fail" and (observed.found or item.found_at):
        alerts.send("fail", deal, item, check, findings=done.findings)
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
    expected = expected_for(deal, item)
    # with top_hours, every check reads the channel's newer posts: any of them may be the one that ends the
    # watching (a run that comes late does the final, top and a last retention check at once)
    top = bool(expected.top_hours) and expected.platform == "telegram"
    try:
        fetched = sources.fetch(item.url, platform=item.platform, next_post=top)
    except sources.NotSupported as exc:
        done = Done(result="inconclusive", error=str(exc)[:500], outcome="inconclusive")
        if check.kind == "initial":
            alerts.send("inconclusive", deal, item, check, reason=str(exc)[:300])
        return done
    except sources.FetchFailed as exc:
        return fetch_failed(check, item, deal, exc.reason, scheduled=scheduled, permanent=exc.permanent)
    return judge(actor, check, deal, item, expected, fetched, now)
