"""Penalties a process charges by itself (the placement checks; a publication that never came): the
deliverable's share of the fee, and the operations that record each line once.

The same limits as a person's penalty (payment_service.add_adjustment): a clause is charged once per
deliverable (its key `ADJUSTMENT#<deliverable>#<rule>` says so, and the put is conditional on it not
existing), and a deliverable's penalties together never take more than its share of the fee — a line
that would is not charged, and the caller says so to a person.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.deals import payment_ops, repo, stored
from chalicelib.deals.models import AdjustmentRecord, DealItem, DeliverableItem
from chalicelib.deals.rules import penalties
from chalicelib.deals.rules import terms as terms_rules


@dataclass(frozen=True)
class Charges:
    ops: list
    charged: tuple[str, ...]  # the rules charged now
    skipped: tuple[tuple[str, str], ...]  # (rule, why) not charged


def terms_of(deal: DealItem, item: DeliverableItem) -> terms_rules.Terms:
    return terms_rules.merged(stored.terms_from_map(deal.terms),
                              stored.terms_from_map(item.overrides) if item.overrides else None)


def fee_share(deal: DealItem, item: DeliverableItem, deliverables: list[DeliverableItem] | None = None) -> Money:
    """The deliverable's share of the fee, over the deal's deliverables that are not cancelled."""
    others = deliverables if deliverables is not None else repo.deliverables_of(deal)
    live = [d.id for d in others if d.status != "cancelled"]
    return payment_ops.deliverable_fee(deal, live, item.id)


def charge_ops(deal: DealItem, item: DeliverableItem, lines: list[penalties.Adjustment], *, note: str,
               created_by: str | None) -> Charges:
    """Operations recording `lines` for the deliverable, leaving out clauses charged already and lines
    that would take more than its share of the fee."""
    if not lines or not deal.payment_ids:
        return Charges([], (), tuple((line.rule, "the deal has no payments to adjust") for line in lines))
    charged_before = [a for a in repo.adjustments_of(deal.id) if a.deliverable_id == item.id and a.rule != "manual"]
    done = {a.rule for a in charged_before}
    taken = sum(-int(a.amount_minor) for a in charged_before)
    share = fee_share(deal, item)
    ops, charged, skipped = [], [], []
    now = iso(utcnow())
    for line in lines:
        if line.rule in done:
            skipped.append((line.rule, "charged already"))
            continue
        if line.amount.minor == 0:
            continue
        if taken - line.amount.minor > share.minor:
            skipped.append((line.rule, f"would take more than the deliverable's share of the fee ({share.amount} "
                                       f"{share.currency})"))
            continue
        taken -= line.amount.minor
        done.add(line.rule)
        record = AdjustmentRecord(repo.deal_key(deal.id)[0], repo.adjustment_sk(f"{item.id}#{line.rule}"),
                                  id=new_id(), deal_id=deal.id, brand_id=deal.brand_id, deliverable_id=item.id,
                                  rule=line.rule, inputs=line.inputs, currency=line.amount.currency,
                                  amount_minor=line.amount.minor, note=note[:500], created_by=created_by,
                                  created_at=now)
        ops.append(repo.put_adjustment(record))
        charged.append(line.rule)
    return Charges(ops, tuple(charged), tuple(skipped))
