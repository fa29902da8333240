"""Overriding a check's result: a manager who knows better sets it to pass, warn or fail with a reason.

The override is audited with the result it replaced, and the money follows: to pass or warn, the
penalties that check charged are taken off and a nonconforming deliverable goes back to monitoring (the
deal's check_failed hold released when nothing else of the deal is failing); to fail, the deliverable
becomes nonconforming, the deal's open payments are held, and the penalties the check had worked out
(`penalty_lines`) are charged again. The rules the overridden check failed are kept on the deliverable as
`waived` (for this URL): later checks count them as information, so they neither charge nor hold again
for what the manager accepted; an override to fail takes them back. A check that settled its deliverable
(deleted_early, missed, fulfilled are final) or read an earlier URL cannot be overridden: that is settled
by a dispute on the deal.
"""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.plain import plain
from chalicelib.deals import deliverable_service, payment_ops, penalty_ops
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import AdjustmentRecord, DealItem, DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.deals.rules import penalties
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.placements import repo
from chalicelib.placements.models import CheckItem
from chalicelib.placements.service import get_check, problem

OVERRIDABLE = ("pass", "warn", "fail")
MAX_REASON = 1000


def override(principal: Principal, check_id: str, result: str, reason: str) -> CheckItem:
    check = get_check(principal, check_id)
    principal.require(check.brand_id, Permission.manage_deals, what="check")
    reason = (reason or "").strip()
    if result not in OVERRIDABLE:
        raise problem("result", f"A result is overridden to {', '.join(OVERRIDABLE)}.")
    if not reason:
        raise problem("reason", "Say why the check's result is wrong: the reason is kept in the audit trail.")
    if len(reason) > MAX_REASON:
        raise problem("reason", f"Keep the reason under {MAX_REASON} characters.")
    if check.state != "done":
        raise Conflict("Only a check that has run can be overridden.")
    current = (plain(check.override) or {}).get("result") or check.result
    if current == result:
        raise Conflict(f"The check's result is {result} already.")
    item = deal_repo.get_deliverable(check.deliverable_id, consistent=True)
    deal = deal_repo.get(check.deal_id, consistent=True)
    if item is None or deal is None:
        raise NotFound("No such check.")
    if item.status in dstatus.FINAL:
        raise Conflict(f"The deliverable is {item.status}, which is final; a wrong check of it is settled by a "
                       "dispute on the deal.")
    if int(check.round or 0) != int(item.placement_round or 0):
        raise Conflict("This check read an earlier URL of the placement; override a check of the current one.")
    _override_money_and_status(principal, check, deal, item, result, reason)
    return repo.get(check.id, consistent=True)


def _override_money_and_status(principal: Principal, check: CheckItem, deal: DealItem, item: DeliverableItem,
                               result: str, reason: str) -> None:
    now = iso(utcnow())
    was = (plain(check.override) or {}).get("result") or check.result
    record = {"result": result, "reason": reason, "by": principal.user_id, "at": now, "was": was}
    ops = [lambda tx: tx.update(check, [CheckItem.override.set(record), CheckItem.updated_at.set(now)])]
    records = deal_repo.payments_of(deal) if deal.payment_ids else []
    wanted: str | None = None
    recharged: tuple[str, ...] = ()
    if result in ("pass", "warn"):
        for rule in check.adjustments or []:
            key = (deal_repo.deal_key(deal.id)[0], deal_repo.adjustment_sk(f"{item.id}#{rule}"))
            ops.append(lambda tx, key=key: tx.delete(AdjustmentRecord(*key)))
        if item.status == "nonconforming":
            wanted = "monitoring"
        others = [d for d in deal_repo.deliverables_of(deal) if d.id != item.id]
        if not any(d.check_result == "fail" or d.status == "nonconforming" for d in others):
            ops += payment_ops.release_ops(records, "check_failed")
    else:
        if item.status in ("published", "monitoring"):
            wanted = "nonconforming"
        ops += payment_ops.hold_ops(records, "check_failed")
        lines = [penalties.Adjustment.from_line(line) for line in plain(check.penalty_lines) or []]
        charged = penalty_ops.charge_ops(deal, item, lines, note=f"placement check {check.id} (override)",
                                         created_by=principal.user_id)
        ops += charged.ops
        recharged = charged.charged
    change = Change(check.brand_id, "check", check.id, "override", {"result": was},
                    {"result": result, "reason": reason, "deliverable": item.id,
                     "penalties_removed": list(check.adjustments or []) if result != "fail" else [],
                     "penalties_charged": list(recharged)})
    deal_repo.commit(principal.actor, change, ops, "The check or the deal's payments changed at the same time; "
                                                   "load it again.")
    # what the manager accepted stays accepted: later checks of this URL treat those rules as waived
    failed = {f["rule"] for f in plain(check.findings) or [] if f.get("severity") == "fail"}
    for _ in range(3):  # the override stands; the deliverable follows it (read again if it moved meanwhile)
        fresh = deal_repo.get_deliverable(item.id, consistent=True)
        if wanted is not None and dstatus.problem(fresh.status, wanted):
            wanted = None
        waived = set(fresh.waived or [])
        waived = waived | failed if result != "fail" else waived - failed
        try:
            deliverable_service.move(principal.actor, item.id, wanted,
                                     changes={"check_result": result, "waived": sorted(waived) or None},
                                     expect_version=fresh.version)
            return
        except Conflict:
            continue
