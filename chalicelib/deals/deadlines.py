"""A deal's deadlines as follow-up tasks in the DUE#DEALS lease queue (repo.TASKS, core/db/queue.py),
planned again after every committed change of the deal or a deliverable (service.after_commit) and
done by the `deal-deadlines` job (jobs.py).

  kind              subject       applies while                                  steps
  draft_due         deliverable   creative_requested / changes_requested,        remind the blogger 24 h before
                                  with draft_due_at                              draft_due_at; tell the owner at it
  publication_due   deliverable   the deal signed / in progress, the             remind the owner 24 h before
                                  deliverable not live yet                       publish_at; at publish_at + the
                                                                                 publish window after (merged
                                                                                 terms, default 60 min) → `late`,
                                                                                 and the owner is told;
                                                                                 with no live URL by that
                                                                                 + MISSED_GRACE (24 h) →
                                                                                 `missed`, the no-show clause
                                                                                 charged, the owner told (with
                                                                                 a URL the placement checks'
                                                                                 window_end check decides)
  payment_date      payment       planned, on_date, its day has come             make it due (rules/payments.fire "date")
  payment_due       payment       due / approved with a due day                  remind who approves and pays
                                                                                 (approve_payments, pay_payments)
                                                                                 2 days before at 10:00 in the
                                                                                 brand's zone; tell the owner at
                                                                                 10:00 on the due day
  approval due      —             nothing here: the draft post's approval stages have their deadline
                                  (the post's internal due date) and the approval chain reminds and
                                  escalates approvers itself (approvals/followups.py)

A task's key is deterministic: TASK#<kind>#<subject id>#<deadline>#<step> under DEAL#<deal id>, put
on the condition that it does not exist — so planning again never doubles a task nor revives one
that is done or dropped. A deadline that moves makes new keys; the old task stays and is dropped when
it comes due, because the job plans the deal's steps afresh and keeps only a task that is still
among them (`current_steps`) with its subject still in one of the statuses it `expect`s. A reminder
whose time has passed when it is planned is left out (the later step still comes); a late step
already past is due at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.put_unique import put_if_absent
from chalicelib.deals import repo, stored
from chalicelib.deals.models import DealItem, DealTaskItem
from chalicelib.deals.rules import terms as terms_rules

log = logging.getLogger(__name__)
DRAFT_REMIND = timedelta(hours=24)
PUBLICATION_REMIND = timedelta(hours=24)
MISSED_GRACE = timedelta(hours=24)  # after the window's end: nothing by then is a no-show (missed)
DEFAULT_WINDOW_AFTER_MINUTES = 60
PAYMENT_REMIND_DAYS = 2
PAYMENT_HOUR = "10:00"  # local, brand's zone
DRAFT_WAITING = ("creative_requested", "changes_requested")
PUBLICATION_DEALS = ("signed", "in_progress")
NOT_LIVE = ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved", "scheduled")
PAYMENT_OPEN = ("due", "approved")


@dataclass(frozen=True)
class Step:
    kind: str  # draft_due | publication_due | payment_due | payment_date
    subject_id: str
    deadline: str  # a UTC instant (core/clock.iso) or, for payments, the due day
    step: str  # remind | escalate
    due: datetime
    expect: tuple[str, ...]

    @property
    def sk(self) -> str:
        return f"TASK#{self.kind}#{self.subject_id}#{self.deadline}#{self.step}"


# --- what a deal's deadlines are (pure) ----------------------------------------------------------------

def window_after(deal: DealItem, item) -> int:
    overrides = stored.terms_from_map(item.overrides) if item.overrides else None
    minutes = terms_rules.merged(stored.terms_from_map(deal.terms), overrides).publish_window_after_minutes
    return DEFAULT_WINDOW_AFTER_MINUTES if minutes is None else int(minutes)


def _draft_steps(item) -> list[Step]:
    due = parse_utc(item.draft_due_at)
    if item.status not in DRAFT_WAITING or due is None:
        return []
    deadline = iso(due)
    return [Step("draft_due", item.id, deadline, "remind", due - DRAFT_REMIND, DRAFT_WAITING),
            Step("draft_due", item.id, deadline, "escalate", due, DRAFT_WAITING)]


def _publication_steps(deal: DealItem, item) -> list[Step]:
    publish = parse_utc(item.publish_at)
    if deal.status not in PUBLICATION_DEALS or item.status not in (*NOT_LIVE, "late") or publish is None:
        return []
    late = publish + timedelta(minutes=window_after(deal, item))
    steps = []
    if item.status in NOT_LIVE:
        steps = [Step("publication_due", item.id, iso(publish), "remind", publish - PUBLICATION_REMIND, NOT_LIVE),
                 Step("publication_due", item.id, iso(late), "escalate", late, NOT_LIVE)]
    if not item.url:  # with a URL, the placement checks decide (their window_end check)
        missed = late + MISSED_GRACE
        steps.append(Step("publication_due", item.id, iso(missed), "miss", missed, (*NOT_LIVE, "late")))
    return steps


def _at(day: date, zone: str) -> datetime:
    from chalicelib.core import schedule

    return schedule.resolve(f"{day.isoformat()}T{PAYMENT_HOUR}", zone).utc


def _payment_steps(record, zone: str) -> list[Step]:
    if record.status not in PAYMENT_OPEN or not record.due_on:
        return []
    day = date.fromisoformat(record.due_on)
    return [Step("payment_due", record.id, record.due_on, "remind", _at(day - timedelta(days=PAYMENT_REMIND_DAYS), zone),
                 PAYMENT_OPEN),
            Step("payment_due", record.id, record.due_on, "escalate", _at(day, zone), PAYMENT_OPEN)]


DATE_WAITING = ("planned", "on_hold")


def _date_steps(record, zone: str) -> list[Step]:
    """An on_date payment falls due on its day (00:00 in the brand's zone): the job fires it then."""
    waiting = record.status == "planned" or (record.status == "on_hold" and record.held_from == "planned")
    if record.trigger != "on_date" or not record.date or not waiting:
        return []
    from chalicelib.core import schedule

    start = schedule.resolve(f"{record.date}T00:00", zone).utc
    return [Step("payment_date", record.id, record.date, "fire", start, DATE_WAITING)]


def steps_for(deal: DealItem, deliverables: list, payments: list, zone: str) -> list[Step]:
    """Every deadline step of the deal as it is now, past or not."""
    steps: list[Step] = []
    for item in deliverables:
        steps += _draft_steps(item) + _publication_steps(deal, item)
    for record in payments:
        steps += _payment_steps(record, zone) + _date_steps(record, zone)
    return steps


def worth_planning(step: Step, now: datetime) -> bool:
    return step.step != "remind" or step.due > now


# --- reading and writing -------------------------------------------------------------------------------

def _zone(deal: DealItem) -> str:
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(deal.brand_id)
    return getattr(brand, "timezone", None) or "UTC"


def current_steps(deal: DealItem) -> list[Step]:
    """The deal's steps now (its deliverables and payments read consistently)."""
    return steps_for(deal, repo.deliverables_of(deal), repo.payments_of(deal), _zone(deal))


def tasks_of(deal_id: str) -> list[DealTaskItem]:
    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    return list(DealTaskItem.query(repo.deal_key(deal_id)[0], DealTaskItem.sk.startswith("TASK#"),
                                   consistent_read=True))


def _task(deal: DealItem, step: Step, now: datetime) -> DealTaskItem:
    return DealTaskItem(repo.deal_key(deal.id)[0], step.sk, gsi2pk=repo.TASKS.name,
                        gsi2sk=repo.TASKS.key(step.due, repo.task_tail(deal.id, step.sk)), deal_id=deal.id,
                        brand_id=deal.brand_id, kind=step.kind, step=step.step, subject_id=step.subject_id,
                        expect=list(step.expect), due_at=iso(step.due), deadline=step.deadline, state="pending",
                        attempts=0, created_at=iso(now))


def plan_deal(deal_id: str, action: str | None = None, *, now: datetime | None = None) -> int:
    """Write the deal's missing deadline tasks; how many were new. Idempotent. `action` (the deal's
    move, when there was one) changes nothing today: a cancelled or completed deal's tasks find
    their subjects moved on and are dropped when they come due."""
    now = now or utcnow()
    deal = repo.get(deal_id, consistent=True)
    if deal is None:
        return 0
    wanted = [s for s in current_steps(deal) if worth_planning(s, now)]
    if not wanted:
        return 0
    existing = {task.sk for task in tasks_of(deal_id)}
    written = 0
    for step in wanted:
        if step.sk not in existing and put_if_absent(_task(deal, step, now)):
            written += 1
    if written:
        log.info("deal deadlines planned", extra={"deal": deal_id, "new_tasks": written, "action": action})
    return written
