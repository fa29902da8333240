"""Scheduled publishing, exactly once: targets, the `publish-due` sweep, and what people do with
targets that need them (retry, resolve, mark published). Rules in domain/publishing.py; adapters in
integrations/publishing.py; keys in db/targets.py.

The sweep (every minute):
  1. Query the DUE#PUBLISH queue for targets due now (a Query on gsi2: cost independent of how
     many posts exist).
  2. For each, in a bounded thread pool: a scheduled target more than MISSED_AFTER_MINUTES late
     becomes `missed`; a `publishing` one whose lease ran out (its worker died mid-send) becomes
     `unconfirmed` — never re-sent; a scheduled one is **claimed** in one transaction: the target
     moves to `publishing` with a lease (condition: still scheduled, same queue key), the post is
     checked (approved on this version, not on hold) and the attempt record is written — all
     before anything is sent.
  3. Send; record the outcome: published (message id, link), refused (nothing went out: retry with
     back-off, then failed), ambiguous (may have gone out: unconfirmed, a person decides).
  4. The post's status follows its targets; failed, unconfirmed and missed alert the post's
     assignees and the brand's SMM managers.
Claiming stops early enough to finish inside the function's timeout.
"""
from __future__ import annotations

import logging
import random
import threading
import time as _time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from chalicelib.clock import iso, parse_utc, utcnow
from chalicelib.db import channels as channel_repo
from chalicelib.db import posts as post_repo
from chalicelib.db import targets as repo
from chalicelib.db.models import AttemptItem, PostItem, TargetItem
from chalicelib.db.reads import plain
from chalicelib.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.domain import publishing as rules
from chalicelib.domain import schedule
from chalicelib.domain.content import text_for_channel
from chalicelib.domain.publishing import TargetState
from chalicelib.domain.roles import Permission
from chalicelib.errors import Conflict, InvalidTransition, NotFound
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)
JOB_ACTOR = Actor(None, "publish-due", "job")
BATCH = 200
SEND_TIMEOUT_SECONDS = 15  # the adapters' longest connect + read
TELEGRAM_PER_CHANNEL_PER_MINUTE = 20
TELEGRAM_PER_BOT_PER_SECOND = 30


def _now_iso(now: datetime) -> str:
    return schedule.iso_utc(now)


# --- targets follow the post ---------------------------------------------------------------------

def schedule_ops(post: PostItem, values: dict) -> list:
    """Operations for the post's transaction when, after `values`, it is scheduled and not on hold:
    create the targets it lacks, (re)queue the scheduled ones at the publish time and version, skip
    those whose channel left the post. Nothing when the post is not (or no longer) publishable."""
    def new(name):
        return values[name] if name in values else getattr(post, name)

    if new("status") != "scheduled" or new("hold") or not new("publish_at"):
        return []
    version, publish_at, channel_ids = int(new("version")), new("publish_at"), list(new("channel_ids") or [])
    approved = {"variants": plain(new("variants")) or {}, "body": new("body") or ""}
    title, media, links = new("title") or "", plain(new("media")) or [], list(new("links") or [])

    def text_for(channel_id: str) -> str:
        return text_for_channel(approved, channel_id)

    existing = {t.channel_id: t for t in repo.for_post(post.id)}
    now = iso(utcnow())
    ops = []
    for channel_id in channel_ids:
        target = existing.get(channel_id)
        tid = repo.target_id(post.id, channel_id)
        if target is None:
            channel = channel_repo.get(channel_id)
            item = TargetItem(f"POST#{post.id}", f"TARGET#{channel_id}", gsi2pk=repo.QUEUE,
                              gsi2sk=repo.queue_sk(publish_at, tid), id=tid, post_id=post.id,
                              brand_id=post.brand_id, channel_id=channel_id,
                              platform=channel.platform if channel else "manual", state="scheduled",
                              version=version, publish_at=publish_at, attempts=0, created_at=now, updated_at=now,
                              title=title, text=text_for(channel_id), media=media, links=links)
            ops.append(_put(item))
        elif target.state == TargetState.scheduled.value:
            ops.append(_update(target, [TargetItem.version.set(version), TargetItem.publish_at.set(publish_at),
                                        TargetItem.title.set(title), TargetItem.text.set(text_for(channel_id)),
                                        TargetItem.media.set(media), TargetItem.links.set(links),
                                        TargetItem.gsi2pk.set(repo.QUEUE),
                                        TargetItem.gsi2sk.set(repo.queue_sk(publish_at, tid)),
                                        TargetItem.updated_at.set(now)],
                               (TargetItem.state == "scheduled") & (TargetItem.updated_at == target.updated_at)))
    for channel_id, target in existing.items():
        if channel_id not in channel_ids and target.state == TargetState.scheduled.value:
            ops.append(_update(target, [TargetItem.state.set("skipped"), TargetItem.gsi2pk.remove(),
                                        TargetItem.gsi2sk.remove(), TargetItem.updated_at.set(now)],
                               (TargetItem.state == "scheduled") & (TargetItem.updated_at == target.updated_at)))
    return ops


def _put(item):
    return lambda tx: tx.save(item, condition=TargetItem.pk.does_not_exist())


def _update(target, actions, condition):
    return lambda tx: tx.update(target, actions, condition=condition)


# --- the sweep -----------------------------------------------------------------------------------

class Gate:
    """Per-run rate limits: Telegram allows about 20 messages a minute into one chat and 30 a second
    per bot. Counted per invocation (each minute's run starts afresh); a 429 from the API is honoured
    through the retry time it gives."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.lock = threading.Lock()
        self.windows: dict[str, int] = {}
        self.channels: dict[str, object] = {}
        self.per_channel: dict[str, int] = defaultdict(int)
        self.bot_window: dict[str, list[float]] = defaultdict(list)

    def missed_after(self, brand_id: str) -> int:
        """The brand's missed window in minutes (its setting, else MISSED_AFTER_MINUTES), read once per run."""
        if brand_id not in self.windows:
            from chalicelib.db import brands as brand_repo

            brand = brand_repo.get(brand_id)
            own = (plain(brand.settings) or {}).get("missed_after_minutes") if brand is not None else None
            self.windows[brand_id] = int(own or get_settings().MISSED_AFTER_MINUTES)
        return self.windows[brand_id]

    def channel(self, channel_id: str):
        """A channel, read once per run."""
        if channel_id not in self.channels:
            self.channels[channel_id] = channel_repo.get(channel_id)
        return self.channels[channel_id]

    def admit(self, target: TargetItem) -> bool:
        if not self.enabled or target.platform != "telegram":
            return True
        with self.lock:
            if self.per_channel[target.channel_id] >= TELEGRAM_PER_CHANNEL_PER_MINUTE:
                return False
            self.per_channel[target.channel_id] += 1
            return True

    def pace(self, target: TargetItem, bot_key: str | None) -> None:
        if not self.enabled or target.platform != "telegram" or not bot_key:
            return
        while True:
            with self.lock:
                stamps = [s for s in self.bot_window[bot_key] if _time.monotonic() - s < 1.0]
                if len(stamps) < TELEGRAM_PER_BOT_PER_SECOND:
                    stamps.append(_time.monotonic())
                    self.bot_window[bot_key] = stamps
                    return
                self.bot_window[bot_key] = stamps
            _time.sleep(0.05)


def run(now: datetime | None = None, *, time_budget_seconds: float = 40, concurrency: int | None = None,
        rate_limits: bool = True) -> dict:
    """The job: everything due now, until the queue is empty or the budget for claiming is spent."""
    settings = get_settings()
    now = now or utcnow()
    stop_claiming_at = _time.monotonic() + max(1.0, time_budget_seconds - SEND_TIMEOUT_SECONDS)
    summary: dict[str, int] = defaultdict(int)
    gate = Gate(rate_limits)
    seen: set[str] = set()
    workers = concurrency or settings.PUBLISH_CONCURRENCY
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="publish") as pool:
        while _time.monotonic() < stop_claiming_at:
            batch = [t for t in repo.due(_now_iso(now), BATCH) if t.id + t.gsi2sk not in seen]
            if not batch:
                break
            # Concurrent runs read the same queue: each takes a small random share of it, then reads
            # the queue again, so they rarely race for the same target (a lost race costs one write).
            random.shuffle(batch)
            batch = batch[:workers * 4]
            seen.update(t.id + t.gsi2sk for t in batch)
            for outcome in pool.map(lambda t: _safely(t, now, gate, stop_claiming_at), batch):
                summary[outcome] += 1
    return dict(summary)


def _safely(target: TargetItem, now: datetime, gate: Gate, stop_claiming_at: float) -> str:
    try:
        return process(target, now, gate, stop_claiming_at)
    except Exception:  # one target's trouble must not stop the others; it stays in the queue
        log.exception("publishing a target failed", extra={"target": target.id})
        return "error"


def process(target: TargetItem, now: datetime, gate: Gate, stop_claiming_at: float) -> str:
    if target.state == TargetState.publishing.value:
        return _lease_expired(target, now)
    if target.state != TargetState.scheduled.value:
        return _park(target, "not scheduled")
    post = post_repo.get(target.post_id, consistent=True)
    if post is None or post.status not in rules.PUBLICATION_STATUSES or post.hold or \
            int(post.version) != int(target.version) or target.channel_id not in (post.channel_ids or []):
        return _park(target, "the post is not publishable as approved")
    base = parse_utc(target.window_start or target.publish_at)
    if rules.is_missed(base, now, gate.missed_after(target.brand_id)):
        return _missed(target, post, now)
    if _time.monotonic() > stop_claiming_at:
        return "left_for_next_run"
    if not gate.admit(target):
        return "rate_limited"
    attempt = _claim(target, post, now)
    if attempt is None:
        return "taken"
    return _send(target, post, attempt, gate, now)


def _park(target: TargetItem, why: str) -> str:
    """Out of the queue until the post is scheduled again (schedule_ops puts it back)."""
    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:park", None,
                                   {"channel": target.channel_id, "why": why}, int(target.version)),
                 lambda tx: tx.update(target, [TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove()],
                                      condition=(TargetItem.gsi2sk == target.gsi2sk)
                                      & (TargetItem.state == target.state)))
    except WriteConflict:
        return "taken"
    return "parked"


def _missed(target: TargetItem, post: PostItem, now: datetime) -> str:
    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:missed", None,
                                   {"channel": target.channel_id}, int(target.version)),
                 lambda tx: tx.update(target, [TargetItem.state.set("missed"), TargetItem.gsi2pk.remove(),
                                               TargetItem.gsi2sk.remove(), TargetItem.updated_at.set(iso(now)),
                                               TargetItem.last_error.set("too late to publish")],
                                      condition=(TargetItem.gsi2sk == target.gsi2sk) & (TargetItem.state == "scheduled")))
    except WriteConflict:
        return "taken"
    refresh_post_status(target.post_id)
    _alert(post, target, "missed", "")
    return "missed"


def _lease_expired(target: TargetItem, now: datetime) -> str:
    """A worker claimed it and never reported back: it may or may not have gone out."""
    number = int(target.attempts or 0)
    attempt = AttemptItem(f"POST#{target.post_id}", repo.attempt_sk(target.channel_id, number))
    reason = "the worker stopped while sending; it may have gone out"

    def build(tx):
        tx.update(target, [TargetItem.state.set("unconfirmed"), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove(),
                           TargetItem.last_error.set(reason), TargetItem.updated_at.set(iso(now))],
                  condition=(TargetItem.gsi2sk == target.gsi2sk) & (TargetItem.state == "publishing"))
        tx.update(attempt, [AttemptItem.outcome.set("unconfirmed"), AttemptItem.error.set(reason),
                            AttemptItem.finished_at.set(iso(now))], condition=AttemptItem.outcome == "sending")

    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:unconfirmed", None,
                                   {"channel": target.channel_id, "why": "lease expired"}, int(target.version)), build)
    except WriteConflict:
        return "taken"
    refresh_post_status(target.post_id)
    post = post_repo.get(target.post_id)
    if post is not None:
        _alert(post, target, "unconfirmed", reason)
    return "unconfirmed"


def _claim(target: TargetItem, post: PostItem, now: datetime) -> AttemptItem | None:
    from chalicelib.integrations import publishing as adapters

    manual = not adapters.is_automatic(target.platform)
    number = int(target.attempts or 0) + 1
    lease_until = now + rules.LEASE
    started = utcnow()
    attempt = AttemptItem(f"POST#{target.post_id}", repo.attempt_sk(target.channel_id, number), target_id=target.id,
                          number=number, started_at=iso(started), outcome="manual" if manual else "sending",
                          worker=threading.current_thread().name)
    if manual:  # waits for a person, out of the queue
        lease = [TargetItem.lease_until.remove(), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove()]
    else:  # back in the queue at the lease's end, where a dead worker's target is found
        lease = [TargetItem.lease_until.set(schedule.iso_utc(lease_until)),
                 TargetItem.gsi2sk.set(repo.queue_sk(schedule.iso_utc(lease_until), target.id))]
    actions = [TargetItem.state.set("publishing"), TargetItem.attempts.set(number), TargetItem.manual.set(manual),
               TargetItem.updated_at.set(iso(started)), *lease]

    def build(tx):
        tx.update(target, actions, condition=(TargetItem.gsi2sk == target.gsi2sk) & (TargetItem.state == "scheduled"))
        tx.condition_check(PostItem, post.pk, post.sk,
                           condition=PostItem.status.is_in(*rules.PUBLICATION_STATUSES)
                           & (PostItem.version == int(target.version)) & (PostItem.hold == False))  # noqa: E712
        tx.save(attempt, condition=AttemptItem.pk.does_not_exist())

    try:
        # No retry on a transaction conflict: another worker is claiming this very target right now.
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:claim", None,
                                   {"channel": target.channel_id, "attempt": number, "manual": manual},
                                   int(target.version)), build, retries=1)
    except (WriteConflict, Conflict):
        return None
    # what the claim wrote (no read back): the outcome's condition is this lease's queue key
    target.state, target.attempts, target.manual = "publishing", number, manual
    target.gsi2sk = None if manual else repo.queue_sk(schedule.iso_utc(lease_until), target.id)
    return attempt


def outgoing_for(target: TargetItem, post: PostItem, channel=None):
    from chalicelib.integrations.publishing import Outgoing

    channel = channel or channel_repo.get(target.channel_id)
    if target.text is not None:  # copied onto the target when it was scheduled
        content = {"title": target.title, "media": plain(target.media) or [], "links": list(target.links or [])}
        text = target.text
    else:
        snapshot = post_repo.get_version(post.id, int(target.version))
        content = plain(snapshot.content) if snapshot else {}
        text = text_for_channel(content, target.channel_id)
    return Outgoing(
        target_id=target.id, post_id=post.id, version=int(target.version), platform=target.platform,
        channel_name=channel.name if channel else "", external_id=channel.external_id if channel else None,
        handle=channel.handle if channel else None, credentials_ref=channel.credentials_ref if channel else None,
        title=content.get("title") or "", text=text or "", media=tuple(content.get("media") or ()),
        links=tuple(content.get("links") or ()), publish_at=target.publish_at, brand_id=post.brand_id,
        allow_private_targets=get_settings().is_local)


def _send(target: TargetItem, post: PostItem, attempt: AttemptItem, gate: Gate, now: datetime) -> str:
    from chalicelib.integrations import publishing as adapters

    if target.manual:
        refresh_post_status(target.post_id, post=post, known={target.channel_id: "publishing"})
        _manual_task(post, target)
        return "manual"
    outgoing = outgoing_for(target, post, gate.channel(target.channel_id))
    gate.pace(target, outgoing.credentials_ref)
    try:
        sent = adapters.send(outgoing)
    except adapters.Refused as exc:
        return _refused(target, post, attempt, exc, gate.missed_after(target.brand_id), now)
    except adapters.Ambiguous as exc:
        return _finish(target, post, attempt, "unconfirmed", error=exc.reason)
    except Exception as exc:  # our own bug or an unclassified error after the claim: it may have gone out
        log.exception("unexpected error while sending", extra={"target": target.id})
        return _finish(target, post, attempt, "unconfirmed", error=f"unexpected error: {type(exc).__name__}")
    return _finish(target, post, attempt, "published", external_id=sent.external_id, url=sent.url)


def _refused(target: TargetItem, post: PostItem, attempt: AttemptItem, exc, missed_after: int,
             now: datetime) -> str:
    """Nothing went out: back in the queue after the back-off (counted from the run's clock), or failed."""
    decision = rules.after_refusal(int(target.attempts), now, permanent=bool(getattr(exc, "permanent", False)),
                                   retry_after=getattr(exc, "retry_after", None),
                                   publish_at=parse_utc(target.window_start or target.publish_at),
                                   missed_after_minutes=missed_after)
    if decision.state is TargetState.failed:
        return _finish(target, post, attempt, "failed", error=exc.reason)
    retry_sk = repo.queue_sk(schedule.iso_utc(decision.retry_at), target.id)

    def build(tx):
        tx.update(target, [TargetItem.state.set("scheduled"), TargetItem.gsi2sk.set(retry_sk),
                           TargetItem.lease_until.remove(), TargetItem.last_error.set(exc.reason[:500]),
                           TargetItem.updated_at.set(iso(now))],
                  condition=(TargetItem.state == "publishing") & (TargetItem.gsi2sk == target.gsi2sk))
        tx.update(attempt, [AttemptItem.outcome.set("refused"), AttemptItem.error.set(exc.reason[:500]),
                            AttemptItem.finished_at.set(iso(now))], condition=AttemptItem.outcome == "sending")

    try:
        transact(JOB_ACTOR, Change(target.brand_id, "post", target.post_id, "publish:refused", None,
                                   {"channel": target.channel_id, "error": exc.reason, "retry_at": retry_sk[:20]},
                                   int(target.version)), build)
    except WriteConflict:
        log.warning("a refused target changed meanwhile", extra={"target": target.id})
    refresh_post_status(target.post_id)
    return "retry"


def _finish(target: TargetItem, post: PostItem, attempt: AttemptItem, state: str, *, error: str | None = None,
            external_id: str | None = None, url: str | None = None) -> str:
    now = utcnow()
    actions = [TargetItem.state.set(state), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove(),
               TargetItem.lease_until.remove(), TargetItem.updated_at.set(iso(now))]
    if state == "published":
        actions += [TargetItem.published_at.set(iso(now)), TargetItem.last_error.remove()]
        if external_id:
            actions.append(TargetItem.external_id.set(str(external_id)))
        if url:
            actions.append(TargetItem.url.set(url))
    if error:
        actions.append(TargetItem.last_error.set(error[:500]))
    attempt_actions = [AttemptItem.outcome.set(state), AttemptItem.finished_at.set(iso(now))]
    if error:
        attempt_actions.append(AttemptItem.error.set(error[:500]))

    # A one-channel post's status follows from this outcome alone: set it in the same transaction
    # (conditional on the post's revision as read before the claim), saving a read and a write.
    single = set(post.channel_ids or []) == {target.channel_id} and post.status in rules.PUBLICATION_STATUSES
    post_status = rules.derive_post_status([state]) if single else None
    fold = single and post_status != post.status

    def build(with_post: bool):
        def add(tx):
            tx.update(target, actions,
                      condition=(TargetItem.state == "publishing") & (TargetItem.gsi2sk == target.gsi2sk))
            tx.update(attempt, attempt_actions, condition=AttemptItem.outcome == "sending")
            if with_post:  # PynamoDB adds the condition on the post's revision
                tx.update(post, [PostItem.status.set(post_status), PostItem.updated_at.set(iso(now))])
        return add

    def change(with_post: bool) -> Change:
        return Change(target.brand_id, "post", target.post_id, f"publish:{state}",
                      {"status": post.status} if with_post else None,
                      {"channel": target.channel_id, "url": url, "error": error,
                       **({"status": post_status} if with_post else {})}, int(target.version))

    post_done, known_post = single, post
    try:
        transact(JOB_ACTOR, change(fold), build(fold))
    except WriteConflict as exc:
        if not fold or (exc.reasons and exc.reasons[0] == "ConditionalCheckFailed"):
            # the lease ran out meanwhile (a send took longer than the lease): say so loudly
            log.error("a target's outcome could not be recorded; it is unconfirmed",
                      extra={"target": target.id, "outcome": state})
            return "conflict"
        try:  # only the post changed since it was read: record the outcome alone, follow up the post
            transact(JOB_ACTOR, change(False), build(False))
        except WriteConflict:
            log.error("a target's outcome could not be recorded; it is unconfirmed",
                      extra={"target": target.id, "outcome": state})
            return "conflict"
        post_done, known_post = False, None  # read it again
    if not post_done:
        refresh_post_status(target.post_id, post=known_post, known={target.channel_id: state})
    if state in ("failed", "unconfirmed"):
        _alert(post, target, state, error or "")
    return state


def refresh_post_status(post_id: str, *, post: PostItem | None = None, known: dict[str, str] | None = None) -> None:
    """Set the post's status from its targets (optimistic on the post's revision). A caller that
    holds the post as read and the state of every one of its channels (a one-channel post it just
    published) passes them, which saves two reads; on a race it reads again."""
    for _ in range(20):
        if post is None:
            post = post_repo.get(post_id, consistent=True)
        if post is None or post.status not in rules.PUBLICATION_STATUSES:
            return
        if known is not None and set(known) == set(post.channel_ids or []):
            states = list(known.values())
        else:
            states = [t.state for t in repo.for_post(post_id)]
        derived = rules.derive_post_status(states)
        if derived is None or derived == post.status:
            return
        try:
            post_repo.save(JOB_ACTOR, post, {"status": derived, "updated_at": iso(utcnow())},
                           Change(post.brand_id, "post", post.id, "publish:status", {"status": post.status},
                                  {"status": derived}, int(post.version)))
            return
        except WriteConflict:
            post, known = None, None
            _time.sleep(0.01)
    log.warning("the post's status could not be brought in line with its targets; the next change will",
                extra={"post": post_id})


# --- telling people ------------------------------------------------------------------------------

def _recipients(post: PostItem) -> list:
    from chalicelib.db import users as user_repo
    from chalicelib.services.approval_tasks import managers

    people = {u.id: u for u in managers(post.brand_id)}
    assignees = list(post.assignee_ids or []) or [post.author_id]
    people.update(user_repo.batch_get(assignees))
    return list(people.values())


def _alert(post: PostItem, target: TargetItem, state: str, error: str) -> None:
    """failed, unconfirmed, missed: email (and Slack) the post's assignees and the brand's SMM managers."""
    from chalicelib.db import brands as brand_repo
    from chalicelib.services import approval_messages as messages

    try:
        brand = brand_repo.get(post.brand_id)
        channel = channel_repo.get(target.channel_id)
        params = {"title": post.title or "—", "channel": channel.name if channel else target.channel_id,
                  "error": error or "—"}
        lines = [(f"publish_notice.{state}", params), (f"publish_notice.{state}_what_now", {})]
        people = _recipients(post)
        for user in people:
            try:
                messages.send_notice_email(user, subject_key=f"email.publish_{state}.subject", lines=lines, post=post,
                                           brand=brand)
            except Exception:
                log.warning("publishing alert email failed", extra={"user": user.id, "target": target.id})
        from chalicelib.services import slack_approvals

        slack_approvals.deliver_notice(brand, people, lambda user: messages.notice_text(user, lines, post),
                                       already=set())
    except Exception:
        log.exception("publishing alert failed", extra={"target": target.id})


def _manual_task(post: PostItem, target: TargetItem) -> None:
    """A network without an adapter: the assignees get the text and media to publish by hand."""
    from chalicelib.db import brands as brand_repo
    from chalicelib.db import users as user_repo
    from chalicelib.services import approval_messages as messages

    try:
        brand = brand_repo.get(post.brand_id)
        outgoing = outgoing_for(target, post)
        assignees = user_repo.batch_get(list(post.assignee_ids or []) or [post.author_id])
        media = ", ".join(m.get("url", "") for m in outgoing.media) or "—"
        lines = [("publish_notice.manual", {"title": post.title or "—", "channel": outgoing.channel_name}),
                 ("publish_notice.manual_text", {"text": outgoing.text}),
                 ("publish_notice.manual_media", {"media": media}),
                 ("publish_notice.manual_what_now", {})]
        for user in assignees.values():
            messages.send_notice_email(user, subject_key="email.publish_manual.subject", lines=lines, post=post,
                                       brand=brand)
    except Exception:
        log.exception("manual publishing task could not be sent", extra={"target": target.id})


# --- people acting on targets --------------------------------------------------------------------

def _target_for(principal, target_id: str) -> tuple[TargetItem, PostItem]:
    target = repo.get(target_id)
    if target is None:
        raise NotFound("No such publication target.")
    post = post_repo.get(target.post_id, consistent=True)
    if post is None:
        raise NotFound("No such publication target.")
    principal.require(post.brand_id, Permission.edit_posts, what="publication target")
    return target, post


def list_targets(principal, post_id: str) -> tuple[PostItem, list[TargetItem], dict]:
    post = post_repo.get(post_id)
    if post is None:
        raise NotFound("No such post.")
    principal.require(post.brand_id, Permission.view_posts, what="post")
    attempts = defaultdict(list)
    for item in repo.attempts(post_id):
        attempts[item.sk.split("#")[1]].append(item)
    return post, repo.for_post(post_id), attempts


def _person_change(principal, target: TargetItem, actions: list, condition, action: str, after: dict) -> None:
    try:
        transact(principal.actor, Change(target.brand_id, "post", target.post_id, action,
                                         {"state": target.state}, {"channel": target.channel_id, **after},
                                         int(target.version)),
                 lambda tx: tx.update(target, actions, condition=condition))
    except WriteConflict:
        raise Conflict("The target changed meanwhile; reload and try again.") from None
    refresh_post_status(target.post_id)


def _requeue_actions(target: TargetItem, now: datetime) -> list:
    return [TargetItem.state.set("scheduled"), TargetItem.window_start.set(schedule.iso_utc(now)),
            TargetItem.gsi2pk.set(repo.QUEUE), TargetItem.gsi2sk.set(repo.queue_sk(schedule.iso_utc(now), target.id)),
            TargetItem.lease_until.remove(), TargetItem.updated_at.set(iso(now))]


def retry(principal, target_id: str) -> TargetItem:
    """Send a failed (or missed) target again now. Published targets are never re-sent."""
    target, post = _target_for(principal, target_id)
    if target.state not in (TargetState.failed.value, TargetState.missed.value):
        raise InvalidTransition(f"Only a failed or missed target can be retried; this one is {target.state}.",
                                state=target.state)
    if post.hold:
        raise InvalidTransition("The post is on hold; release it first.")
    _person_change(principal, target, _requeue_actions(target, utcnow()), TargetItem.state == target.state,
                   "publish:retry", {})
    return repo.get(target_id)


def resolve(principal, target_id: str, outcome: str, url: str | None) -> TargetItem:
    """An unconfirmed target: a person checked the network. "published" (with the link) closes it;
    "resend" sends it again now."""
    target, post = _target_for(principal, target_id)
    if target.state != TargetState.unconfirmed.value:
        raise InvalidTransition(f"Only an unconfirmed target can be resolved; this one is {target.state}.",
                                state=target.state)
    now = utcnow()
    if outcome == "published":
        actions = [TargetItem.state.set("published"), TargetItem.published_at.set(iso(now)),
                   TargetItem.resolved_by.set(principal.user_id), TargetItem.updated_at.set(iso(now))]
        if url:
            actions.append(TargetItem.url.set(url))
        _person_change(principal, target, actions, TargetItem.state == "unconfirmed", "publish:resolved",
                       {"outcome": "published", "url": url})
    else:
        if post.hold:
            raise InvalidTransition("The post is on hold; release it first.")
        _person_change(principal, target, _requeue_actions(target, now) + [TargetItem.resolved_by.set(principal.user_id)],
                       TargetItem.state == "unconfirmed", "publish:resend", {"outcome": "resend"})
    return repo.get(target_id)


def mark_published(principal, target_id: str, url: str) -> TargetItem:
    """A manual target (a network without an adapter) was published by hand at `url`."""
    target, _post = _target_for(principal, target_id)
    if not (target.manual and target.state == TargetState.publishing.value):
        raise InvalidTransition("Only a target waiting to be published by hand can be marked published "
                                f"(this one is {target.state}).", state=target.state)
    now = utcnow()
    _person_change(principal, target, [TargetItem.state.set("published"), TargetItem.url.set(url),
                                       TargetItem.published_at.set(iso(now)),
                                       TargetItem.resolved_by.set(principal.user_id),
                                       TargetItem.updated_at.set(iso(now))],
                   (TargetItem.state == "publishing") & (TargetItem.manual == True),  # noqa: E712
                   "publish:marked_published", {"url": url})
    return repo.get(target_id)
