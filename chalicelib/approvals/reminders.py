"""Approval follow-up work: ask approvers when a stage starts, remind them before the deadline,
escalate when it passes and apply the chain's on-miss policy. Run by the `approval-reminders` job
(every 15 minutes) and, for a post that just changed, right after the change (`deliver_now`).

Exactly-once-ish delivery without a Scan: the tasks wait in the DUE#TASKS lease queue
(approvals/repo.py on core/db/queue.py); a worker claims a task before doing it (of two workers, one
wins); after each recipient is served its marker ("email:<user>", "slack:<user>") is stored under
the same lease, so a retry after a crash or a failed send skips them; finishing takes the task out of
the queue with its audit entry. A task whose post moved on (new version, other stage, new deadline,
left review) is dropped.
"""
from __future__ import annotations

import logging
import time as _time
from datetime import datetime, timedelta

from chalicelib.approvals import followups, messages, rules
from chalicelib.approvals import repo as task_repo
from chalicelib.approvals.models import TaskItem
from chalicelib.approvals.repo import LostLease
from chalicelib.brands import repo as brand_repo
from chalicelib.brands.members import service as members
from chalicelib.brands.service import brand_settings
from chalicelib.content import repo as post_repo
from chalicelib.content.rules import workflow as wf
from chalicelib.core import schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.db.writes import Actor
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import notices

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 100
JOB_ACTOR = Actor(None, "approval-reminders", "job")


# --- doing a task --------------------------------------------------------------------------------

def _slack():
    from chalicelib.approvals.slack import service as slack_approvals

    return slack_approvals


def _finish(task: TaskItem, state: str, outcome: str, now: datetime) -> None:
    task_repo.finish(JOB_ACTOR, task, state, outcome, now)


def _retry_later(task: TaskItem, now: datetime, error: str) -> None:
    """A send failed: back off (5, 10, 20, 40 min) or give up after MAX_ATTEMPTS."""
    if int(task.attempts or 0) >= MAX_ATTEMPTS:
        _finish(task, "done", f"gave up: {error}", now)
        return
    task_repo.retry_at(task, now + timedelta(minutes=5 * 2 ** (int(task.attempts or 1) - 1)), error)


def _waiting_users(post, state: wf.PostState, brand) -> list:
    voted = {v.user_id for v in state.votes if v.stage == state.stage_index}
    authors_may = bool(brand_settings(brand).get("authors_may_approve"))
    ids = [u for u in sorted(state.current_stage.approvers)
           if u not in voted and (authors_may or u not in state.authors)]
    users = user_repo.batch_get(ids)
    return [users[u] for u in ids if u in users and users[u].status == "active"]


def _serve(task: TaskItem, users: list, send_email, slack_send) -> list[str]:
    """Email each user (skipping markers already sent), then Slack; returns errors."""
    errors = []
    for user in users:
        marker = f"email:{user.id}"
        if marker in (task.sent or []):
            continue
        try:
            if send_email(user):
                task_repo.mark_sent(task, marker)
        except LostLease:
            raise
        except Exception as exc:  # one bad address must not stop the others
            log.warning("follow-up email failed", extra={"task": task.sk, "user": user.id, "error": type(exc).__name__})
            errors.append(f"email {user.id}: {type(exc).__name__}")
    try:
        for marker in sorted(slack_send(users, set(task.sent or [])) or ()):
            if marker not in (task.sent or []):
                task_repo.mark_sent(task, marker)
    except LostLease:
        raise
    except Exception as exc:
        log.warning("follow-up Slack delivery failed", extra={"task": task.sk, "error": type(exc).__name__})
        errors.append(f"slack: {type(exc).__name__}")
    return errors


def _ask(task: TaskItem, post, brand, now: datetime) -> list[str]:
    state = post_repo.state_of(post)
    deadline = parse_utc(task.deadline)
    users = _waiting_users(post, state, brand)
    kind = "ask" if task.kind == "ask" else "remind"
    return _serve(
        task, users,
        lambda user: messages.send_request_email(post, brand, user, kind=kind, stage_index=state.stage_index,
                                                 deadline=deadline, now=now),
        lambda users, already: _slack().deliver_request(post, brand, users, kind=kind, stage_index=state.stage_index,
                                                        deadline=deadline, already=already))


def _escalate(task: TaskItem, post, brand, now: datetime) -> list[str]:
    state = post_repo.state_of(post)
    approval = post_repo.approval_of(post)
    policy = approval.get("on_miss") or "notify"
    waiting = _waiting_users(post, state, brand)
    lines_extra: list[tuple[str, dict]] = []
    author_line: tuple[str, dict] | None = None
    subject = "email.approval_overdue.subject"
    if "policy" not in (task.sent or []):
        if policy == "next_slot":
            moved = _move_to_next_slot(post, brand, state, now)
            if moved is not None:
                zone = post.timezone or brand.timezone
                fresh = post_repo.get(post.id, consistent=True)
                new_deadline = post_repo.approval_of(fresh).get("deadline") if fresh else None
                lines_extra.append(("approval_notice.moved", {"time": schedule.local_label(moved, zone),
                                                             "deadline": schedule.local_label(new_deadline, zone)}))
                author_line = ("approval_notice.author_moved", {"time": schedule.local_label(moved, zone)})
                subject = "email.approval_moved.subject"
            else:
                policy = "hold"
                lines_extra.append(("approval_notice.no_slot", {}))
        if policy == "hold":
            _hold(post)
            lines_extra.append(("approval_notice.held", {}))
            author_line = author_line or ("approval_notice.author_held", {})
            subject = "email.approval_held.subject"
        if policy == "notify":
            lines_extra.append(("approval_notice.notify_only", {}))
        task_repo.mark_sent(task, "policy")
    zone_of = lambda user: user.timezone or brand.timezone  # noqa: E731
    stage_name = state.current_stage.name if state.current_stage else ""
    names = ", ".join(u.name for u in waiting) or "—"

    def lines_for(user) -> list[tuple[str, dict]]:
        return [("approval_notice.overdue", {"title": post.title or "—", "brand": brand.name, "stage": stage_name,
                                            "deadline": schedule.local_label(task.deadline, zone_of(user))}),
                ("approval_notice.waiting_for", {"names": names}), *lines_extra]

    errors = _serve(task, members.managers(post.brand_id),
                    lambda user: notices.email_notice(user, subject_key=subject, lines=lines_for(user),
                                                            post=post, brand=brand),
                    lambda users, already: notices.slack_notice(
                        brand, users, lambda user: notices.notice_text(user, lines_for(user), post), already=already))
    if author_line is not None:
        author = user_repo.get(post.author_id)
        if author is not None and f"email:{author.id}" not in (task.sent or []):
            key, params = author_line
            params = {"title": post.title or "—", "brand": brand.name, **params}
            errors += _serve(task, [author],
                             lambda user: notices.email_notice(user, subject_key=subject, lines=[(key, params)],
                                                                     post=post, brand=brand),
                             lambda users, already: notices.slack_notice(
                                 brand, users, lambda user: notices.notice_text(user, [(key, params)], post),
                                 already=already))
    return errors


def _system():
    from chalicelib.identity.principal import Principal

    return Principal(user_id="system", email="approval-reminders", name="Greenlight", language="en", is_admin=True,
                     via="job")


def _hold(post) -> None:
    from chalicelib.content import service as posts

    if not post.hold:
        posts.set_hold(_system(), post.id, True)


def _move_to_next_slot(post, brand, state: wf.PostState, now: datetime):
    """Move the publish time to the next free slot of the post's channels; the new UTC instant or None."""
    from chalicelib.content import service as posts
    from chalicelib.content.schemas import PostPatch

    zone = post.timezone or brand.timezone
    lead = timedelta(hours=state.current_stage.lead_hours if state.current_stage else 0)
    earliest = max(now + lead + timedelta(hours=1), parse_utc(post.publish_at) or now)
    busy: dict[datetime, set[str]] = {}
    start, end = iso(earliest - timedelta(hours=1)), iso(earliest + rules.HORIZON + timedelta(hours=1))
    for other in drain(lambda cursor: post_repo.list_calendar(post.brand_id, start, end, cursor, 100)):
        if other.id != post.id and other.publish_at and other.status != wf.Status.archived.value:
            busy.setdefault(rules.hour_of(parse_utc(other.publish_at)), set()).update(other.channel_ids or [])
    slot = rules.next_free_slot(earliest, zone, set(post.channel_ids or []), busy)
    if slot is None:
        return None
    posts.update(_system(), post.id, PostPatch(publish_at=schedule.to_wall(slot, zone), timezone=zone),
                 int(post.version))
    return slot


def _superseded(task: TaskItem, now: datetime) -> bool:
    """After downtime several reminders may be due at once: only the latest one goes out."""
    from chalicelib.core.settings import get_settings

    deadline = parse_utc(task.deadline)
    if deadline is None:
        return False
    later = [h for h in get_settings().reminder_offsets if h < int(task.offset_hours or 0)]
    return now >= deadline or any(now >= deadline - timedelta(hours=h) for h in later)


def process(task: TaskItem, now: datetime) -> str:
    """Do one claimed task; returns its outcome."""
    post = post_repo.get(task.post_id, consistent=True)
    resumed_escalation = task.kind == "escalate" and "policy" in (task.sent or [])
    if not resumed_escalation and not followups.is_live(task, post):
        _finish(task, "dropped", "the post moved on", now)
        return "dropped"
    if post is None:
        _finish(task, "dropped", "the post is gone", now)
        return "dropped"
    if task.kind == "remind" and _superseded(task, now):
        _finish(task, "dropped", "a later reminder or the escalation is due as well", now)
        return "dropped"
    brand = brand_repo.get(post.brand_id)
    errors = _escalate(task, post, brand, now) if task.kind == "escalate" else _ask(task, post, brand, now)
    if errors:
        _retry_later(task, now, "; ".join(errors))
        return "retry"
    _finish(task, "done", "sent", now)
    return "sent"


def _run(tasks: list[TaskItem], now: datetime, summary: dict, stop_at: float | None) -> None:
    for task in tasks:
        if stop_at is not None and _time.monotonic() > stop_at:
            summary["stopped_early"] = True
            return
        try:
            claimed = task_repo.claim(task, now)
        except Exception:  # throttled or unreachable: the task stays due, the next run takes it
            log.warning("could not claim a follow-up task; left for the next run", extra={"task": task.sk})
            summary["error"] = summary.get("error", 0) + 1
            continue
        if not claimed:
            summary["skipped"] += 1
            continue
        try:
            outcome = process(task, now)
        except LostLease:
            summary["skipped"] += 1
            continue
        except Exception:
            log.exception("follow-up task failed", extra={"task": task.sk, "post": task.post_id})
            outcome = "error"  # stays claimed; comes back when the lease expires
        summary[outcome] = summary.get(outcome, 0) + 1


def run(now: datetime | None = None, *, time_budget_seconds: float = 600) -> dict:
    """The job: everything due, in batches, until the queue is empty or the time budget is spent."""
    now = now or utcnow()
    summary: dict = {"sent": 0, "dropped": 0, "retry": 0, "skipped": 0}
    stop_at = _time.monotonic() + time_budget_seconds
    for page in task_repo.TASKS.due(now, page_size=BATCH):
        if _time.monotonic() >= stop_at:
            break
        _run(page, now, summary, stop_at)
    return summary


def deliver_now(post_id: str, now: datetime | None = None) -> None:
    """Right after a change to a post: send what became due (the ask of a new stage). Never raises —
    the job picks up whatever this did not finish."""
    try:
        now = now or utcnow()
        _run(task_repo.pending_for_post(post_id, now), now, {"sent": 0, "dropped": 0, "retry": 0, "skipped": 0}, None)
    except Exception:
        log.exception("immediate follow-up delivery failed; the job will retry", extra={"post": post_id})
