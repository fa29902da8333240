"""What a check's result does to the deal's money: penalty lines worked out by the deal's clauses
(rules/outcome.penalties) and recorded once per deliverable and clause (deals/penalty_ops.py); a failed
check of a post that was seen, or a nonconforming, deleted or missed deliverable, puts the deal's open
payments on hold (`check_failed`) — lateness and pushed_down no longer once the placement is fulfilled
(their penalty settles them); a check that finds nothing failing any more releases that hold when no
other deliverable of the deal is failing.

It runs BEFORE the check moves the deliverable, with the status the check leads to: the penalty is
recorded first, and a move that fails or never comes (a crash) is made by the next check, which finds
the clause charged already. One transaction with the audit entry, on the condition that the deliverable
is still in the check's round (a URL changed meanwhile: nothing is charged, the check is dropped); a
person moving a payment at the same time makes it read the payments again (three tries).

`done` (runner.Done) records what was charged (`adjustments`, `penalty_lines`), held or released.
"""
from __future__ import annotations

from decimal import Decimal

from chalicelib.core.db.writes import Actor, Change
from chalicelib.core.errors import Conflict
from chalicelib.deals import payment_ops, penalty_ops
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import DeliverableItem
from chalicelib.placements.models import CheckItem
from chalicelib.placements.rules import outcome
from chalicelib.placements.rules.evaluate import Evaluation


def settle(actor: Actor, check: CheckItem, deal, item: DeliverableItem, expected, evaluation: Evaluation,
           done, *, status_after: str, seen: bool, hours_live: Decimal | None, was_failing: bool) -> bool:
    """Penalties, holds and releases for this check (see the module's docstring). False when the
    deliverable left the check's round (the caller drops the check)."""
    if deal is None or not deal.payment_ids:
        return True
    breach = status_after in ("nonconforming", "deleted_early", "missed") or (seen and outcome.breaches(evaluation))
    # lateness and pushed_down fail the check and hold too — until the placement is fulfilled: then their
    # penalty settles them (a hold nothing would release is no hold)
    failing = breach or (seen and evaluation.result == "fail" and status_after != "fulfilled")
    may_charge = outcome.may_charge(evaluation, status_after)
    if not failing and not may_charge and not was_failing and status_after != "fulfilled":
        return True  # a pass of a deliverable that was not failing: nothing to charge, hold or release
    deliverables: list | None = None

    def all_deliverables() -> list:
        nonlocal deliverables
        if deliverables is None:
            deliverables = deal_repo.deliverables_of(deal)
        return deliverables

    lines = []
    if may_charge:
        fee = penalty_ops.fee_share(deal, item, all_deliverables())
        lines = outcome.penalties(expected, evaluation, fee=fee, kind=check.kind, status_after=status_after,
                                  hours_live=hours_live)
    for _ in range(3):
        charges = penalty_ops.charge_ops(deal, item, lines, note=f"placement check {check.id}", created_by=None)
        records = deal_repo.payments_of(deal)
        ops, held = list(charges.ops), None
        if failing:
            moved = payment_ops.hold_ops(records, "check_failed")
            held = "hold" if moved else None
            ops += moved
        else:
            moved = payment_ops.release_ops(records, "check_failed")
            others = [d for d in all_deliverables() if d.id != item.id] if moved else []
            if moved and not any(d.check_result == "fail" or d.status == "nonconforming" for d in others):
                held = "release"
                ops += moved
        if not ops:
            break
        ops.append(_in_round(item, check))
        change = Change(deal.brand_id, "deal", deal.id, "placement_check", None,
                        {"check": check.id, "deliverable": item.id, "result": evaluation.result,
                         "penalties": list(charges.charged), "payments": held})
        try:
            deal_repo.commit(actor, change, ops, "The deal's payments changed at the same time.")
            break
        except Conflict:
            fresh = deal_repo.get_deliverable(item.id, consistent=True)
            if fresh is None or int(fresh.placement_round or 0) != int(check.round or 0):
                return False
    else:
        done.error = "The deal's payments kept changing at the same time; the next check settles them."
        return True
    done.held = held
    done.adjustments = list(charges.charged)
    done.penalty_lines = [line.to_line() for line in lines if line.rule in charges.charged]
    skipped = [(rule, why) for rule, why in charges.skipped if why != "charged already"]
    if skipped:
        done.error = "; ".join(f"{rule}: {why}" for rule, why in skipped)[:500]
    return True


def _in_round(item: DeliverableItem, check: CheckItem):
    """A condition: the deliverable is still in the round the check belongs to (the URL it read)."""
    return lambda tx: tx.condition_check(DeliverableItem, item.pk, item.sk,
                                         condition=DeliverableItem.placement_round == int(check.round or 0))
