"""What a check's result does to the deal's money: penalty lines worked out by the deal's clauses
(rules/outcome.penalties) and recorded once per deliverable and clause (deals/penalty_ops.py); a failed
check (a nonconforming, deleted or missed deliverable) puts the deal's open payments on hold
(`check_failed`); a passing one releases that hold when no other deliverable of the deal is failing.
One transaction with the audit entry; a person moving a payment at the same time wins, and the next
check holds again.

`done` (runner.Done) records what was charged (`adjustments`, `penalty_lines`), held or released.
"""
from __future__ import annotations

from decimal import Decimal

from chalicelib.core.db.writes import Actor, Change
from chalicelib.core.errors import Conflict
from chalicelib.deals import payment_ops, penalty_ops
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.placements.models import CheckItem
from chalicelib.placements.rules import outcome
from chalicelib.placements.rules.evaluate import Evaluation


def settle(actor: Actor, check: CheckItem, deal, item: DeliverableItem, expected, evaluation: Evaluation | None,
           done, *, hours_live: Decimal | None, was_failing: bool = True) -> None:
    """Penalties, holds and releases (step 6), in one transaction with the audit entry. `deal` is the one
    `perform` read (consistently) for this check: the deliverable's move changes neither its payments nor its
    fee. The deal's deliverables (up to 30 items) are read only when a clause may charge or a check_failed
    hold may be released: a passing check of a deal with nothing held reads none."""
    if deal is None or not deal.payment_ids:
        return
    seen = bool(item.found_at) or dstatus.counts_as_published(item.status)
    failing = item.status in ("nonconforming", "deleted_early", "missed") or (
        seen and evaluation is not None and evaluation.result == "fail")
    may_charge = evaluation is not None and outcome.may_charge(evaluation, item.status)
    if not failing and not may_charge and not was_failing:
        return  # a pass of a deliverable that was not failing: nothing to charge, hold or release
    deliverables: list | None = None

    def all_deliverables() -> list:
        nonlocal deliverables
        if deliverables is None:
            deliverables = deal_repo.deliverables_of(deal)
        return deliverables

    lines = []
    if may_charge:
        fee = penalty_ops.fee_share(deal, item, all_deliverables())
        lines = outcome.penalties(expected, evaluation, fee=fee, kind=check.kind, status_after=item.status,
                                  hours_live=hours_live)
    charges = penalty_ops.charge_ops(deal, item, lines, note=f"placement check {check.id}", created_by=None)
    records = deal_repo.payments_of(deal)
    ops = list(charges.ops)
    if failing:
        held = payment_ops.hold_ops(records, "check_failed")
        if held:
            done.held = "hold"
        ops += held
    elif evaluation is not None and evaluation.result in ("pass", "warn"):
        released = payment_ops.release_ops(records, "check_failed")
        others = [d for d in all_deliverables() if d.id != item.id] if released else []
        if released and not any(d.check_result == "fail" or d.status == "nonconforming" for d in others):
            done.held = "release"
            ops += released
    done.adjustments = list(charges.charged)
    done.penalty_lines = [line.to_line() for line in lines if line.rule in charges.charged]
    if charges.skipped:
        done.error = "; ".join(f"{rule}: {why}" for rule, why in charges.skipped)[:500]
    if not ops:
        return
    change = Change(deal.brand_id, "deal", deal.id, "placement_check", None,
                    {"check": check.id, "deliverable": item.id, "result": evaluation.result if evaluation else None,
                     "penalties": list(charges.charged), "payments": done.held})
    try:
        deal_repo.commit(actor, change, ops, "The deal's payments changed at the same time.")
    except Conflict as exc:  # a person moved a payment meanwhile: the hold comes with the next check
        done.error = str(exc)
        done.adjustments, done.penalty_lines, done.held = [], [], None
