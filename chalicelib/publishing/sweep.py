"""The `publish-due` sweep (every minute; also `python -m chalicelib.cli run-job publish-due`):
every target whose time has come goes out once. Rules in publishing/rules.py, keys in
publishing/repo.py, outcomes in publishing/outcomes.py, adapters in publishing/channels/.

    reading        Query the DUE#PUBLISH queue (gsi2, due time <= now: cost independent of how many
                   posts exist), a page of 200 at a time, each page in random order (concurrent runs
                   rarely meet), handed on in chunks of CLAIM_CHUNK.
    claimers       CLAIMERS threads triage each chunk —
                     a `publishing` target whose lease ran out (its worker died mid-send) → unconfirmed,
                       never re-sent;
                     more than MISSED_AFTER_MINUTES late → missed;
                     its Telegram chat over 20 messages this minute → left for the next run —
                   and **claim** the rest in one transaction: each target scheduled → publishing with
                   a 5-minute lease (conditional on its state and queue key) and its attempt record
                   written, with a check that its post is approved on the target's version and not on
                   hold — all before anything is sent. A refused operation drops only its target(s):
                   parked if the post is no longer publishable as approved, else another worker has
                   it; the others are claimed again without them.
    senders        PUBLISH_CONCURRENCY threads send (Telegram paced to 30 a second per bot) and hand
                   each outcome to the recorder.
    recorder       writes outcomes as they come, batched (publishing/outcomes.py).

At most PUBLISH_CONCURRENCY + (CLAIMERS + 1) x CLAIM_CHUNK targets are being claimed or waiting to be
sent. No claim and no send starts after the time budget minus the adapters' longest timeout; a
target claimed but not sent by then is released to its place in the queue (nothing went out), so a
run ends inside the function's timeout.

Writes per target sent: the claim (target, attempt, post check) and the outcome (target, attempt,
the post's status for a one-channel post, an audit entry), each shared with up to 31 / 23 others
in one transaction. A claim has no audit entry of its own: its attempt record is that.
"""
from __future__ import annotations

import logging
import random
import threading
import time as _time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.writes import BatchConflict, Change, OwnedWrite, WriteConflict, transact, transact_owned
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import get_settings
from chalicelib.publishing import alerts as publish_alerts
from chalicelib.publishing import repo, rules
from chalicelib.publishing.gate import Gate
from chalicelib.publishing.models import AttemptItem, TargetItem
from chalicelib.publishing.outcomes import Claimed, Outcome, Recorder
from chalicelib.publishing.rules import TargetState
from chalicelib.publishing.service import JOB_ACTOR, outgoing_for, refresh_post_status

log = logging.getLogger(__name__)
BATCH = 200  # queue entries per Query page
CLAIM_CHUNK = 32  # targets per claim transaction: target and attempt (+ a post check) each; DynamoDB allows 100
CLAIMERS = 2  # claim transactions in flight
CLAIM_ROUNDS = 3  # a chunk is claimed again without its refused targets at most this often
# One outbound request gives up at core/net/guard.DEADLINE (12 s) + margin: a send without uploaded media
# (text, URL media; a Telegram post whose text follows its media is two requests, ≤ 24 s, still inside the
# margin of the Lambda's 60 s). With the job's 45 s budget such a send starts by 30 s.
SEND_TIMEOUT_SECONDS = 15
# A send with uploaded media: the files' upload requests get a deadline that grows with their bytes
# (publishing/channels/media_files.py: DEADLINE + bytes at 4 MB/s, at most 25 s; a post's media are at most
# 50 MB together, media/rules.MAX_TOTAL_BYTES, checked on save) and the whole send — VK's chain of upload
# calls and wall.post included — ends within media_files.SEND_BUDGET_SECONDS (28 s; a Telegram upload
# followed by its text gets at most 28 - 12 = 16 s). So such a send starts by 45 - 30 = 15 s and ends
# inside the budget, well before the Lambda's 60 s and the 5-minute lease; a media target reached later
# is released untouched (nothing sent) to the next run, so exactly-once is the same as for any send.
MEDIA_SEND_TIMEOUT_SECONDS = 30


class _Tally:
    """The run's summary (`{"published": 998, "taken": 2}`), counted from every thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter = Counter()

    def __call__(self, label: str, n: int = 1) -> None:
        if n:
            with self._lock:
                self._counts[label] += n

    def result(self) -> dict:
        with self._lock:
            return dict(self._counts)


class _Window:
    """Targets being claimed or claimed and not yet sent: the reading thread reserves room for a
    chunk before handing it to a claimer; room comes back as targets are sent (or not claimed)."""

    def __init__(self, size: int):
        self._size, self._count = size, 0
        self._cond = threading.Condition()

    def reserve(self, n: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._count + n <= self._size)
            self._count += n

    def release(self, n: int = 1) -> None:
        if n:
            with self._cond:
                self._count -= n
                self._cond.notify_all()


def run(now: datetime | None = None, *, time_budget_seconds: float = 40, concurrency: int | None = None,
        rate_limits: bool = True) -> dict:
    """The job: everything due now, until the queue is empty or the time budget is spent."""
    now = now or utcnow()
    last_start = _time.monotonic() + max(1.0, time_budget_seconds - SEND_TIMEOUT_SECONDS)
    media_last_start = _time.monotonic() + max(1.0, time_budget_seconds - MEDIA_SEND_TIMEOUT_SECONDS)
    workers = concurrency or get_settings().PUBLISH_CONCURRENCY
    tally, gate = _Tally(), Gate(rate_limits)
    window = _Window(workers + (CLAIMERS + 1) * CLAIM_CHUNK)
    recorder = Recorder(tally)

    def deliver(claimed: Claimed) -> None:
        try:
            _deliver(claimed, gate, (last_start, media_last_start), recorder, tally, now)
        except Exception:  # a bug: the target keeps its lease, which runs out into unconfirmed
            log.exception("sending a claimed target failed", extra={"target": claimed.target.id})
            tally("error")
        finally:
            window.release()

    def take(chunk: list[TargetItem]) -> None:
        claimed = []
        try:
            claimed = _take(chunk, now, gate, tally)
        finally:
            window.release(len(chunk) - len(claimed))
        for one in claimed:
            senders.submit(deliver, one)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="publish") as senders:
            with ThreadPoolExecutor(max_workers=CLAIMERS, thread_name_prefix="publish-claim") as claimers:
                for chunk in _chunks(now, last_start, tally):
                    window.reserve(len(chunk))
                    claimers.submit(take, chunk)
    finally:
        recorder.close()
    return tally.result()


def _chunks(now: datetime, last_start: float, tally: _Tally):
    """The due queue, page by page, each page in random order (concurrent runs read the same queue and
    so rarely race for the same target; a lost race costs one refused operation), in chunks of
    CLAIM_CHUNK, until the time for starting work is up."""
    for page in repo.TARGETS.due(now, page_size=BATCH):
        random.shuffle(page)
        for start in range(0, len(page), CLAIM_CHUNK):
            if _time.monotonic() >= last_start:
                tally("left_for_next_run", len(page) - start)
                return
            yield page[start:start + CLAIM_CHUNK]


# --- triage and claim ----------------------------------------------------------------------------

def _take(chunk: list[TargetItem], now: datetime, gate: Gate, tally: _Tally) -> list[Claimed]:
    """Triage a chunk of due targets and claim the ones to send now."""
    claimable = []
    for target in chunk:
        try:
            verdict = _triage(target, now, gate)
        except Exception:  # one target's trouble must not stop the others; it stays in the queue
            log.exception("a due target could not be handled", extra={"target": target.id})
            verdict = "error"
        if verdict is None:
            claimable.append(target)
        else:
            tally(verdict)
    if not claimable:
        return []
    try:
        return _claim(claimable, now, tally)
    except Exception:
        log.exception("due targets could not be claimed; they stay queued")
        tally("error", len(claimable))
        return []


def _triage(target: TargetItem, now: datetime, gate: Gate) -> str | None:
    """What to do with a due target other than claiming it (a label for the tally), or None: claim it.
    Whether its post is still publishable is checked by the claim itself."""
    if target.state == TargetState.publishing.value:
        return _lease_expired(target, now)
    if target.state != TargetState.scheduled.value:
        return _park(target, "not scheduled")
    if rules.is_missed(parse_utc(target.window_start or target.publish_at), now, gate.missed_after(target.brand_id)):
        return _missed(target, now)
    if not gate.admit(target):
        return "rate_limited"
    return None


def _claim_plan(target: TargetItem, lease_until: str, started: str, worker: str) -> tuple:
    from chalicelib.publishing.channels import dispatch as adapters

    manual = not adapters.is_automatic(target.platform)
    number = int(target.attempts or 0) + 1
    attempt = AttemptItem(f"POST#{target.post_id}", repo.attempt_sk(target.channel_id, number), target_id=target.id,
                          number=number, started_at=started, outcome="manual" if manual else "sending", worker=worker)
    lease_sk = None if manual else repo.TARGETS.key(lease_until, target.id)
    # manual: waits for a person, out of the queue; else back in the queue at the lease's end, where a
    # dead worker's target is found
    lease = [TargetItem.lease_until.remove(), *repo.TARGETS.dequeue()] if manual \
        else [TargetItem.lease_until.set(lease_until), *repo.TARGETS.move(lease_until, target.id)]
    actions = [TargetItem.state.set("publishing"), TargetItem.attempts.set(number), TargetItem.manual.set(manual),
               TargetItem.updated_at.set(started), *lease]
    return attempt, actions, manual, lease_sk


def _claim(targets: list[TargetItem], now: datetime, tally: _Tally) -> list[Claimed]:
    """Claim the targets in one transaction; a refused one is dropped and the rest claimed again."""
    lease_until, started = iso(now + rules.LEASE), iso(utcnow())
    worker = threading.current_thread().name
    pending: dict[str, TargetItem] = {}
    versions: dict[str, int] = {}
    for target in targets:  # one post check per post: its targets here must agree on the version
        if versions.setdefault(target.post_id, int(target.version)) == int(target.version):
            pending[target.id] = target
        else:
            tally(_settle_refused(target))
    for _ in range(CLAIM_ROUNDS):
        plans = {tid: _claim_plan(target, lease_until, started, worker) for tid, target in pending.items()}

        def build(tx: OwnedWrite) -> None:
            by_post = defaultdict(list)
            for tid, (attempt, actions, _, _) in plans.items():
                target = pending[tid]
                tx.update((tid,), target, actions,
                          condition=repo.TARGETS.held(target.gsi2sk) & (TargetItem.state == "scheduled"))
                tx.save((tid,), attempt, condition=AttemptItem.pk.does_not_exist())
                by_post[target.post_id].append(tid)
            for post_id, tids in by_post.items():  # approved on this version, not on hold
                tx.condition_check(tuple(tids), PostItem, *post_repo.post_key(post_id),
                                   condition=PostItem.status.is_in(*rules.PUBLICATION_STATUSES)
                                   & (PostItem.version == versions[post_id]) & (PostItem.hold == False))  # noqa: E712

        try:
            # no audit entry per claim: the attempt record written with it says which worker took it, and when
            transact_owned(JOB_ACTOR, [], build)
        except BatchConflict as exc:
            if not exc.failed:  # the whole request was turned away (throttled): all stay queued for the next run
                tally("taken", len(pending))
                return []
            for tid, code in exc.failed.items():
                target = pending.pop(tid, None)
                if target is not None:
                    tally(_settle_refused(target) if code == "ConditionalCheckFailed" else "taken")
            if not pending:
                return []
            continue
        claimed = []
        for tid, (attempt, _, manual, lease_sk) in plans.items():
            target = pending[tid]
            due_sk = target.gsi2sk
            # what the claim wrote (no read back): the outcome's condition is this lease's queue key
            target.state, target.attempts, target.manual, target.gsi2sk = "publishing", attempt.number, manual, lease_sk
            claimed.append(Claimed(target, attempt, due_sk))
        return claimed
    tally("taken", len(pending))
    return []


def _settle_refused(target: TargetItem) -> str:
    """A target whose claim was refused: parked if its post is not publishable as approved (held,
    edited, unapproved), else someone else has it ("taken"; the next run looks again)."""
    post = post_repo.get(target.post_id, consistent=True)
    publishable = post is not None and post.status in rules.PUBLICATION_STATUSES and not post.hold and \
        int(post.version) == int(target.version) and target.channel_id in (post.channel_ids or [])
    return "taken" if publishable else _park(target, "the post is not publishable as approved")


# --- sending -------------------------------------------------------------------------------------

def _deliver(claimed: Claimed, gate: Gate, last_start: tuple[float, float], recorder: Recorder, tally: _Tally,
             now: datetime) -> None:
    """`last_start`: when the last send may start — without uploaded media, and with (a longer send)."""
    from chalicelib.publishing.channels import dispatch as adapters

    target = claimed.target
    if target.manual:
        refresh_post_status(target.post_id, known={target.channel_id: "publishing"})
        post = post_repo.get(target.post_id)
        if post is not None:
            publish_alerts.manual_task(post, target)
        tally("manual")
        return
    try:
        outgoing = outgoing_for(target, gate.channel(target.channel_id))
        gate.pace(target, outgoing.credentials_ref)
    except Exception as exc:  # nothing went out: a person can look and retry
        log.exception("a claimed target could not be prepared", extra={"target": target.id})
        recorder.put(Outcome(claimed, "failed", error=f"could not be prepared: {type(exc).__name__}"))
        return
    uploads = any(isinstance(m, dict) and m.get("key") for m in outgoing.media)
    if _time.monotonic() > last_start[1 if uploads else 0]:
        recorder.put(Outcome(claimed, "released"))
        return
    try:
        sent = adapters.send(outgoing)
    except Refused as exc:
        decision = rules.after_refusal(int(target.attempts), now, permanent=bool(getattr(exc, "permanent", False)),
                                       retry_after=getattr(exc, "retry_after", None),
                                       publish_at=parse_utc(target.window_start or target.publish_at),
                                       missed_after_minutes=gate.missed_after(target.brand_id))
        if decision.state is TargetState.failed:
            recorder.put(Outcome(claimed, "failed", error=exc.reason))
        else:
            recorder.put(Outcome(claimed, "retry", error=exc.reason, retry_at=iso(decision.retry_at)))
    except Ambiguous as exc:
        recorder.put(Outcome(claimed, "unconfirmed", error=exc.reason))
    except Exception as exc:  # our own bug or an unclassified error after the claim: it may have gone out
        log.exception("unexpected error while sending", extra={"target": target.id})
        recorder.put(Outcome(claimed, "unconfirmed", error=f"unexpected error: {type(exc).__name__}"))
    else:
        recorder.put(Outcome(claimed, "published", external_id=sent.external_id, url=sent.url))


# --- the rare ones, one at a time ----------------------------------------------------------------

def _park(target: TargetItem, why: str) -> str:
    """Out of the queue until the post is scheduled again (publishing.schedule_ops puts it back)."""
    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:park", None,
                                   {"channel": target.channel_id, "why": why}, int(target.version)),
                 lambda tx: tx.update(target, repo.TARGETS.dequeue(),
                                      condition=repo.TARGETS.held(target.gsi2sk)
                                      & (TargetItem.state == target.state)))
    except WriteConflict:
        return "taken"
    return "parked"


def _missed(target: TargetItem, now: datetime) -> str:
    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:missed", None,
                                   {"channel": target.channel_id}, int(target.version)),
                 lambda tx: tx.update(target, [TargetItem.state.set("missed"), *repo.TARGETS.dequeue(),
                                               TargetItem.updated_at.set(iso(now)),
                                               TargetItem.last_error.set("too late to publish")],
                                      condition=repo.TARGETS.held(target.gsi2sk) & (TargetItem.state == "scheduled")))
    except WriteConflict:
        return "taken"
    refresh_post_status(target.post_id)
    from chalicelib.notifications import post_events  # queued: the post-notices job tells people


    post_events.after_outcome(target, "missed", "too late to publish", int(target.attempts or 0))
    return "missed"


def _lease_expired(target: TargetItem, now: datetime) -> str:
    """A worker claimed it and never reported back: it may or may not have gone out."""
    number = int(target.attempts or 0)
    attempt = AttemptItem(f"POST#{target.post_id}", repo.attempt_sk(target.channel_id, number))
    reason = "the worker stopped while sending; it may have gone out"

    def build(tx):
        tx.update(target, [TargetItem.state.set("unconfirmed"), *repo.TARGETS.dequeue(),
                           TargetItem.last_error.set(reason), TargetItem.updated_at.set(iso(now))],
                  condition=repo.TARGETS.held(target.gsi2sk) & (TargetItem.state == "publishing"))
        tx.update(attempt, [AttemptItem.outcome.set("unconfirmed"), AttemptItem.error.set(reason),
                            AttemptItem.finished_at.set(iso(now))], condition=AttemptItem.outcome == "sending")

    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:unconfirmed", None,
                                   {"channel": target.channel_id, "why": "lease expired"}, int(target.version)), build)
    except WriteConflict:
        return "taken"
    refresh_post_status(target.post_id)
    from chalicelib.notifications import post_events  # queued: the post-notices job tells people


    post_events.after_outcome(target, "unconfirmed", reason, number)
    return "unconfirmed"
