"""Deals, deliverables, payments, adjustments, deadline tasks and contract numbers in the table (keys
and access patterns: models.py).

A change is a list of operations (`Op`: a function that adds one conditional operation to the
transaction) that the service composes — the deal's update, its deliverable's, the payments its
signature plans, their reminder tasks — and `commit` writes with the audit entry, all or nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from pynamodb.expressions.condition import size

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db import writes
from chalicelib.core.db.pages import Page, query_one_page
from chalicelib.core.db.put_unique import put_unique, release
from chalicelib.core.db.queue import Queue
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change
from chalicelib.deals.models import (
    AdjustmentRecord,
    CounterItem,
    DealItem,
    DealTaskItem,
    DeliverableItem,
    NumberItem,
    PaymentRecord,
)

Op = Callable[[object], None]
MAX_DELIVERABLES = 30  # per deal (a cancel writes them all in one transaction)
MAX_PAYMENTS = 40  # per deal: a schedule has 10 milestones; amendments re-plan what did not fire
TASKS = Queue("DUE#DEALS", DealTaskItem)
UNDATED = "~"  # a planned payment with no date yet sorts after every day


# --- keys ------------------------------------------------------------------------------------------

def deal_key(deal_id: str) -> tuple[str, str]:
    return f"DEAL#{deal_id}", "DEAL"


def deliverable_key(deliverable_id: str) -> tuple[str, str]:
    return f"DELIVERABLE#{deliverable_id}", "DELIVERABLE"


def payment_key(payment_id: str) -> tuple[str, str]:
    return f"PAYMENT#{payment_id}", "PAYMENT"


def number_key(brand_id: str, number: str) -> tuple[str, str]:
    return f"CONTRACTNO#{brand_id}#{number.strip().casefold()}", "CONTRACTNO"


def counter_key(brand_id: str, year: int) -> tuple[str, str]:
    return f"COUNTER#{brand_id}#DEALS#{year}", "COUNTER"


def deals_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}#DEALS"


def influencer_deals_pk(influencer_id: str) -> str:
    return f"INFLUENCER#{influencer_id}#DEALS"


def placements_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}#DELIVERABLES"


def draft_pk(post_id: str) -> str:
    return f"DRAFT#{post_id}"


def payments_pk(brand_id: str, status: str) -> str:
    return f"BRAND#{brand_id}#PAYMENTS#{status}"


def deal_index_keys(deal: DealItem) -> dict:
    sort = f"{deal.created_at}#{deal.id}"
    return {"gsi1pk": deals_pk(deal.brand_id), "gsi1sk": sort,
            "gsi2pk": influencer_deals_pk(deal.influencer_id), "gsi2sk": sort}


def deliverable_index_keys(item: DeliverableItem) -> dict:
    keys = {"gsi1pk": placements_pk(item.brand_id), "gsi1sk": f"{item.publish_at}#{item.id}",
            "gsi2pk": None, "gsi2sk": None}
    if item.post_id:
        keys.update(gsi2pk=draft_pk(item.post_id), gsi2sk="DELIVERABLE")
    return keys


def payment_day(status: str, due_on: str | None, paid_on: str | None, date: str | None) -> str:
    """The day a payment is filed under in its status's list: paid by the day paid, the rest by due day,
    planned ones by their date (or after every day when they have none yet)."""
    if status == "paid":
        return paid_on or UNDATED
    return due_on or date or UNDATED


def payment_index_keys(record: PaymentRecord) -> dict:
    day = payment_day(record.status, record.due_on, record.paid_on, record.date)
    return {"gsi1pk": payments_pk(record.brand_id, record.status), "gsi1sk": f"{day}#{record.id}"}


def adjustment_sk(adjustment_id: str) -> str:
    return f"ADJUSTMENT#{adjustment_id}"


def task_tail(deal_id: str, sk: str) -> str:
    return f"{deal_id}#{sk}"


# --- reads -----------------------------------------------------------------------------------------

def get(deal_id: str, *, consistent: bool = False) -> DealItem | None:
    return get_item(DealItem, *deal_key(deal_id), consistent=consistent)


def get_deliverable(deliverable_id: str, *, consistent: bool = False) -> DeliverableItem | None:
    return get_item(DeliverableItem, *deliverable_key(deliverable_id), consistent=consistent)


def get_payment(payment_id: str, *, consistent: bool = False) -> PaymentRecord | None:
    return get_item(PaymentRecord, *payment_key(payment_id), consistent=consistent)


def _batch(model, key, ids: Iterable[str]) -> list:
    db_connection.bind_models()
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {i.id: i for i in model.batch_get([key(i) for i in ids], consistent_read=True)}
    return [found[i] for i in ids if i in found]


def deals_by_id(deal_ids: Iterable[str]) -> list[DealItem]:
    """Deals by id (BatchGetItem, consistent), in the order asked, missing ones left out."""
    return _batch(DealItem, deal_key, deal_ids)


def deliverables_of(deal: DealItem) -> list[DeliverableItem]:
    """The deal's deliverables in the order they were added (BatchGetItem, consistent)."""
    return _batch(DeliverableItem, deliverable_key, deal.deliverable_ids or [])


def payments_of(deal: DealItem) -> list[PaymentRecord]:
    items = _batch(PaymentRecord, payment_key, deal.payment_ids or [])
    return sorted(items, key=lambda p: (p.created_at, p.position))


def adjustments_of(deal_id: str) -> list[AdjustmentRecord]:
    db_connection.bind_models()
    found = AdjustmentRecord.query(deal_key(deal_id)[0], AdjustmentRecord.sk.startswith("ADJUSTMENT#"),
                                   consistent_read=True)
    return sorted(found, key=lambda a: (a.created_at, a.id))  # in the order they were recorded


def deals_page(brand_id: str, condition, cursor: str | None, limit: int | None, *, scope: str = "",
               influencer_id: str | None = None) -> Page[DealItem]:
    """One page of a brand's deals, newest first (a filter may leave it short; the cursor goes on); one
    influencer's deals from that influencer's own list (gsi2), still only the brand's."""
    db_connection.bind_models()
    if influencer_id:
        brand_only = DealItem.brand_id == brand_id
        return query_one_page(DealItem, DealItem.gsi2.query, f"deals:{brand_id}:{scope}", cursor, limit,
                              hash_key=influencer_deals_pk(influencer_id), scan_index_forward=False,
                              filter_condition=brand_only if condition is None else brand_only & condition)
    return query_one_page(DealItem, DealItem.gsi1.query, f"deals:{brand_id}:{scope}", cursor, limit,
                          hash_key=deals_pk(brand_id), filter_condition=condition, scan_index_forward=False)


def deliverable_for_post(post_id: str) -> DeliverableItem | None:
    db_connection.bind_models()
    for item in DeliverableItem.gsi2.query(draft_pk(post_id), limit=1):
        return get_deliverable(item.id, consistent=True)
    return None


def placements(brand_id: str, start: str, end: str, limit: int = 500) -> list[DeliverableItem]:
    """A brand's deliverables due to go live in [start, end) (UTC instants), earliest first."""
    db_connection.bind_models()
    return list(DeliverableItem.gsi1.query(placements_pk(brand_id),
                                           DeliverableItem.gsi1sk.between(start, f"{end}"), limit=limit))


def brand_payments(brand_id: str, status: str, first_day: str | None = None, last_day: str | None = None,
                   limit: int = 500) -> list[PaymentRecord]:
    """A brand's payments in one status, by the day they are filed under, within [first_day, last_day]."""
    db_connection.bind_models()
    low = first_day or "0"
    high = f"{last_day}#~" if last_day else "~~"
    return list(PaymentRecord.gsi1.query(payments_pk(brand_id, status), PaymentRecord.gsi1sk.between(low, high),
                                         limit=limit))


def next_number(brand_id: str, year: int) -> int:
    """The brand's next contract number of the year (an atomic ADD: two new deals never share one)."""
    db_connection.bind_models()
    counter = CounterItem(*counter_key(brand_id, year))
    counter.update(actions=[CounterItem.value.add(1)])
    return int(counter.value)


def number_owner(brand_id: str, number: str) -> str | None:
    item = get_item(NumberItem, *number_key(brand_id, number), consistent=True)
    return item.deal_id if item else None


# --- operations a change is made of -----------------------------------------------------------------

def set_actions(model, changes: dict, now: str | None = None) -> list:
    """Update actions for `changes` (None removes the attribute), and the item's updated_at."""
    actions = [getattr(model, k).set(v) if v is not None else getattr(model, k).remove() for k, v in changes.items()]
    if "updated_at" in model.get_attributes():
        actions.append(model.updated_at.set(now or iso(utcnow())))
    return actions


def put_new(item, condition=None) -> Op:
    cond = type(item).pk.does_not_exist()
    return lambda tx: tx.save(item, condition=cond if condition is None else cond & condition)


def update(item, changes: dict, condition=None, *, extra: list | None = None) -> Op:
    """`changes` on `item` if it is still the version read (PynamoDB adds the version condition)."""
    actions = [*set_actions(type(item), changes), *(extra or [])]
    return lambda tx: tx.update(item, actions, condition=condition)


def take_number(brand_id: str, number: str, deal_id: str) -> Op:
    return lambda tx: put_unique(tx, NumberItem(*number_key(brand_id, number), deal_id=deal_id))


def release_number(brand_id: str, number: str, deal_id: str) -> Op:
    return lambda tx: release(tx, NumberItem(*number_key(brand_id, number)), NumberItem.deal_id == deal_id)


def append_deliverable(deal: DealItem, deliverable_id: str, *, terms_changed_at: str) -> Op:
    """Appending commutes: two deliverables added at once are no conflict, within the cap, while the
    deal is a draft or sent (later, adding one is an amendment, written on the deal's version)."""
    def op(tx):
        tx.update(deal, [DealItem.deliverable_ids.set(DealItem.deliverable_ids.append([deliverable_id])),
                         DealItem.terms_changed_at.set(terms_changed_at), DealItem.updated_at.set(iso(utcnow()))],
                  condition=DealItem.status.is_in("draft", "sent")
                  & (size(DealItem.deliverable_ids) < MAX_DELIVERABLES), add_version_condition=False)
    return op


def deal_still(deal: DealItem, condition=None) -> Op:
    """A condition check: the deal is still the version read."""
    cond = DealItem.version == deal.version
    return lambda tx: tx.condition_check(DealItem, deal.pk, deal.sk,
                                         condition=cond if condition is None else cond & condition)


def deliverable_still(item: DeliverableItem) -> Op:
    """A condition check: the deliverable is still the version read."""
    return lambda tx: tx.condition_check(DeliverableItem, item.pk, item.sk,
                                         condition=DeliverableItem.version == item.version)


def commit(actor: Actor, change: Change, ops: list[Op], conflict: str) -> None:
    """The operations and the audit entry, all or nothing; a failed condition is a 409 with `conflict`."""
    writes.commit(actor, change, ops, conflict)


def put_adjustment(record: AdjustmentRecord) -> Op:
    return lambda tx: tx.save(record, condition=AdjustmentRecord.sk.does_not_exist())
