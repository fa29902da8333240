"""Payments to influencers: approve, pay, hold, release and cancel one; penalty and refund lines
(adjustments) on a deal; a brand's payments at a glance.

Who may (identity/rules.py; admins everything):
  see          view_deals (managers, content managers, finance)
  approve      approve_payments (SMM managers): the work is accepted, the money may go
  pay          pay_payments (finance): records that the money went, with the day and the bank's reference
  hold/release manage_deals or approve_payments. A person's hold is always `manual`, and a person releases
               only `manual` holds. The system's holds are released where they came from: a `dispute` hold
               when the deal's dispute is resolved (service.act "resolve"), a `check_failed` hold when the
               placement passes its check — or by an administrator who overrides a check that misfired
               (audited like every release).
  cancel       manage_deals
  adjust       manage_deals (penalties worked out by the contract's clauses; a manual refund or bonus line)

Four eyes on real money: whoever approved a payment may not also record paying it (403 `same_person`),
unless they are an administrator. Approve and pay are refused while the deal is cancelled or closed.

Every move is one conditional write on the payment's version (two people at once: one wins, the other
gets 409), with a condition that the deal is not cancelled or closed, and the audit entry — all or
nothing (repo.commit). The rules' refusals (rules/payments.py) are 409s with the rule's sentence.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money, MoneyError
from chalicelib.core.plain import plain
from chalicelib.deals import payment_ops, repo, service, stored
from chalicelib.deals.models import AdjustmentRecord, DealItem, PaymentRecord
from chalicelib.deals.rules import payments as rules
from chalicelib.deals.rules import penalties
from chalicelib.deals.rules import terms as terms_rules
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

DUTIES = {
    "approve": (Permission.approve_payments,),
    "pay": (Permission.pay_payments,),
    "hold": (Permission.manage_deals, Permission.approve_payments),
    "release": (Permission.manage_deals, Permission.approve_payments),
    "cancel": (Permission.manage_deals,),
}
PERSON_HOLD = "manual"
SHUT = ("cancelled", "closed")  # deal statuses in which no payment is approved, paid or adjusted
OPEN_DEAL = ("draft", "sent", "signed", "in_progress", "completed", "disputed")
CHANGED = "The payment or its deal changed at the same time; load it again."
BUCKET_LIMIT = 1000  # payments of one status listed at once (a brand's week or month is far below)


class SamePerson(Forbidden):
    """The four-eyes rule: the approver of a payment does not also record paying it."""

    code = "same_person"


# --- who may -----------------------------------------------------------------------------------------

def payment(principal: Principal, payment_id: str, *, consistent: bool = False) -> PaymentRecord:
    record = repo.get_payment(payment_id, consistent=consistent)
    if record is None:
        raise NotFound("No such payment.")
    principal.require(record.brand_id, Permission.view_deals, what="payment")
    return record


def may(principal: Principal, brand_id: str, action: str) -> bool:
    """The permission for `action` (not whether the payment's status allows it: see `actions_for`)."""
    return any(principal.can(brand_id, p) for p in DUTIES.get(action, ()))


def same_person(principal: Principal, record: PaymentRecord) -> bool:
    return not principal.is_admin and bool(record.approved_by) and record.approved_by == principal.user_id


def releasable(principal: Principal, record: PaymentRecord) -> list[str]:
    """The holds of the payment this person may release by hand."""
    holds = list(record.holds or [])
    return [h for h in holds if h == PERSON_HOLD or (h == "check_failed" and principal.is_admin)]


def actions_for(principal: Principal, record: PaymentRecord, deal_status: str | None = None) -> list[str]:
    """The buttons this person gets for the payment now: what its status allows, their permissions allow,
    the four-eyes rule allows and (approve, pay) the deal's status allows."""
    out = []
    for action in rules.actions(payment_ops.as_rule(record)):
        if not may(principal, record.brand_id, action):
            continue
        if action in ("approve", "pay") and deal_status in SHUT:
            continue
        if action == "pay" and same_person(principal, record):
            continue
        if action == "hold" and PERSON_HOLD in (record.holds or []):
            continue
        if action == "release" and not releasable(principal, record):
            continue
        out.append(action)
    return out


def _require(principal: Principal, brand_id: str, action: str) -> None:
    """After `payment` (outsiders got 404 there): members without the permission get 403."""
    if not may(principal, brand_id, action):
        raise Forbidden("Your role in this brand does not allow this.")


# --- a deal's payments -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DealPayments:
    deal: DealItem
    records: list[PaymentRecord]
    adjustments: list[AdjustmentRecord]
    summary: dict[str, Money]


def as_line(record: AdjustmentRecord) -> penalties.Adjustment:
    return penalties.Adjustment(record.rule, plain(record.inputs) or {}, Money(int(record.amount_minor),
                                                                                record.currency))


def summary_of(deal: DealItem, records: list[PaymentRecord], adjustments: list[AdjustmentRecord]) -> dict:
    return rules.summary([payment_ops.as_rule(r) for r in records], [as_line(a) for a in adjustments],
                         currency=deal.currency)


def of_deal(principal: Principal, deal_id: str) -> DealPayments:
    deal = service.get(principal, deal_id, consistent=True)
    records = repo.payments_of(deal)
    adjustments = sorted(repo.adjustments_of(deal.id), key=lambda a: (a.created_at, a.id))
    return DealPayments(deal, records, adjustments, summary_of(deal, records, adjustments))


def recomputed(record: AdjustmentRecord) -> tuple[Money | None, str | None]:
    """The line's amount worked out again from its inputs alone (and why not, when it cannot be)."""
    line = as_line(record)
    try:
        if line.rule == "manual":
            given = line.inputs["amount"]
            return Money.parse(given["amount"], given["currency"]), None
        fee = line.inputs["fee"]
        return penalties.recompute(line, Money.parse(fee["amount"], fee["currency"])), None
    except (penalties.PenaltyRuleError, MoneyError) as exc:
        return None, str(exc)
    except (KeyError, TypeError):
        return None, "The adjustment's inputs are incomplete."


# --- moving a payment --------------------------------------------------------------------------------

def deal_open(deal: DealItem, *, allow_cancelled: bool = False) -> repo.Op:
    """A condition check: the deal is not cancelled or closed (its version may move: adding a deliverable
    or a publication does not stop a payment)."""
    statuses = (*OPEN_DEAL, "cancelled") if allow_cancelled else OPEN_DEAL
    return lambda tx: tx.condition_check(DealItem, deal.pk, deal.sk, condition=DealItem.status.is_in(*statuses))


def _hold_refusal(record: PaymentRecord, hold: str) -> str:
    holds = list(record.holds or [])
    if record.status != "on_hold":
        return "This payment is not on hold."
    if "dispute" in holds and hold != "dispute":
        return "This payment is held while the deal's dispute is open: resolving the dispute releases it."
    if "check_failed" in holds:
        return ("This payment is held because a placement check failed: it is released when the placement passes "
                "its check, or by an administrator.")
    return f"This payment is not on hold for {hold}; it is on hold for {', '.join(holds)}."


def _released(principal: Principal, record: PaymentRecord, hold: str) -> None:
    if hold == "check_failed" and not principal.is_admin:
        raise Forbidden("Only an administrator can release the hold of a failed placement check.")
    if hold not in (PERSON_HOLD, "check_failed"):
        raise Conflict("A dispute's hold is released by resolving the dispute.")
    if hold not in (record.holds or []):
        raise Conflict(_hold_refusal(record, hold))


def act(principal: Principal, payment_id: str, action: str, *, reason: str | None = None,
        paid_on: dt.date | None = None, reference: str | None = None, hold: str = PERSON_HOLD,
        version: int | None = None) -> PaymentRecord:
    """approve, pay (paid_on, reference), hold (reason: words for the audit), release (`hold`: which one),
    cancel. Returns the payment as written."""
    if action not in DUTIES:
        raise NotFound("No such action.")
    record = payment(principal, payment_id, consistent=True)
    _require(principal, record.brand_id, action)
    if version is not None and version != record.version:
        raise Conflict("The payment changed since you loaded it; load it again.")
    deal = repo.get(record.deal_id, consistent=True)
    if deal is None:
        raise NotFound("No such payment.")
    if deal.status in SHUT:
        raise Conflict(f"The deal is {deal.status}: its payments cannot change any more.")
    if action == "pay":
        if same_person(principal, record):
            raise SamePerson("You approved this payment, so someone else records paying it: two people for real "
                             "money.")
        if paid_on is not None and paid_on > brand_today(deal.brand_id) + dt.timedelta(days=1):
            raise ValidationFailed("The day paid cannot be in the future.",
                                   details=[{"field": "paid_on", "message": "The day paid cannot be in the future."}])
    if action == "release":
        _released(principal, record, hold)
    rule_reason = hold if action == "release" else PERSON_HOLD if action == "hold" else None
    try:
        item = rules.move(payment_ops.as_rule(record), action, reason=rule_reason, paid_on=paid_on,
                          reference=reference)
    except rules.PaymentRuleError as exc:
        raise Conflict(str(exc)) from None
    extra = {"approved_by": principal.user_id} if action == "approve" else \
        {"paid_by": principal.user_id} if action == "pay" else {}
    values = payment_ops.record_values(item)
    after = {"status": item.status, "holds": values["holds"], **extra}
    if action == "pay":
        after.update(paid_on=values["paid_on"], reference=values["reference"])
    if action in ("hold", "release"):
        after["hold"] = rule_reason
        if reason:
            after["reason"] = reason.strip()
    change = Change(record.brand_id, "payment", record.id, action,
                    {"status": record.status, "holds": list(record.holds or [])}, after, record.version + 1)
    repo.commit(principal.actor, change, [payment_ops.moved_op(record, item, extra), deal_open(deal)], CHANGED)
    service.after_commit(deal.id, f"payment_{action}")
    return repo.get_payment(record.id, consistent=True)


# --- adjustments -------------------------------------------------------------------------------------

def _bad(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field_name, "message": message}])


def _penalty(deal: DealItem, data) -> tuple[penalties.Adjustment, str]:
    item = repo.get_deliverable(data.deliverable_id, consistent=True)
    if item is None or item.deal_id != deal.id:
        raise _bad("deliverable_id", "No such deliverable on this deal.")
    if item.status == "cancelled":
        raise _bad("deliverable_id", "The deliverable is cancelled: no penalty applies to it.")
    terms = terms_rules.merged(stored.terms_from_map(deal.terms),
                               stored.terms_from_map(item.overrides) if item.overrides else None)
    agreed = terms.penalties
    live = [d.id for d in repo.deliverables_of(deal) if d.status != "cancelled"]
    fee = payment_ops.deliverable_fee(deal, live, item.id)
    rule = data.rule.value
    if rule == "late":
        if agreed.late_pct_per_hour is None:
            raise _bad("rule", "The contract sets no penalty for lateness.")
        cap = agreed.late_cap_pct if agreed.late_cap_pct is not None else penalties.HUNDRED
        return penalties.late(fee, data.minutes_late, agreed.late_pct_per_hour, cap), item.id
    if rule == "missing_elements":
        if agreed.missing_element_pct is None:
            raise _bad("rule", "The contract sets no penalty for missing elements.")
        required = len(terms_rules.required_elements(terms))
        if data.count > required:
            raise _bad("count", f"The contract requires {required} element(s); no more can be missing.")
        return penalties.missing_elements(fee, data.count, agreed.missing_element_pct), item.id
    if rule == "early_deletion":
        if agreed.early_deletion is None or not terms.min_live_hours:
            raise _bad("rule", "The contract sets no time the post must stay up, or no refund for deleting it early.")
        return penalties.early_deletion(fee, agreed.early_deletion, data.live_hours, terms.min_live_hours), item.id
    if agreed.no_show is None:  # no_show
        raise _bad("rule", "The contract sets no refund for a placement that never appeared.")
    return penalties.no_show(fee), item.id


def _manual(deal: DealItem, data) -> penalties.Adjustment:
    amount = data.amount.money()
    if amount.currency != deal.currency:
        raise _bad("amount.currency", f"An adjustment is in the deal's currency, {deal.currency}.")
    if amount.minor == 0:
        raise _bad("amount.amount", "An adjustment of nothing changes nothing; give an amount.")
    return penalties.Adjustment("manual", {"amount": amount.to_wire()}, amount)


def add_adjustment(principal: Principal, deal_id: str, data) -> AdjustmentRecord:
    """A signed line on the deal: a penalty worked out by its clause on the deliverable's share of the fee,
    or a manual refund or bonus. Only on a deal that was signed and is not cancelled or closed."""
    deal = service.managed(principal, deal_id)
    records = repo.payments_of(deal) if deal.payment_ids else []
    refund_after_cancel = deal.status == "cancelled" and any(r.status == "paid" for r in records)
    if (deal.status in SHUT and not refund_after_cancel) or not deal.payment_ids:
        raise Conflict("Adjustments are made on a signed deal that is not closed (a cancelled one only to record "
                       "money paid that comes back).")
    deliverable_id = None
    try:
        if data.rule.value == "manual":
            line = _manual(deal, data)
        else:
            line, deliverable_id = _penalty(deal, data)
    except (penalties.PenaltyRuleError, MoneyError) as exc:
        raise _bad("rule", str(exc)) from None
    adjustment_id = new_id()
    # a penalty is charged once per deliverable and clause (its key says so: a double click cannot charge
    # twice), and a deliverable's penalties together never take more than its share of the fee
    sk = repo.adjustment_sk(adjustment_id if line.rule == "manual" else f"{deliverable_id}#{line.rule}")
    if line.rule != "manual":
        _check_cap(deal, deliverable_id, line)
    record = AdjustmentRecord(repo.deal_key(deal.id)[0], sk, id=adjustment_id,
                              deal_id=deal.id, brand_id=deal.brand_id, deliverable_id=deliverable_id, rule=line.rule,
                              inputs=line.inputs, currency=line.amount.currency, amount_minor=line.amount.minor,
                              note=(data.note or "").strip() or None, created_by=principal.user_id,
                              created_at=iso(utcnow()))
    after = {"adjustment_id": adjustment_id, "rule": line.rule, "amount": line.amount.to_wire(),
             "deliverable_id": deliverable_id, "note": record.note}
    repo.commit(principal.actor, Change(deal.brand_id, "deal", deal.id, "adjust", None, after),
                [repo.put_adjustment(record), deal_open(deal, allow_cancelled=refund_after_cancel)],
                CHANGED if line.rule == "manual" else "This penalty is recorded for this deliverable already.")
    return record


def _check_cap(deal: DealItem, deliverable_id: str, line) -> None:
    live = [d.id for d in repo.deliverables_of(deal) if d.status != "cancelled"]
    share = payment_ops.deliverable_fee(deal, live, deliverable_id)
    charged = [a for a in repo.adjustments_of(deal.id) if a.deliverable_id == deliverable_id and a.rule != "manual"]
    if any(a.rule == line.rule for a in charged):
        raise Conflict("This penalty is recorded for this deliverable already.")
    taken = sum(-int(a.amount_minor) for a in charged)
    if taken - line.amount.minor > share.minor:
        raise _bad("rule", f"The penalties of this deliverable would take more than its share of the fee "
                           f"({share.amount} {share.currency}).")


# --- a brand's payments ------------------------------------------------------------------------------

def brand_today(brand_id: str) -> dt.date:
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(brand_id)
    try:
        zone = ZoneInfo(brand.timezone) if brand is not None and brand.timezone else ZoneInfo("UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return utcnow().astimezone(zone).date()


def week_end(today: dt.date) -> dt.date:
    """The Sunday of today's ISO week."""
    return today + dt.timedelta(days=6 - today.weekday())


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def overdue(record: PaymentRecord, today: dt.date) -> bool:
    return record.status in ("due", "approved") and bool(record.due_on) and record.due_on < today.isoformat()


def totals(records: list[PaymentRecord]) -> list[Money]:
    """One sum per currency, in the order the currencies first appear."""
    sums: dict[str, Money] = {}
    for r in records:
        sums[r.currency] = sums.get(r.currency, Money(0, r.currency)) + Money(int(r.amount_minor), r.currency)
    return list(sums.values())


@dataclass
class Overview:
    brand_id: str
    today: dt.date
    week_ends: dt.date
    month_starts: dt.date
    sections: dict[str, list[PaymentRecord]]  # due_this_week, on_hold, paid_this_month
    deals: dict[str, DealItem] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # influencer id → display name


def related(records: list[PaymentRecord]) -> tuple[dict[str, DealItem], dict]:
    """The payments' deals and influencers, by id (BatchGetItem each)."""
    from chalicelib.influencers import repo as influencer_repo

    deals = {d.id: d for d in repo.deals_by_id([r.deal_id for r in records])}
    found = influencer_repo.batch_get(list(dict.fromkeys(r.influencer_id for r in records)))
    return deals, {i.id: i for i in found}


def brand_overview(principal: Principal, brand_id: str, today: dt.date | None = None) -> Overview:
    """Due this week (due or approved, due by Sunday, overdue ones too), on hold (any day) and paid this
    month: Queries of the brand's status lists by day (gsi1), never a Scan."""
    principal.require(brand_id, Permission.view_deals)
    today = today or brand_today(brand_id)
    sunday = week_end(today)
    first, last = month_bounds(today)
    due = [*repo.brand_payments(brand_id, "due", None, sunday.isoformat(), BUCKET_LIMIT),
           *repo.brand_payments(brand_id, "approved", None, sunday.isoformat(), BUCKET_LIMIT)]
    due.sort(key=lambda r: (r.due_on or "~", r.created_at, r.position))
    held = repo.brand_payments(brand_id, "on_hold", None, None, BUCKET_LIMIT)
    paid = repo.brand_payments(brand_id, "paid", first.isoformat(), last.isoformat(), BUCKET_LIMIT)
    sections = {"due_this_week": due, "on_hold": held, "paid_this_month": paid}
    deals, influencers = related([r for part in sections.values() for r in part])
    return Overview(brand_id, today, sunday, first, sections, deals,
                    {i.id: i.display_name for i in influencers.values()})
