"""Deals' job: `deal-deadlines` (every 15 minutes) reminds and escalates as a deal's deadlines come
due — the blogger's draft, the publication, the payments (deadlines.py says which and when) — and
moves a deliverable that missed its publish window to `late` (deliverable_service.move).

Tasks wait in the DUE#DEALS lease queue. A worker claims one before doing it (a conditional move of
its queue key to the lease's end: of two workers one wins), reloads the deal and the subject, and drops
the task when the subject left the statuses it expects or its deadline moved (the deal's steps planned
afresh no longer hold it); otherwise it sends, and finishing takes the task out of the queue with its
audit entry. A failed send backs off (5, 10, 20, 40 min) and gives up after 5 attempts; a worker that
dies mid-task leaves it due again when its lease ends (an email may then go twice — tasks keep no
per-recipient markers).

Emails to the team go through notifications/notices.py (and a Slack DM where the person's profile and
the brand allow), each in the person's language with times in their zone; the blogger's reminder is
draft_mail.py's. Light at import: the work is imported when the job runs.
"""
from __future__ import annotations

from chalicelib.core.jobs import Job, register
from chalicelib.core.lazy import lazy_import

deadlines = lazy_import("chalicelib.deals.deadlines")
deal_repo = lazy_import("chalicelib.deals.repo")

LAMBDA_BUDGET_SECONDS = 600  # the schedule Lambda gets 15 minutes; stop claiming well before
MAX_ATTEMPTS = 5
BATCH = 100
LEASE_MINUTES = 5
KEEP_DONE_DAYS = 90


def deal_deadlines() -> dict:
    return run(time_budget_seconds=LAMBDA_BUDGET_SECONDS)


DEAL_DEADLINES = register(Job("deal-deadlines", 15,
                              "Remind and escalate deal deadlines (drafts, publications, payments); mark late ones",
                              deal_deadlines))


# --- the queue ---------------------------------------------------------------------------------------

def _actor():
    from chalicelib.core.db.writes import Actor

    return Actor(None, "deal-deadlines", "job")


def claim(task, now) -> bool:
    from datetime import timedelta

    from chalicelib.deals.models import DealTaskItem

    tail = deal_repo.task_tail(task.deal_id, task.sk)
    return deal_repo.TASKS.claim(task, now + timedelta(minutes=LEASE_MINUTES), tail,
                                 actions=[DealTaskItem.attempts.add(1)],
                                 condition=DealTaskItem.state == "pending") is not None


def finish(task, state: str, outcome: str, now) -> None:
    """Done or dropped: out of the queue (if this worker still holds it), kept KEEP_DONE_DAYS as a record."""
    from datetime import timedelta

    from chalicelib.core.db.writes import Change, WriteConflict, transact
    from chalicelib.deals.models import DealTaskItem

    change = Change(task.brand_id, "deal", task.deal_id, f"deadline:{task.kind}:{task.step}", None,
                    {"subject": task.subject_id, "deadline": task.deadline, "outcome": outcome[:200]})

    def build(tx):
        tx.update(task, [DealTaskItem.state.set(state), DealTaskItem.outcome.set(outcome[:200]),
                         DealTaskItem.ttl.set(int((now + timedelta(days=KEEP_DONE_DAYS)).timestamp())),
                         *deal_repo.TASKS.dequeue()], condition=deal_repo.TASKS.held(task.gsi2sk))

    try:
        transact(_actor(), change, build)
    except WriteConflict:
        pass  # another worker took it over when our lease ran out; it finishes it


def _retry_later(task, now, error: str) -> str:
    from datetime import timedelta

    from pynamodb.exceptions import UpdateError

    from chalicelib.deals.models import DealTaskItem

    if int(task.attempts or 0) >= MAX_ATTEMPTS:
        finish(task, "done", f"gave up: {error}", now)
        return "gave_up"
    when = now + timedelta(minutes=5 * 2 ** (int(task.attempts or 1) - 1))
    try:
        task.update(actions=[*deal_repo.TASKS.move(when, deal_repo.task_tail(task.deal_id, task.sk)),
                             DealTaskItem.outcome.set(f"retrying: {error}"[:200])],
                    condition=deal_repo.TASKS.held(task.gsi2sk))
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    return "retry"


# --- who hears of it ------------------------------------------------------------------------------------

def _owner(deal) -> list:
    from chalicelib.deals import people

    return people.owner_or_managers(deal)


def _payers(deal, status: str) -> list:
    from chalicelib.brands.members import repo as member_repo
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.rules import GRANTS, Permission

    permissions = [Permission.pay_payments] + ([Permission.approve_payments] if status == "due" else [])
    roles = {role.value for p in permissions for role in GRANTS[p]}
    ids = member_repo.user_ids_with_roles(deal.brand_id, roles)
    found = user_repo.batch_get(ids)
    from chalicelib.deals import people

    return people.active([found.get(i) for i in ids])


def _note_sent(task, marker: str) -> None:
    """Remember who was told, in the task, so a retry after a partial failure tells nobody twice."""
    from chalicelib.deals.models import DealTaskItem

    task.update(actions=[DealTaskItem.sent.set(DealTaskItem.sent.append([marker]))],
                condition=deal_repo.TASKS.held(task.gsi2sk))


def _tell(task, users: list, brand, subject_key: str, lines_for, post=None) -> list[str]:
    """Email each person (and a Slack DM where allowed) their lines, skipping whoever this task told
    already (`task.sent`); the errors, if any."""
    import logging

    from chalicelib.notifications import notices

    errors = []
    done = set(task.sent or [])
    for user in users:
        if f"email:{user.id}" in done:
            continue
        try:
            if notices.email_notice(user, subject_key=subject_key, lines=lines_for(user), post=post, brand=brand):
                _note_sent(task, f"email:{user.id}")
        except Exception as exc:  # one bad address must not stop the others
            logging.getLogger(__name__).warning("deadline email failed", extra={"user": user.id})
            errors.append(f"email {user.id}: {type(exc).__name__}")
    try:
        for marker in notices.slack_notice(brand, users, lambda user: notices.notice_text(user, lines_for(user), post),
                                           already=done):
            _note_sent(task, marker)
    except Exception as exc:
        errors.append(f"slack: {type(exc).__name__}")
    return errors


def _local(instant, user, brand) -> str:
    from chalicelib.core import schedule
    from chalicelib.notifications import rules as preferences

    return schedule.local_label(instant, preferences.zone_of(user, getattr(brand, "timezone", None) or "UTC"))


# --- doing a task -------------------------------------------------------------------------------------

def _deliverable_task(task, deal, item, brand, now) -> tuple[list[str], str]:
    from chalicelib.content import repo as post_repo

    post = post_repo.get(item.post_id) if item.post_id else None
    facts = {"deal": deal.title, "account": f"{item.handle} ({item.platform})"}
    if task.kind == "draft_due" and task.step == "remind":
        from chalicelib.deals import draft_mail

        return [], "sent" if draft_mail.send_reminder(deal, item) else "no contact email"
    if task.kind == "draft_due":
        errors = _tell(task, _owner(deal), brand, "deal_deadlines.draft_overdue.subject",
                       lambda u: [("deal_deadlines.draft_overdue.line",
                                   {**facts, "due": _local(item.draft_due_at, u, brand)})], post)
        return errors, "sent"
    if task.step == "remind":
        errors = _tell(task, _owner(deal), brand, "deal_deadlines.publication_soon.subject",
                       lambda u: [("deal_deadlines.publication_soon.line",
                                   {**facts, "time": _local(item.publish_at, u, brand)})], post)
        return errors, "sent"
    from chalicelib.deals import deliverable_service

    if task.step == "miss":
        return _missed(task, deal, item, brand, facts, post)
    deliverable_service.move(_actor(), item.id, "late")
    errors = _tell(task, _owner(deal), brand, "deal_deadlines.late.subject",
                   lambda u: [("deal_deadlines.late.line", {**facts, "time": _local(item.publish_at, u, brand),
                                                           "until": _local(task.deadline, u, brand)})], post)
    if errors:  # the move is made: a retry would find it late and drop the task, so this is the one try
        return [], f"moved to late; notice failed: {'; '.join(errors)}"
    return [], "moved to late"


def _missed(task, deal, item, brand, facts: dict, post) -> tuple[list[str], str]:
    """Nothing published by the window's end and its grace: missed, and the no-show clause charged once."""
    from chalicelib.core.db.writes import Change
    from chalicelib.deals import deliverable_service, penalty_ops
    from chalicelib.deals.rules import penalties

    # the charge first, then the move: a retry after a failure between them finds the clause charged
    # already and makes the move (the other way round, a retry would find the subject moved on and drop it)
    terms = penalty_ops.terms_of(deal, item)
    outcome = "moved to missed"
    if terms.penalties.no_show == "full":
        fresh = deal_repo.get(deal.id, consistent=True)
        charges = penalty_ops.charge_ops(fresh, item, [penalties.no_show(penalty_ops.fee_share(fresh, item))],
                                         note="no publication by the end of the window and its grace", created_by=None)
        if charges.ops:
            deal_repo.commit(_actor(), Change(deal.brand_id, "deal", deal.id, "no_show", None,
                                              {"deliverable": item.id, "penalties": list(charges.charged)}),
                             charges.ops + [deal_repo.deliverable_still(item)], "The deal changed at the same time.")
            outcome += "; no_show charged"
    item = deliverable_service.move(_actor(), item.id, "missed", expect_version=item.version)
    errors = _tell(task, _owner(deal), brand, "deal_deadlines.missed.subject",
                   lambda u: [("deal_deadlines.missed.line", {**facts, "time": _local(item.publish_at, u, brand)})],
                   post)
    if errors:
        return [], f"{outcome}; notice failed: {'; '.join(errors)}"
    return [], outcome


def _payment_task(task, deal, record, brand) -> tuple[list[str], str]:
    from chalicelib.core.money import Money

    def facts(user) -> dict:
        from chalicelib.core import i18n

        amount = Money(int(record.amount_minor), record.currency).format(i18n.normalize(user.language))
        return {"deal": deal.title, "label": record.label, "amount": amount, "day": record.due_on}

    if task.step == "remind":
        return _tell(task, _payers(deal, record.status), brand, "deal_deadlines.payment_soon.subject",
                     lambda u: [("deal_deadlines.payment_soon.line", facts(u))]), "sent"
    return _tell(task, _owner(deal), brand, "deal_deadlines.payment_overdue.subject",
                 lambda u: [("deal_deadlines.payment_overdue.line", facts(u))]), "sent"


def _fire_date(deal, brand, now) -> list[str]:
    """The day of on_date payments has come (in the brand's zone): they fall due, in one write on the
    payments' versions; then the deal's reminders are planned."""
    from chalicelib.core import schedule
    from chalicelib.core.db.writes import Change
    from chalicelib.deals import payment_ops, service

    today = schedule.to_wall(now, getattr(brand, "timezone", None) or "UTC")[:10]
    from datetime import date

    ops = payment_ops.fire_ops(deal_repo.payments_of(deal), "date", date.fromisoformat(today))
    if ops:
        deal_repo.commit(_actor(), Change(deal.brand_id, "deal", deal.id, "payments_due", None, {"on": today}),
                         ops, "The payments changed at the same time.")
        service.after_commit(deal.id, "payments_due")
    return []


def process(task, now) -> str:
    """Do one claimed task; its outcome."""
    from chalicelib.brands import repo as brand_repo

    deal = deal_repo.get(task.deal_id, consistent=True)
    payment = task.kind in ("payment_due", "payment_date")
    subject = None
    if deal is not None:
        subject = (deal_repo.get_payment if payment else deal_repo.get_deliverable)(task.subject_id, consistent=True)
    if subject is None or subject.status not in (task.expect or ()):
        finish(task, "dropped", "the subject moved on", now)
        return "dropped"
    if task.sk not in {step.sk for step in deadlines.current_steps(deal)}:
        finish(task, "dropped", "the deadline moved", now)
        return "dropped"
    brand = brand_repo.get(deal.brand_id)
    if task.kind == "payment_date":
        errors, outcome = _fire_date(deal, brand, now), "fired"
    elif payment:
        errors, outcome = _payment_task(task, deal, subject, brand)
    else:
        errors, outcome = _deliverable_task(task, deal, subject, brand, now)
    if errors:
        return _retry_later(task, now, "; ".join(errors))
    finish(task, "done", outcome, now)
    if outcome.startswith("moved to missed"):
        return "missed"
    return "late" if outcome.startswith("moved to late") else "sent"


def run(now=None, *, time_budget_seconds: float = 600) -> dict:
    """Everything due, a page at a time, until the queue is empty or the time budget is spent."""
    import logging
    import time

    from chalicelib.core.clock import utcnow

    now = now or utcnow()
    summary: dict = {"sent": 0, "late": 0, "missed": 0, "dropped": 0, "retry": 0, "skipped": 0}
    stop_at = time.monotonic() + time_budget_seconds
    for page in deal_repo.TASKS.due(now, page_size=BATCH):
        for task in page:
            if time.monotonic() > stop_at:
                summary["stopped_early"] = True
                return summary
            claimed = False
            try:
                claimed = claim(task, now)
                if not claimed:
                    summary["skipped"] += 1
                    continue
                outcome = process(task, now)
            except Exception:  # stays claimed; comes back when the lease ends, MAX_ATTEMPTS times at most
                logging.getLogger(__name__).exception("deal deadline task failed", extra={"task": task.sk})
                outcome = "error"
                if claimed and int(task.attempts or 0) >= MAX_ATTEMPTS:
                    try:
                        finish(task, "done", "gave up after repeated errors", now)
                    except Exception:  # noqa: BLE001 - the lease ends and the next run tries again
                        pass
            summary[outcome] = summary.get(outcome, 0) + 1
    return summary
