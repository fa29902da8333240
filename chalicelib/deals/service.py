"""Deals: create, change (an edit before signing, an amendment after), and move them through their
status, with the money and the deliverables that move with them in the same transaction.

Who: influencer and SMM managers manage deals (admins everything); finance and content managers read
them; nobody else sees them. Every change is one conditional transaction with its audit entry
(repo.commit): a deal write carries the deal's version, so two people at once cannot both win.

  send       needs deliverables, a contract made for the current terms, and (ru) the gates
  sign       snapshots the blogger's legal data, plans the payment schedule and fires `on_signing`
             (an amendment re-plans the payments whose trigger has not fired)
  cancel     only while nothing is published (the deal's published count, in the condition):
             the open payments and the deliverables not yet live are cancelled with it
  dispute    holds every open payment (reason `dispute`); `resolve` releases those holds
  complete   when every deliverable is settled; `close` when every payment is paid or cancelled
"""
from __future__ import annotations

import datetime as dt

from chalicelib.brands.service import get as get_brand
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.pages import Page
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import new_id
from chalicelib.core.money import MoneyError
from chalicelib.deals import campaign_hooks, deal_inputs, payment_ops, repo, stored
from chalicelib.deals.deal_inputs import problems as _problems
from chalicelib.deals.deal_inputs import stored_value
from chalicelib.deals.models import DealItem
from chalicelib.deals.rules import deal_status, gates
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.deals.rules import payments as payment_rules
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo as influencer_repo

SETTLED = frozenset({"fulfilled", "missed", "deleted_early", "cancelled", "nonconforming"})
CLOSED_DEAL = "The deal changed at the same time; load it again."
NOT_LIVE = ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved", "scheduled", "late")


# --- who may -----------------------------------------------------------------------------------------

def get(principal: Principal, deal_id: str, *, consistent: bool = False) -> DealItem:
    deal = repo.get(deal_id, consistent=consistent)
    if deal is None:
        raise NotFound("No such deal.")
    principal.require(deal.brand_id, Permission.view_deals, what="deal")
    return deal


def managed(principal: Principal, deal_id: str) -> DealItem:
    deal = get(principal, deal_id, consistent=True)
    principal.require(deal.brand_id, Permission.manage_deals, what="deal")
    return deal


def _refused(exc: Exception) -> Conflict:
    return Conflict(str(exc))


def state_of(deal: DealItem) -> deal_status.DealState:
    return deal_status.DealState(deal.status, int(deal.amendment or 0))


def actions(deal: DealItem) -> list[str]:
    return list(deal_status.allowed_actions(state_of(deal), any_published=int(deal.published_count or 0) > 0))


def contract_outdated(deal: DealItem) -> bool:
    """No contract yet, or the terms changed after the latest one was made."""
    latest = (stored_value(deal, "contracts") or [None])[-1]
    return latest is None or (deal.terms_changed_at or "") > (latest.get("created_at") or "")


# --- listing -----------------------------------------------------------------------------------------

def directory(principal: Principal, brand_id: str, query) -> Page[DealItem]:
    principal.require(brand_id, Permission.view_deals)
    condition = None
    for name in ("status", "campaign_id"):
        value = getattr(query, name, None)
        if value is not None:
            part = getattr(DealItem, name) == (value.value if hasattr(value, "value") else value)
            condition = part if condition is None else condition & part
    scope = ":".join(str(getattr(query, n, None) or "") for n in ("status", "influencer_id", "campaign_id"))
    return repo.deals_page(brand_id, condition, query.cursor, query.limit, scope=scope,
                           influencer_id=query.influencer_id)


# --- create and change -------------------------------------------------------------------------------

def create(principal: Principal, brand_id: str, data) -> DealItem:
    principal.require(brand_id, Permission.manage_deals)
    brand = get_brand(principal, brand_id)
    influencer = deal_inputs.influencer(brand_id, data.influencer_id)
    owner_id = data.owner_id or principal.user_id
    if owner_id != principal.user_id:
        deal_inputs.check_owner(brand_id, owner_id)
    try:
        money = deal_inputs.money_fields(data, None)
    except MoneyError as exc:
        raise _problems([("fee", str(exc))]) from None
    _check_campaign(brand_id, data.campaign_id, money["currency"], "campaign_id")
    now = utcnow()
    stamp = iso(now)
    deal_id = new_id()
    number = deal_inputs.contract_number(brand, data.contract_number, now)
    deal = DealItem(*repo.deal_key(deal_id), id=deal_id, brand_id=brand_id, influencer_id=influencer.id,
                    campaign_id=data.campaign_id, title=data.title, contract_number=number,
                    advertiser=deal_inputs.advertiser(brand, data.advertiser), disclosure=data.disclosure.value,
                    language=data.language.value, vat=data.vat.value, terms=deal_inputs.terms(data.terms),
                    milestones=deal_inputs.milestones(data.milestones if "milestones" in data.model_fields_set else None),
                    status="draft", amendment=0, owner_id=owner_id, notes=data.notes, deliverable_ids=[],
                    payment_ids=[], published_count=0, contracts=[], signed_copies=[], terms_changed_at=stamp,
                    created_at=stamp, updated_at=stamp, **money)
    for key, value in repo.deal_index_keys(deal).items():
        setattr(deal, key, value)
    audited = {"title": deal.title, "influencer_id": deal.influencer_id, "contract_number": number,
               "fee": stored.fee(deal).to_wire()}
    _commit_numbered(principal, Change(brand_id, "deal", deal_id, "create", after=audited, version=1),
                     [repo.put_new(deal), repo.take_number(brand_id, number, deal_id),
                      *campaign_hooks.in_transaction(deal_id, None, data.campaign_id)], deal, number)
    return repo.get(deal_id, consistent=True)


def _check_campaign(brand_id: str, campaign_id: str | None, currency: str, field: str) -> None:
    """A deal joins only a campaign of its brand, active, in its currency (campaign_hooks.py)."""
    found = campaign_hooks.check(brand_id, campaign_id, currency)
    if found:
        raise _problems([(field, found)])


def _commit_numbered(principal: Principal, change: Change, ops: list, deal: DealItem, number: str | None) -> None:
    """Commit; when it fails and the contract number wanted belongs to another deal, say so on the field."""
    try:
        repo.commit(principal.actor, change, ops, CLOSED_DEAL)
    except Conflict:
        owner = repo.number_owner(deal.brand_id, number) if number else None
        if owner is not None and owner != deal.id:
            message = f"Contract number {number} is already used by another deal of this brand; choose another."
            raise Conflict(message, details=[{"field": "contract_number", "message": message}]) from None
        raise


def update(principal: Principal, deal_id: str, data, if_match: int | None = None) -> DealItem:
    deal = managed(principal, deal_id)
    expected = data.version or if_match
    if expected is not None and expected != deal.version:
        raise Conflict("The deal changed since you loaded it; load it again.")
    brand = get_brand(principal, deal.brand_id)
    fields = data.model_fields_set
    changes = deal_inputs.contract_changes(deal, data, brand)
    free: dict = {}
    if "campaign_id" in fields:
        free["campaign_id"] = data.campaign_id
    if "notes" in fields:
        free["notes"] = data.notes
    if "owner_id" in fields and data.owner_id != deal.owner_id:
        deal_inputs.check_owner(deal.brand_id, data.owner_id)
        free["owner_id"] = data.owner_id
    free = {k: v for k, v in free.items() if getattr(deal, k) != v}
    if not changes and not free:
        return deal
    ops: list = []
    events: tuple[str, ...] = ()
    campaign_id = free.get("campaign_id", deal.campaign_id)
    if campaign_id and ("campaign_id" in free or changes.get("currency", deal.currency) != deal.currency):
        _check_campaign(deal.brand_id, campaign_id, changes.get("currency", deal.currency),
                        "campaign_id" if "campaign_id" in free else "fee.currency")
    if changes:
        changes, ops, events = contract_change(deal, changes)
    ops += campaign_hooks.in_transaction(deal.id, deal.campaign_id, campaign_id)
    audited_before = {k: stored_value(deal, k) for k in {**changes, **free} if k not in ("terms_changed_at",)}
    wanted = {**changes, **free}
    ops.insert(0, repo.update(deal, wanted))
    action = "amend" if any(e.startswith("amended") for e in events) else "update"
    _commit_numbered(principal, Change(deal.brand_id, "deal", deal.id, action, audited_before,
                                       {k: v for k, v in wanted.items() if k != "terms_changed_at"},
                                       deal.version + 1), ops, deal, changes.get("contract_number"))
    return repo.get(deal.id, consistent=True)


def contract_change(deal: DealItem, changes: dict) -> tuple[dict, list, tuple[str, ...]]:
    """What changing the contract's fields (or its deliverables) means now: a plain edit while a draft,
    an edit needing a new contract version while sent, an amendment (back to sent) while signed, in
    progress or disputed. Returns the deal's changes (with status and amendment), extra operations
    (the contract number swapped, payments that must not have fired) and the events."""
    try:
        outcome = deal_status.change_terms(state_of(deal))
    except deal_status.DealRuleError as exc:
        raise _refused(exc) from None
    changes = dict(changes, terms_changed_at=iso(utcnow()))
    ops: list = []
    if outcome.state.status.value != deal.status:
        changes.update(status=outcome.state.status.value, amendment=outcome.state.amendment)
    money_moves = {"fee_minor", "currency", "milestones"} & set(changes)
    if "currency" in changes and changes["currency"] != deal.currency and deal.payment_ids:
        raise Conflict("The deal has payments in its currency: the currency cannot change now.")
    records = repo.payments_of(deal) if deal.payment_ids and (money_moves or deal.status == "disputed") else []
    if deal.status == "disputed" and changes.get("status") == "sent":  # the amendment settles the dispute
        ops += payment_ops.release_ops(records, "dispute")
        changes["status_reason"] = None
    if money_moves and deal.payment_ids:
        if payment_ops.any_fired(records):
            raise Conflict("Payments of this deal are already due or paid, so its fee and schedule are settled: "
                           "record a penalty or refund as an adjustment instead.")
    if "contract_number" in changes and repo.number_key(deal.brand_id, changes["contract_number"]) != \
            repo.number_key(deal.brand_id, deal.contract_number):  # a change of case keeps the same key
        ops += [repo.take_number(deal.brand_id, changes["contract_number"], deal.id),
                repo.release_number(deal.brand_id, deal.contract_number, deal.id)]
    return changes, ops, outcome.events


# --- moving the deal ---------------------------------------------------------------------------------

def _facts(deal: DealItem, deliverables) -> list[gates.DeliverableFacts]:
    accounts = {i: influencer_repo.get_account(i, consistent=True) for i in {d.account_id for d in deliverables}}
    out = []
    for index, item in enumerate(d for d in deliverables if d.status != "cancelled"):
        account = accounts.get(item.account_id)
        out.append(gates.DeliverableFacts(platform=item.platform, followers=account.followers if account else None,
                                          rkn_registry_number=account.rkn_registry_number if account else None,
                                          index=index))
    return out


def _check_send(deal: DealItem, deliverables) -> None:
    live = [d for d in deliverables if d.status != "cancelled"]
    if not live:
        raise _problems([("deliverables", "Add at least one deliverable before sending the deal.")])
    _check_gates(deal, deliverables)
    if contract_outdated(deal):
        raise Conflict("Make the contract for the current terms first: the deal is sent with its contract.")


def _check_gates(deal: DealItem, deliverables) -> None:
    """Russian advertising law (ru deals): the advertiser's INN, no banned venue, register numbers."""
    if gates.applies(deal.disclosure) and not (stored_value(deal, "advertiser") or {}).get("inn"):
        raise _problems([("advertiser.inn", "A deal under Russian advertising law needs the advertiser's INN "
                                            "(the marking names the advertiser).")])
    found = gates.problems(deal.disclosure, _facts(deal, deliverables))
    if found:
        raise _problems(found)


def _blogger_legal(deal: DealItem) -> dict:
    influencer = influencer_repo.get(deal.influencer_id, consistent=True)
    if influencer is None:
        return dict(stored_value(deal, "blogger_legal") or {})
    return {k: v for k, v in {"legal_type": influencer.legal_type, "legal_name": influencer.legal_name,
                              "inn": influencer.inn, "ogrn": influencer.ogrn,
                              "display_name": influencer.display_name}.items() if v}


def act(principal: Principal, deal_id: str, action: str, *, reason: str | None = None, to: str | None = None,
        version: int | None = None, signed_copy: dict | None = None) -> DealItem:
    """Move the deal (send, sign, start, complete, close, cancel, dispute, resolve)."""
    deal = managed(principal, deal_id)
    if version is not None and version != deal.version:
        raise Conflict("The deal changed since you loaded it; load it again.")
    published = int(deal.published_count or 0) > 0
    try:
        outcome = deal_status.move(state_of(deal), action, any_published=published, to=to)
    except deal_status.DealRuleError as exc:
        raise _refused(exc) from None
    deliverables = repo.deliverables_of(deal) if action in ("send", "sign", "complete", "cancel") else []
    records = repo.payments_of(deal) if action in ("sign", "close", "cancel", "dispute", "resolve") else []
    now = utcnow()
    wanted: dict = {"status": outcome.state.status.value}
    ops: list = []
    if action == "send":
        _check_send(deal, deliverables)
    elif action == "sign":
        ops += _sign_ops(deal, deliverables, records, wanted, now, signed_copy)
    elif action == "complete":
        open_ones = [d for d in deliverables if d.status not in SETTLED]
        if open_ones:
            raise Conflict(f"{len(open_ones)} deliverable(s) are not settled yet (fulfilled, missed, cancelled or "
                           f"accepted as nonconforming); settle them before completing the deal.")
    elif action == "close":
        open_payments = payment_ops.open_records(records)
        if open_payments:
            raise Conflict(f"{len(open_payments)} payment(s) are still open; pay or cancel them before closing.")
    elif action == "cancel":
        ops += payment_ops.cancel_ops(records)
        ops += _cancel_deliverables(deliverables)
    elif action == "dispute":
        ops += payment_ops.hold_ops(records, "dispute")
    elif action == "resolve":
        ops += payment_ops.release_ops(records, "dispute")
    if action in ("cancel", "dispute"):
        wanted["status_reason"] = (reason or "").strip() or None
    elif action == "resolve":
        wanted["status_reason"] = None
    condition = DealItem.published_count == 0 if action == "cancel" else None
    ops.insert(0, repo.update(deal, wanted, condition))
    after = {k: v for k, v in wanted.items() if k not in ("payment_ids", "signed_copies")}
    repo.commit(principal.actor, Change(deal.brand_id, "deal", deal.id, action, {"status": deal.status}, after,
                                        deal.version + 1), ops,
                "A deliverable was published meanwhile: the deal can no longer be cancelled." if action == "cancel"
                else CLOSED_DEAL)
    after_commit(deal.id, action)
    return repo.get(deal.id, consistent=True)


def sign(principal: Principal, deal_id: str, *, signed_copy: dict | None = None,
         version: int | None = None) -> DealItem:
    return act(principal, deal_id, "sign", version=version, signed_copy=signed_copy)


def _sign_ops(deal: DealItem, deliverables, records, wanted: dict, now: dt.datetime,
              signed_copy: dict | None) -> list:
    _check_gates(deal, deliverables)  # the terms may have changed since they were sent
    if contract_outdated(deal):
        raise Conflict("The contract is out of date: make it for the current terms before it is signed.")
    latest = (stored_value(deal, "contracts") or [{}])[-1]
    wanted["blogger_legal"] = latest.get("blogger_legal") or _blogger_legal(deal)  # as the signed version prints it
    if signed_copy is not None:
        wanted["signed_copies"] = [*(stored_value(deal, "signed_copies") or []), signed_copy]
    if payment_ops.any_fired(records):  # an amendment after money moved: the schedule stands as it is
        return []
    ops = payment_ops.cancel_ops(records, only_unfired=True)  # an amendment before any: planned anew
    fresh = payment_ops.new_records(deal, now)
    wanted["payment_ids"] = [*(deal.payment_ids or []), *(r.id for r in fresh)]
    fired = payment_rules.fire([payment_ops.as_rule(r) for r in fresh], "on_signing", now.date())
    fired = payment_rules.fire(fired, "date", now.date())  # an on_date day already past is due at once
    for record, item in zip(fresh, fired):
        for key, value in payment_ops.record_values(item).items():
            setattr(record, key, value)
        keys = repo.payment_index_keys(record)
        record.gsi1pk, record.gsi1sk = keys["gsi1pk"], keys["gsi1sk"]
    ops += [repo.put_new(r) for r in fresh]
    return ops


def _cancel_deliverables(deliverables) -> list:
    ops = []
    for item in deliverables:
        if dstatus.problem(item.status, "cancelled") is None:
            ops.append(repo.update(item, {"status": "cancelled"}))
    return ops


def after_commit(deal_id: str, action: str | None = None) -> None:
    """After a committed change of the deal or a deliverable: its deadline tasks and reminders planned
    again (idempotent: deadlines.py), and who must hear of the move told. Never raises (the change is
    written; a failure here is logged for the operator)."""
    try:
        from chalicelib.deals import deadlines

        deadlines.plan_deal(deal_id, action)
    except Exception:  # a lost reminder must not fail the change that was written
        import logging

        logging.getLogger(__name__).exception("planning a deal's deadlines failed", extra={"deal": deal_id})
