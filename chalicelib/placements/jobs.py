"""The `placement-checks` job (every 5 minutes; `python -m chalicelib.cli run-job placement-checks`): runs
the checks that are due in the DUE#CHECKS lease queue (planner.py puts them there; runner.py does one).

Each check is claimed before it runs — one conditional move of its queue key to the lease's end, with
its attempts counted — so of two runs that overlap only one runs it; a worker that dies leaves it due
again when the lease ends. Checks run CHECK_CONCURRENCY at a time (most of a check is waiting for the
page), within the Lambda's time budget: what is not reached waits for the next run.

Light at import: the work is imported when the job runs.
"""
from __future__ import annotations

from chalicelib.core.jobs import Job, register

LAMBDA_BUDGET_SECONDS = 600  # the schedule Lambda gets 15 minutes; stop claiming well before
BATCH = 100
LEASE_MINUTES = 15  # longer than one check can take (two 12 s fetches), and than a run's budget
CHECK_CONCURRENCY = 16
KEEP_DONE_DAYS = 400  # evidence of a placement is kept beyond a year of reports


def placement_checks() -> dict:
    return run(time_budget_seconds=LAMBDA_BUDGET_SECONDS)


PLACEMENT_CHECKS = register(Job("placement-checks", 5,
                                "Check live placements against their deals' terms (evidence, findings, penalties)",
                                placement_checks))


def claim(check, now) -> bool:
    from datetime import timedelta

    from chalicelib.core.clock import utcnow
    from chalicelib.placements import repo
    from chalicelib.placements.models import CheckItem

    # the lease runs from the claim, not from the run's start: a run claims for up to its whole budget
    return repo.CHECKS.claim(check, max(now, utcnow()) + timedelta(minutes=LEASE_MINUTES), check.id,
                             actions=[CheckItem.attempts.add(1)],
                             condition=CheckItem.state == "planned") is not None


def finish(check, done, now, *, queued: bool = True) -> bool:
    """Write what the check came to (if this worker still holds it): done or dropped leave the queue; a
    retry stays queued at its next time. False when another worker took it over."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.clock import iso
    from chalicelib.placements import repo, runner
    from chalicelib.placements.models import CheckItem

    actions = [CheckItem.updated_at.set(iso(now))]
    if done.state == "retry":
        actions += [*repo.CHECKS.move(runner.retry_at(check, now), check.id),
                    CheckItem.last_error.set(done.error or "fetch failed")]
    else:
        actions += [CheckItem.state.set(done.state), CheckItem.checked_at.set(iso(now))]
        if queued:
            actions += repo.CHECKS.dequeue()
        for name in ("result", "evidence", "observed", "moved", "held"):
            value = getattr(done, name)
            if value is not None:
                actions.append(getattr(CheckItem, name).set(value))
        if done.findings:
            actions.append(CheckItem.findings.set(done.findings))
        if done.adjustments:
            actions += [CheckItem.adjustments.set(done.adjustments), CheckItem.penalty_lines.set(done.penalty_lines)]
        actions.append(CheckItem.last_error.set(done.error[:500]) if done.error else CheckItem.last_error.remove())
    condition = repo.CHECKS.held(check.gsi2sk) if queued else None
    try:
        check.update(actions=actions, condition=condition, add_version_condition=not queued)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def _one(check, now) -> str:
    import logging

    from chalicelib.placements import runner

    claimed = False
    try:
        claimed = claim(check, now)
        if not claimed:
            return "skipped"
        done = runner.perform(check, now)
        finish(check, done, now)
        return done.outcome
    except Exception:  # stays claimed: due again when the lease ends (attempts count toward giving up)
        logging.getLogger(__name__).exception("placement check failed", extra={"check": check.id})
        if claimed and int(check.attempts or 0) >= runner.MAX_FAILURES:
            try:
                finish(check, runner.Done(result="error", error="gave up after repeated errors", outcome="error"),
                       now)
            except Exception:  # noqa: BLE001 - the lease ends and the next run tries again
                pass
        return "error"


def run(now=None, *, time_budget_seconds: float = LAMBDA_BUDGET_SECONDS, concurrency: int = CHECK_CONCURRENCY) -> dict:
    """Everything due, a page at a time, until the queue is empty or the time budget is spent."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.core.clock import utcnow
    from chalicelib.core.db.connection import bind_models
    from chalicelib.placements import repo

    bind_models()
    now = now or utcnow()
    summary: dict = {}
    stop_at = time.monotonic() + time_budget_seconds
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="placement-check") as pool:
        for page in repo.CHECKS.due(now, page_size=BATCH):
            if time.monotonic() > stop_at:
                summary["stopped_early"] = True
                break
            groups: dict[str, list] = {}
            for check in page:  # one deliverable's checks one after another: their moves would collide
                groups.setdefault(check.deliverable_id, []).append(check)
            for outcomes in pool.map(lambda checks: [_one(check, now) for check in checks], groups.values()):
                for outcome in outcomes:
                    summary[outcome] = summary.get(outcome, 0) + 1
    return summary
