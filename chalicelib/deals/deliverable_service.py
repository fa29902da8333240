"""Deliverables: the placements a deal's blogger owes — added, changed and moved through their status.

The contract's side of a deliverable (account, format, publish time, term overrides) is part of the
deal's terms: changing it changes the deal as `service.contract_change` says (an edit before signing,
an amendment after). Its life (status, erid, the live URL, notes) changes freely. Moves that touch the
deal are written with it: a deliverable going live counts on the deal (so the deal can no longer be
cancelled) and starts a signed deal; when every deliverable is live the payments on
`on_publication_verified` fall due, when every one is fulfilled those on `on_retention_passed`.
"""
from __future__ import annotations

from chalicelib.brands.service import get as get_brand
from chalicelib.core import schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.writes import Actor, Change
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.deals import payment_ops, placement_hooks, repo, service, stored
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.deals.rules import gates
from chalicelib.deals.rules import payments as payment_rules
from chalicelib.deals.rules import terms as terms_rules
from chalicelib.deals.rules.deal_status import DealRuleError
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo as influencer_repo

FREE = ("erid", "url", "notes")  # the rest (account, format, time, overrides) are terms of the contract
PLATFORM_FORMATS = {"tg_post": {"telegram"}}  # formats that exist on some platforms only
SETTLED_FOR_MONEY = frozenset({"cancelled", "missed"})  # not counted when asking "is every one live?"


def get(principal: Principal, deliverable_id: str, *, consistent: bool = False) -> tuple[DeliverableItem, DealItem]:
    item = repo.get_deliverable(deliverable_id, consistent=consistent)
    if item is None:
        raise NotFound("No such deliverable.")
    principal.require(item.brand_id, Permission.view_deals, what="deliverable")
    deal = repo.get(item.deal_id, consistent=consistent)
    if deal is None:
        raise NotFound("No such deliverable.")
    return item, deal


def of_deal(principal: Principal, deal_id: str) -> tuple[DealItem, list[DeliverableItem]]:
    deal = service.get(principal, deal_id, consistent=True)
    return deal, repo.deliverables_of(deal)


def held_to(deal: DealItem, item: DeliverableItem) -> dict:
    """The terms the deliverable is held to: the deal's with its overrides."""
    merged = terms_rules.merged(stored.terms_from_map(deal.terms), stored.terms_from_map(item.overrides)
                                if item.overrides else None)
    return stored.terms_to_map(merged)


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


def _account(deal: DealItem, account_id: str):
    account = influencer_repo.get_account(account_id, consistent=True)
    if account is None or not account.gsi1pk or account.influencer_id != deal.influencer_id:
        raise _problem("account_id", "Choose one of the deal's influencer's accounts.")
    banned = gates.venue_problems(deal.disclosure, [gates.DeliverableFacts(account.platform, None, None, 0)])
    if banned:
        raise _problem("account_id", banned[0][1].replace("Deliverable 1", "This deliverable"))
    return account


def _format(fmt: str, platform: str) -> None:
    allowed = PLATFORM_FORMATS.get(fmt)
    if allowed and platform not in allowed:
        raise _problem("format", f"The format {fmt} exists on {', '.join(sorted(allowed))} only.")


def _timing(wall: str, zone: str) -> dict:
    try:
        resolved = schedule.resolve(wall, zone)
    except ValueError as exc:
        raise _problem("publish_at", str(exc)) from None
    return {"wall": resolved.wall, "timezone": resolved.zone, "publish_at": iso(resolved.utc)}


def _overrides(deal: DealItem, given, index: int) -> dict:
    values = stored.terms_input(given)
    found = terms_rules.deliverable_problems(stored.terms_from_map(deal.terms), stored.terms_from_map(values), index)
    if found:
        raise ValidationFailed(found[0][1], details=[{"field": f, "message": m} for f, m in found])
    return values


def create(principal: Principal, deal_id: str, data) -> DeliverableItem:
    deal = service.managed(principal, deal_id)
    brand = get_brand(principal, deal.brand_id)
    account = _account(deal, data.account_id)
    _format(data.format.value, account.platform)
    now = iso(utcnow())
    item_id = new_id()
    item = DeliverableItem(*repo.deliverable_key(item_id), id=item_id, deal_id=deal.id, brand_id=deal.brand_id,
                           influencer_id=deal.influencer_id, account_id=account.id, platform=account.platform,
                           handle=account.handle, format=data.format.value, overrides={}, erid=data.erid,
                           notes=data.notes, status="planned", drafts=0, created_at=now, updated_at=now,
                           **_timing(data.publish_at, data.timezone or brand.timezone))
    item.overrides = _overrides(deal, data.overrides, len(deal.deliverable_ids or [])) if data.overrides else {}
    for key, value in repo.deliverable_index_keys(item).items():
        setattr(item, key, value)
    deal_changes, ops, _events = service.contract_change(deal, {})
    ops = [repo.put_new(item), *ops]
    if set(deal_changes) - {"terms_changed_at"}:  # an amendment: the deal's version guards it
        ops.append(repo.update(deal, deal_changes, extra=[DealItem.deliverable_ids.set(
            DealItem.deliverable_ids.append([item_id]))]))
    else:
        ops.append(repo.append_deliverable(deal, item_id, terms_changed_at=deal_changes["terms_changed_at"]))
    if len(deal.deliverable_ids or []) >= repo.MAX_DELIVERABLES:
        raise Conflict(f"A deal has at most {repo.MAX_DELIVERABLES} deliverables.")
    audited = {"deal_id": deal.id, "account_id": account.id, "format": item.format, "publish_at": item.wall,
               "timezone": item.timezone}
    repo.commit(principal.actor, Change(deal.brand_id, "deliverable", item_id, "create", after=audited, version=1),
                ops, "The deal changed at the same time (or is closed); load it again.")
    service.after_commit(deal.id)
    return repo.get_deliverable(item_id, consistent=True)


def update(principal: Principal, deliverable_id: str, data, if_match: int | None = None) -> DeliverableItem:
    item, deal = get(principal, deliverable_id, consistent=True)
    principal.require(deal.brand_id, Permission.manage_deals, what="deliverable")
    expected = data.version or if_match
    if expected is not None and expected != item.version:
        raise Conflict("The deliverable changed since you loaded it; load it again.")
    fields = data.model_fields_set
    contractual: dict = {}
    if "account_id" in fields and data.account_id != item.account_id:
        account = _account(deal, data.account_id)
        contractual.update(account_id=account.id, platform=account.platform, handle=account.handle)
    fmt = data.format.value if "format" in fields and data.format else item.format
    _format(fmt, contractual.get("platform", item.platform))
    if fmt != item.format:
        contractual["format"] = fmt
    if {"publish_at", "timezone"} & fields:
        timing = _timing(data.publish_at or item.wall, data.timezone or item.timezone)
        contractual.update({k: v for k, v in timing.items() if getattr(item, k) != v})
    if "overrides" in fields:
        index = (deal.deliverable_ids or []).index(item.id) if item.id in (deal.deliverable_ids or []) else 0
        values = _overrides(deal, data.overrides, index) if data.overrides is not None else {}
        if values != service.stored_value(item, "overrides"):
            contractual["overrides"] = values
    free = {name: getattr(data, name) for name in FREE if name in fields and getattr(data, name) != getattr(item, name)}
    if "url" in free:
        free.update(url_changes(deal, item, free["url"], "manager"))
    status = data.status.value if "status" in fields and data.status is not None else None
    if status == item.status:
        status = None
    if not contractual and not free and status is None:
        return item
    if contractual and item.status not in service.NOT_LIVE:
        raise Conflict("The deliverable is live: its account, format, time and terms are what was published.")
    written = _write(principal.actor, deal, item, contractual, free, status,
                     published_at=data.published_at if "published_at" in fields else None)
    if "url" in free and free["url"]:
        placement_hooks.url_set(principal.actor, item.id)
    return written


URL_DEALS = ("signed", "in_progress", "disputed", "completed")  # a live URL is checked under these


def url_changes(deal: DealItem, item: DeliverableItem, url: str | None, source: str) -> dict:
    """What setting the live URL changes: the URL, who gave it, and a new round of placement checks (the
    checks of the old URL are dropped when they come due; what they saw — the sighting, its text, the rules
    a manager waived — belongs to the old post and starts again). Only under a signed deal, on a placement
    not settled (409); a URL the outbound guard refuses is a 422."""
    url = (url or "").strip() or None
    if url:
        if deal.status not in URL_DEALS:
            raise Conflict("Placements are checked under a signed deal: sign the deal first.")
        if item.status in dstatus.FINAL:  # a settled placement is no longer checked
            raise Conflict(f"The deliverable is {item.status}: its placement is settled and no longer checked.")
        refused = placement_hooks.url_problem(url)
        if refused:  # its kind tells the pages which translated sentence to show
            raise ValidationFailed(str(refused), details=[{"field": "url", "message": str(refused),
                                                           "kind": getattr(refused, "kind", "refused")}])
    return {"url": url, "url_source": source if url else None, "placement_round": int(item.placement_round or 0) + 1,
            "found_at": None, "last_seen_at": None, "text_hash": None, "waived": None}


def move(actor: Actor, deliverable_id: str, status: str | None, *, changes: dict | None = None,
         published_at: str | None = None, expect_version: int | None = None) -> DeliverableItem:
    """Move a deliverable for a process that is not a person at the API (the blogger's draft link, the
    creative approval, the placement checks): the same rules and writes, `actor` names who. `status`
    None (or the current one) changes only `changes`; `expect_version` makes it a 409 when the
    deliverable changed since the caller read it."""
    item = repo.get_deliverable(deliverable_id, consistent=True)
    if item is None:
        raise NotFound("No such deliverable.")
    if expect_version is not None and int(item.version) != int(expect_version):
        raise Conflict("The deliverable changed at the same time; load it again.")
    deal = repo.get(item.deal_id, consistent=True)
    return _write(actor, deal, item, {}, dict(changes or {}), status if status != item.status else None,
                  published_at=published_at)


def _write(actor: Actor, deal: DealItem, item: DeliverableItem, contractual: dict, free: dict, status: str | None,
           *, published_at: str | None = None) -> DeliverableItem:
    wanted = {**contractual, **free}
    ops: list = []
    deal_wanted: dict = {}
    if contractual:
        deal_wanted, ops, _events = service.contract_change(deal, {})
    if status is not None:
        try:
            dstatus.move(item.status, status)
        except DealRuleError as exc:
            raise Conflict(str(exc)) from None
        wanted["status"] = status
        if dstatus.counts_as_published(status) and not dstatus.counts_as_published(item.status):
            if deal.status not in ("signed", "in_progress", "disputed", "completed"):
                raise Conflict("A deliverable goes live only under a signed deal: sign the deal first.")
            when = parse_utc(published_at) if published_at else utcnow()
            wanted["published_at"] = iso(when)
            deal_wanted["published_count"] = int(deal.published_count or 0) + 1
            if deal.status == "signed":
                deal_wanted["status"] = "in_progress"
    if "publish_at" in wanted:
        after = DeliverableItem(item.pk, item.sk, id=item.id, brand_id=item.brand_id, publish_at=wanted["publish_at"],
                                post_id=item.post_id)
        wanted.update(repo.deliverable_index_keys(after))
    ops.insert(0, repo.update(item, wanted))
    ops += _money_ops(deal, item, status)
    if deal_wanted:
        ops.append(repo.update(deal, deal_wanted))
    elif "status" in wanted or contractual:
        ops.append(repo.deal_still(deal))
    audited_before = {k: service.stored_value(item, k) for k in wanted if not k.startswith("gsi")}
    repo.commit(actor, Change(deal.brand_id, "deliverable", item.id, "status" if status else "update", audited_before,
                              {k: v for k, v in wanted.items() if not k.startswith("gsi")}, item.version + 1), ops,
                "The deliverable or its deal changed at the same time; load it again.")
    service.after_commit(deal.id)
    return repo.get_deliverable(item.id, consistent=True)


def _money_ops(deal: DealItem, item: DeliverableItem, status: str | None) -> list:
    """Payments that fall due because this move makes every deliverable live (or fulfilled)."""
    if status is None or not deal.payment_ids:
        return []
    others = [d for d in repo.deliverables_of(deal) if d.id != item.id and d.status not in SETTLED_FOR_MONEY]
    statuses = [d.status for d in others] + ([status] if status not in SETTLED_FOR_MONEY else [])
    if not statuses:
        return []
    records = repo.payments_of(deal)
    if not all(dstatus.counts_as_published(s) for s in statuses):
        return []
    triggers = ["on_publication_verified"] + (["on_retention_passed"] if all(s == "fulfilled" for s in statuses)
                                              else [])
    items = [payment_ops.as_rule(r) for r in records]
    for trigger in triggers:
        items = payment_rules.fire(items, trigger, utcnow().date())
    return payment_ops.moved_ops(records, items)
