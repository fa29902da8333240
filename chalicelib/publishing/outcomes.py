"""What a send's outcome writes, and the recorder that writes outcomes in batches.

Each outcome is conditional on the claim it ends (the target still `publishing` under the lease's
queue key, the attempt still `sending`), so an outcome can never overwrite another worker's:

    published / failed / unconfirmed   the target ends there; the attempt records it
    retry      refused, nothing went out: the target is `scheduled` again at its back-off time
    released   never sent (the run's time was up): the target goes back to its place in the queue,
               its attempt record is removed and its attempt count restored
A one-channel post's status follows from its one target's outcome (the target is `solo`): it is
set in the same transaction, conditional on the post still being on that version and managed by
publishing, and the post's revision moves on; other posts' status is derived from all their targets
afterwards. Every outcome has its own audit entry.

The recorder is RECORDERS threads: whatever outcomes are waiting when one is free go in one
transaction (up to OUTCOME_CHUNK), so the number of writes falls as the pace of sends rises. An outcome whose
operations are refused in a batch is written on its own; if even that fails the target keeps its
lease, which runs out into `unconfirmed` (never sent again by itself).
"""
from __future__ import annotations

import logging
import queue
import random
import threading
import time as _time
from dataclasses import dataclass
from typing import Callable

from chalicelib.content.models import PostItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import BatchConflict, Change, OwnedWrite, transact_owned
from chalicelib.publishing import rules
from chalicelib.publishing.models import AttemptItem, TargetItem
from chalicelib.publishing.repo import TARGETS
from chalicelib.publishing.service import JOB_ACTOR, refresh_post_status

log = logging.getLogger(__name__)
OUTCOME_CHUNK = 24  # outcomes per transaction: target, attempt, post status and an audit entry each (100 max)
ROUNDS = 4
GATHER_SECONDS = 0.1  # how long a recorder waits for more outcomes to write together
RECORDERS = 2  # recorder threads (one transaction in flight each)


@dataclass
class Claimed:
    """A target this run holds, as the claim left it."""

    target: TargetItem  # state publishing, gsi2sk = the lease's queue key (None for a manual target)
    attempt: AttemptItem
    due_sk: str  # the queue key before the claim: where a release puts it back


@dataclass
class Outcome:
    claimed: Claimed
    state: str  # published | failed | unconfirmed | retry | released
    error: str | None = None
    external_id: str | None = None
    url: str | None = None
    retry_at: str | None = None  # retry: when the next try is due (UTC)


@dataclass
class _Plan:
    outcome: Outcome
    build: Callable[[OwnedWrite, object], None]  # (tx, owner)
    change: Change
    folded: bool  # the post's status is set in the same transaction


def _state_of(outcome: Outcome) -> str:
    """The target's state after the outcome."""
    return {"retry": "scheduled", "released": "scheduled"}.get(outcome.state, outcome.state)


def _fold_status(outcome: Outcome) -> str | None:
    """The post's new status when this outcome alone decides it (the post's only channel), else None.
    Back to `scheduled` (a retry, a release) is no change: a one-channel post stays `scheduled`
    while its target is claimed."""
    if not outcome.claimed.target.solo or outcome.state in ("retry", "released"):
        return None
    return rules.derive_post_status([_state_of(outcome)])


def _plan(outcome: Outcome, *, fold: bool) -> _Plan:
    claimed = outcome.claimed
    target, attempt = claimed.target, claimed.attempt
    now = iso(utcnow())
    error = (outcome.error or "")[:500] or None
    held = (TargetItem.state == "publishing") & TARGETS.held(target.gsi2sk)
    sending = AttemptItem.outcome == "sending"
    post_status = _fold_status(outcome) if fold else None
    after: dict = {"channel": target.channel_id}

    if outcome.state == "released":
        target_actions = [TargetItem.state.set("scheduled"), TargetItem.attempts.set(int(attempt.number) - 1),
                          *TARGETS.restore(claimed.due_sk), TargetItem.lease_until.remove(),
                          TargetItem.updated_at.set(now)]
        attempt_op = None
        action = "publish:released"
    elif outcome.state == "retry":
        target_actions = [TargetItem.state.set("scheduled"), *TARGETS.move(outcome.retry_at, target.id),
                          TargetItem.lease_until.remove(), TargetItem.last_error.set(error or "refused"),
                          TargetItem.updated_at.set(now)]
        attempt_op = [AttemptItem.outcome.set("refused"), AttemptItem.error.set(error or "refused"),
                      AttemptItem.finished_at.set(now)]
        action = "publish:refused"
        after.update(error=error, retry_at=outcome.retry_at)
    else:
        target_actions = [TargetItem.state.set(outcome.state), *TARGETS.dequeue(), TargetItem.lease_until.remove(),
                          TargetItem.updated_at.set(now)]
        if outcome.state == "published":
            target_actions += [TargetItem.published_at.set(now), TargetItem.last_error.remove()]
            if outcome.external_id:
                target_actions.append(TargetItem.external_id.set(str(outcome.external_id)))
            if outcome.url:
                target_actions.append(TargetItem.url.set(outcome.url))
        if error:
            target_actions.append(TargetItem.last_error.set(error))
        attempt_op = [AttemptItem.outcome.set(outcome.state), AttemptItem.finished_at.set(now)]
        if error:
            attempt_op.append(AttemptItem.error.set(error))
        action = f"publish:{outcome.state}"
        after.update(url=outcome.url, error=error)
    if post_status:
        after["status"] = post_status

    def build(tx: OwnedWrite, owner) -> None:
        tx.update(((owner, "target"),), target, target_actions, condition=held)
        if attempt_op is None:
            tx.delete(((owner, "attempt"),), attempt, condition=sending)
        else:
            tx.update(((owner, "attempt"),), attempt, attempt_op, condition=sending)
        if post_status:  # still on this version and managed by publishing; the revision moves on
            post = PostItem(f"POST#{target.post_id}", "POST", revision=0)  # a stub: PynamoDB adds ADD revision 1
            tx.update(((owner, "post"),), post, [PostItem.status.set(post_status), PostItem.updated_at.set(now)],
                      condition=(PostItem.version == int(target.version))
                      & PostItem.status.is_in(*rules.PUBLICATION_STATUSES), add_version_condition=False)

    change = Change(target.brand_id, "post", target.post_id, action, None, after, int(target.version))
    return _Plan(outcome, build, change, bool(post_status))


def _follow_up(plan: _Plan, tally: Callable[[str], None]) -> None:
    """After the outcome is stored: the post's status (unless folded in), the notice, the run's tally.
    The notice is only queued here (one write): the post-notices job tells the post's author and
    assignees (per their preferences, once) and alerts the brand's managers of a failure
    (notifications/post_events.deliver), so no email or Slack call runs on a recorder thread."""
    outcome = plan.outcome
    target = outcome.claimed.target
    if not plan.folded and not (target.solo and outcome.state in ("retry", "released")):
        refresh_post_status(target.post_id, known={target.channel_id: _state_of(outcome)})
    if outcome.state in ("published", "failed", "unconfirmed"):
        # one queue write; the post-notices job tells the author and assignees and alerts the managers
        from chalicelib.notifications import post_events

        post_events.after_outcome(target, outcome.state, outcome.error, int(outcome.claimed.attempt.number))
    tally({"released": "left_for_next_run"}.get(outcome.state, outcome.state))


def record_one(outcome: Outcome, tally: Callable[[str], None], *, fold: bool = True) -> None:
    """One outcome in its own transaction: if only the post changed since it was read, the outcome
    is written without the post's status, which is then derived afresh."""
    for round_ in range(ROUNDS):
        plan = _plan(outcome, fold=fold)
        try:
            transact_owned(JOB_ACTOR, [plan.change], lambda tx: plan.build(tx, 0))
        except BatchConflict as exc:
            failed_checks = {part for (_, part), code in exc.failed.items() if code == "ConditionalCheckFailed"}
            if failed_checks & {"target", "attempt"}:
                log.error("a target's outcome could not be recorded: its claim is gone (the lease ran out?)",
                          extra={"target": outcome.claimed.target.id, "outcome": outcome.state})
                tally("conflict")
                return
            if failed_checks:  # only the post changed meanwhile: derive its status afresh
                fold = False
                continue
            _time.sleep(random.uniform(0.02, 0.1) * (2 ** round_))  # throttled or a concurrent transaction
            continue
        _follow_up(plan, tally)
        return
    log.error("a target's outcome could not be recorded; its lease will run out into unconfirmed",
              extra={"target": outcome.claimed.target.id, "outcome": outcome.state})
    tally("conflict")


def record_batch(outcomes: list[Outcome], tally: Callable[[str], None]) -> None:
    """Up to OUTCOME_CHUNK outcomes in one transaction; the ones refused there are written one by one."""
    pending = list(outcomes)
    for round_ in range(ROUNDS):
        if not pending:
            return
        if len(pending) == 1:
            record_one(pending[0], tally)
            return
        plans = [_plan(o, fold=True) for o in pending]

        def build(tx: OwnedWrite) -> None:
            for index, plan in enumerate(plans):
                plan.build(tx, index)

        try:
            transact_owned(JOB_ACTOR, [p.change for p in plans], build)
        except BatchConflict as exc:
            refused = {index for index, _ in exc.failed}
            if not refused:  # the whole request was turned away (throttled): wait a little, try again
                _time.sleep(random.uniform(0.05, 0.2) * (2 ** round_))
                continue
            for index in sorted(refused):
                post_only = {part for (i, part), code in exc.failed.items()
                             if i == index and code == "ConditionalCheckFailed"} == {"post"}
                record_one(pending[index], tally, fold=not post_only)
            pending = [o for index, o in enumerate(pending) if index not in refused]
            continue
        for plan in plans:
            _follow_up(plan, tally)
        return
    for outcome in pending:
        record_one(outcome, tally)


class Recorder:
    """Threads that write outcomes as they arrive, each batching whatever is waiting."""

    _STOP = object()

    def __init__(self, tally: Callable[[str], None], threads: int = RECORDERS):
        self._tally = tally
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._loop, name=f"publish-recorder-{n}", daemon=True)
                         for n in range(threads)]
        for thread in self._threads:
            thread.start()

    def put(self, outcome: Outcome) -> None:
        self._queue.put(outcome)

    def close(self) -> None:
        """Write everything put so far, then stop (call once no more outcomes can come)."""
        for _ in self._threads:  # each thread takes exactly one: a batch ends at the first stop it meets
            self._queue.put(self._STOP)
        for thread in self._threads:
            thread.join()

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            gather_until = _time.monotonic() + GATHER_SECONDS
            while len(batch) < OUTCOME_CHUNK and batch[-1] is not self._STOP:
                try:
                    batch.append(self._queue.get(timeout=max(0.0, gather_until - _time.monotonic())))
                except queue.Empty:
                    break
            stopping = any(item is self._STOP for item in batch)
            batch = [item for item in batch if item is not self._STOP]
            if not batch:
                continue
            try:
                record_batch(batch, self._tally)
            except Exception:  # a bug or an outage: the leases run out into unconfirmed, never re-sent
                log.exception("outcomes could not be recorded", extra={"targets": [o.claimed.target.id for o in batch]})
                for _ in batch:
                    self._tally("error")
