"""Payments as stored items and as the pure rules see them (rules/payments.py), and the operations
that plan, fire, hold, release and cancel them inside a deal's transaction (repo.commit).

The deal's service composes these with its own change — signing plans the schedule and fires
`on_signing`, a dispute holds every open payment, cancelling cancels them — so the money always moves
in the same all-or-nothing write as the status that moved it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.deals import repo
from chalicelib.deals.models import DealItem, PaymentRecord
from chalicelib.deals.rules import payments as rules

DEFAULT_SCHEDULE = [{"label": "100 %", "percent": "100", "trigger": "on_signing", "due_days": 5, "date": None}]


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _text(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def milestones_of(deal: DealItem) -> list[rules.Milestone]:
    return [rules.Milestone(label=m.get("label") or "", percent=Decimal(str(m.get("percent"))),
                            trigger=m.get("trigger"), due_days=int(m.get("due_days") or 0), date=_day(m.get("date")))
            for m in (deal.milestones or DEFAULT_SCHEDULE)]


def fee_of(deal: DealItem) -> Money:
    return Money(int(deal.fee_minor), deal.currency)


def as_rule(record: PaymentRecord) -> rules.PaymentItem:
    return rules.PaymentItem(label=record.label, percent=Decimal(record.percent),
                             amount=Money(int(record.amount_minor), record.currency), trigger=record.trigger,
                             due_days=int(record.due_days or 0), date=_day(record.date), status=record.status,
                             due_on=_day(record.due_on), holds=tuple(record.holds or ()), held_from=record.held_from,
                             paid_on=_day(record.paid_on), reference=record.reference)


def record_values(item: rules.PaymentItem) -> dict:
    """The stored fields a rule item's movement changes."""
    return {"status": item.status, "due_on": _text(item.due_on), "holds": list(item.holds),
            "held_from": item.held_from, "paid_on": _text(item.paid_on), "reference": item.reference}


def new_records(deal: DealItem, now: dt.datetime | None = None) -> list[PaymentRecord]:
    """The schedule's items as new planned records (amounts: rules.plan_items, the last takes the rest)."""
    stamp = iso(now or utcnow())
    out = []
    for position, item in enumerate(rules.plan_items(fee_of(deal), milestones_of(deal))):
        payment_id = new_id()
        record = PaymentRecord(*repo.payment_key(payment_id), id=payment_id, deal_id=deal.id, brand_id=deal.brand_id,
                               influencer_id=deal.influencer_id, position=position, label=item.label,
                               percent=str(item.percent), currency=item.amount.currency, amount_minor=item.amount.minor,
                               trigger=item.trigger, due_days=item.due_days, date=_text(item.date), status="planned",
                               holds=[], created_at=stamp, updated_at=stamp)
        keys = repo.payment_index_keys(record)
        record.gsi1pk, record.gsi1sk = keys["gsi1pk"], keys["gsi1sk"]
        out.append(record)
    return out


def moved_op(record: PaymentRecord, item: rules.PaymentItem, extra: dict | None = None) -> repo.Op | None:
    """The update (on the record's version) for a record whose rule item changed, moving it to the list
    of its new status, with `extra` fields in the same write (who approved, who paid); None if nothing
    changed."""
    values = record_values(item)
    changes = {k: v for k, v in values.items() if (getattr(record, k) or None) != (v or None)}
    if not changes and not extra:
        return None
    if "holds" in changes and not changes["holds"]:
        changes["holds"] = []
    changes.update(extra or {})
    day = repo.payment_day(values["status"], values["due_on"], values["paid_on"], record.date)
    changes.update(gsi1pk=repo.payments_pk(record.brand_id, values["status"]), gsi1sk=f"{day}#{record.id}")
    return repo.update(record, changes)


def moved_ops(records: list[PaymentRecord], moved: list[rules.PaymentItem]) -> list[repo.Op]:
    """moved_op for every record whose rule item changed."""
    return [op for op in (moved_op(record, item) for record, item in zip(records, moved)) if op is not None]


def fire_ops(records: list[PaymentRecord], trigger: str, on: dt.date) -> list[repo.Op]:
    return moved_ops(records, rules.fire([as_rule(r) for r in records], trigger, on))


def hold_ops(records: list[PaymentRecord], reason: str) -> list[repo.Op]:
    """Hold every payment that can be held and is not held for `reason` yet."""
    moved = []
    for record in records:
        item = as_rule(record)
        if item.status in rules.HOLDABLE or (item.status == "on_hold" and reason not in item.holds):
            item = rules.move(item, "hold", reason=reason)
        moved.append(item)
    return moved_ops(records, moved)


def release_ops(records: list[PaymentRecord], reason: str) -> list[repo.Op]:
    moved = []
    for record in records:
        item = as_rule(record)
        if item.status == "on_hold" and reason in item.holds:
            item = rules.move(item, "release", reason=reason)
        moved.append(item)
    return moved_ops(records, moved)


def cancel_ops(records: list[PaymentRecord], *, only_unfired: bool = False) -> list[repo.Op]:
    """Cancel the payments not paid (only those whose trigger has not fired, with `only_unfired`)."""
    moved = []
    for record in records:
        item = as_rule(record)
        unfired = item.status == "planned" or (item.status == "on_hold" and item.held_from == "planned")
        if "cancel" in rules.actions(item) and (unfired or not only_unfired):
            item = rules.move(item, "cancel")
        moved.append(item)
    return moved_ops(records, moved)


def any_fired(records: list[PaymentRecord]) -> bool:
    """Has any payment become due (or gone further)? Then the fee and schedule are settled by adjustments."""
    return any(r.status in ("due", "approved", "paid") or (r.status == "on_hold" and r.held_from != "planned")
               for r in records)


def open_records(records: list[PaymentRecord]) -> list[PaymentRecord]:
    return [r for r in records if r.status not in ("paid", "cancelled")]


def deliverable_fee(deal: DealItem, deliverable_ids: list[str], deliverable_id: str) -> Money:
    """A deliverable's share of the fee (penalties are percents of it): the fee split evenly over the
    deal's deliverables, the last taking what rounding leaves."""
    from chalicelib.core.money import split

    ids = list(deliverable_ids) or [deliverable_id]
    count = len(ids)
    base = (Decimal(100) / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    percents = [base] * (count - 1) + [Decimal(100) - base * (count - 1)]
    parts = split(fee_of(deal), percents)
    return parts[ids.index(deliverable_id)] if deliverable_id in ids else parts[-1]
