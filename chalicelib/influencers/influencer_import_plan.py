"""An influencers file checked against the brand, and what importing it will write (influencer_transfer.py
writes it; rules/csv_influencers.py reads the file).

Every row is checked first — the API's own models, INN/OGRN check digits, handles unique in the file and in
the brand (the HandleItems, one BatchGetItem), the ids of influencers the file updates — and a file with any
bad row writes nothing: the 422 lists every bad row ({row, field, message}, spreadsheet rows). Each
influencer then is one Plan: its conditional puts and updates (new items: attribute_not_exists; changed
ones: their version; a handle: its unique item) with ONE audit entry. A new influencer's directory figures
(top followers, best ER, platforms, search text, verdict) are computed here, from its accounts in memory
(they have no history yet); an influencer the file changes is refreshed after the write (service.refresh,
which reads its history).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib.brands.service import brand_settings
from chalicelib.brands.service import get as get_brand
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.writes import Change, OwnedWrite
from chalicelib.core.ids import new_id
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo, service
from chalicelib.influencers.models import AccountItem, HandleItem, InfluencerItem
from chalicelib.influencers.rules import csv_influencers, vetting
from chalicelib.influencers.rules import facts as f
from chalicelib.influencers.rules.csv_influencers import AGENT_COLUMNS, CONTACT_COLUMNS, MAX_ACCOUNTS
from chalicelib.influencers.rules.csv_legal import legal_errors
from chalicelib.influencers.rules.csv_values import K, RowError
from chalicelib.influencers.transfer_errors import refuse

ACCOUNT_FIGURES = ("followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled",
                   "audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct")
INFLUENCER_FIELDS = ("display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "tags", "notes")
LEGAL_FIELDS = ("legal_name", "inn", "ogrn", "contacts")


@dataclass
class Plan:
    """One influencer's writes: its operations (each adds itself to the transaction) and audit entry."""

    owner: int
    row: int
    influencer_id: str
    kind: str  # create | update
    operations: list[Callable[[OwnedWrite, tuple], None]]
    change: Change
    accounts: int  # accounts added or changed

    @property
    def size(self) -> int:
        return len(self.operations) + 1


@dataclass
class ImportContext:
    brand_id: str
    owner_id: str
    settings: f.VettingSettings
    today: date
    now: str
    errors: list[RowError] = field(default_factory=list)

    def error(self, row: int, column: str | None, key: str, /, **params) -> None:
        self.errors.append(RowError(row, column, key, params))


def accounts_by_id(account_ids: list[str]) -> dict[str, AccountItem]:
    """Accounts by id, 100 to a BatchGetItem (PynamoDB splits the keys)."""
    db_connection.bind_models()
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        return {}
    return {a.id: a for a in AccountItem.batch_get([repo.account_key(i) for i in ids])}


def _stored_account(brand_id: str, influencer_id: str, row: csv_influencers.AccountRow,
                    ctx: ImportContext) -> AccountItem:
    account_id = new_id()
    values = {k: v for k, v in row.values.items() if v is not None and v != []}
    account = AccountItem(*repo.account_key(account_id), id=account_id, brand_id=brand_id,
                          influencer_id=influencer_id, platform=row.platform, handle=row.handle,
                          measured_on=ctx.today.isoformat(), created_at=ctx.now, updated_at=ctx.now, **values)
    account.er = service.er_of(account)
    for name, value in repo.account_index_keys(brand_id, account_id, account.platform, account.followers,
                                                account.er).items():
        setattr(account, name, value)
    return account


def _figures(item: InfluencerItem, accounts: list[AccountItem], ctx: ImportContext) -> dict[str, Any]:
    """What service.refresh would write for an influencer whose accounts have no history yet (without
    accounts, what service.create writes: a warning, since nothing was measured)."""
    ers = [service.decimal_of(a.er) for a in accounts if a.er]
    facts = f.InfluencerFacts(influencer_id=item.id, country=item.country,
                              accounts=tuple(service.account_facts(a) for a in accounts))
    return {"top_followers": max([int(a.followers or 0) for a in accounts], default=0),
            "top_er": str(max(ers)) if ers else None, "platforms": sorted({a.platform for a in accounts}),
            "search": service.search_text(item, accounts),
            "verdict": vetting.vet(facts, ctx.settings, ctx.today).verdict, "verdict_at": ctx.now}


def _merged(values: dict[str, Any], columns: dict[str, str], current: dict | None = None) -> dict:
    """The contacts (CONTACT_COLUMNS) or the agent (AGENT_COLUMNS): the file's columns over `current`."""
    merged = dict(current or {})
    for column, key in columns.items():
        if column in values:
            merged[key] = values[column]
    return {k: v for k, v in merged.items() if v is not None}


def _new_accounts(brand_id: str, accounts: list[AccountItem]) -> list[Callable[[OwnedWrite, tuple], None]]:
    """The puts of new accounts, each with the item that keeps its handle unique in the brand."""
    operations: list[Callable[[OwnedWrite, tuple], None]] = []
    for account in accounts:
        operations.append(lambda tx, owners, a=account: tx.save(owners, a, condition=AccountItem.pk.does_not_exist()))
        handle = HandleItem(*repo.handle_key(brand_id, account.platform, account.handle), account_id=account.id)
        operations.append(lambda tx, owners, h=handle: tx.save(owners, h, condition=HandleItem.pk.does_not_exist()))
    return operations


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail may keep: legal data stays out (only that it changed)."""
    shown = {k: v for k, v in values.items() if k not in LEGAL_FIELDS}
    if set(values) & set(LEGAL_FIELDS):
        shown["legal"] = "changed"
    return shown


def _plan_create(owner: int, group: csv_influencers.InfluencerRows, ctx: ImportContext) -> Plan:
    values = group.values
    influencer_id = new_id()
    item = InfluencerItem(*repo.influencer_key(influencer_id), id=influencer_id, brand_id=ctx.brand_id,
                          owner_id=ctx.owner_id, status="prospect", display_name=values["display_name"],
                          legal_type=values.get("legal_type") or "individual",
                          contacts=_merged(values, CONTACT_COLUMNS), agent=_merged(values, AGENT_COLUMNS),
                          tags=values.get("tags") or [],
                          created_at=ctx.now, updated_at=ctx.now,
                          **{k: values.get(k) for k in ("legal_name", "inn", "ogrn", "country", "notes")})
    accounts = [_stored_account(ctx.brand_id, influencer_id, row, ctx) for row in group.accounts]
    item.account_ids = [a.id for a in accounts]
    for name, value in _figures(item, accounts, ctx).items():
        setattr(item, name, value)
    for name, value in repo.influencer_index_keys(item).items():
        setattr(item, name, value)

    operations: list[Callable[[OwnedWrite, tuple], None]] = [
        lambda tx, owners: tx.save(owners, item, condition=InfluencerItem.pk.does_not_exist())]
    operations += _new_accounts(ctx.brand_id, accounts)
    after = _shown({"display_name": item.display_name, "legal_type": item.legal_type, "country": item.country,
                    "tags": list(item.tags), "status": item.status, "owner_id": item.owner_id,
                    **{k: v for k, v in (("legal_name", item.legal_name), ("inn", item.inn), ("ogrn", item.ogrn),
                                         ("contacts", plain(item.contacts))) if v}})
    after.update(source="csv", accounts=[{"platform": a.platform, "handle": a.handle, "followers": a.followers}
                                         for a in accounts])
    change = Change(ctx.brand_id, "influencer", influencer_id, "create", after=after, version=1)
    return Plan(owner, group.row, influencer_id, "create", operations, change, len(accounts))


def _same(a: Any, b: Any) -> bool:
    return plain(a) == plain(b) or (a in (None, "", []) and b in (None, "", []))


def _plan_update(owner: int, group: csv_influencers.InfluencerRows, item: InfluencerItem, current: list[AccountItem],
                 handles: dict[tuple[str, str], HandleItem], ctx: ImportContext) -> Plan | None:
    values = group.values
    if {"inn", "ogrn", "legal_type"} & set(values):  # what the row leaves out is what is stored: check both
        merged = {c: values.get(c, getattr(item, c)) for c in ("inn", "ogrn")}
        for column, key in legal_errors(merged, values.get("legal_type") or item.legal_type):
            ctx.error(group.row, column if column in values else "legal_type", key)
    changes: dict[str, Any] = {}
    for name in INFLUENCER_FIELDS:
        if name in values and not _same(values[name], getattr(item, name)):
            changes[name] = values[name]
    if set(values) & set(CONTACT_COLUMNS):
        contacts = _merged(values, CONTACT_COLUMNS, plain(item.contacts))
        if not _same(contacts, plain(item.contacts) or {}):
            changes["contacts"] = contacts
    if set(values) & set(AGENT_COLUMNS):
        agent = _merged(values, AGENT_COLUMNS, plain(item.agent))
        if not _same(agent, plain(item.agent) or {}):
            changes["agent"] = agent

    mine = {(a.platform, repo.normal_handle(a.handle)): a for a in current}
    operations: list[Callable[[OwnedWrite, tuple], None]] = []
    added, changed = [], []
    for row in group.accounts:
        key = (row.platform, repo.normal_handle(row.handle))
        taken = handles.get(key)
        account = mine.get(key)
        if taken is not None and (account is None or taken.account_id != account.id):
            ctx.error(row.row, "handle", K + "row.handle_taken", handle=row.handle, platform=row.platform)
            continue
        if account is None:
            added.append(_stored_account(ctx.brand_id, item.id, row, ctx))
            continue
        wanted = {k: v for k, v in row.values.items() if not _same(v, getattr(account, k, None))}
        if row.handle != account.handle:
            wanted["handle"] = row.handle  # the same handle, written differently ("@Anna" for "anna")
        if not wanted:
            continue
        if set(wanted) & set(ACCOUNT_FIGURES):
            wanted["measured_on"] = ctx.today.isoformat()
        preview = AccountItem(**{k: wanted.get(k, getattr(account, k)) for k in
                                 ("platform", "followers", "avg_views", "avg_likes", "avg_comments", "avg_shares")})
        wanted["er"] = service.er_of(preview)
        wanted.update(repo.account_index_keys(account.brand_id, account.id, account.platform, preview.followers,
                                              wanted["er"]))
        actions = [getattr(AccountItem, k).set(v) if v not in (None, []) or k == "top_countries"
                   else getattr(AccountItem, k).remove() for k, v in wanted.items()]
        actions.append(AccountItem.updated_at.set(ctx.now))
        operations.append(lambda tx, owners, a=account, act=actions:
                          tx.update(owners, a, act, condition=AccountItem.gsi1pk.exists()))
        changed.append({"platform": account.platform, "handle": account.handle,
                        **{k: v for k, v in wanted.items() if k in ACCOUNT_FIGURES}})
    if len(item.account_ids or []) + len(added) > MAX_ACCOUNTS:
        ctx.error(group.row, "platform", K + "row.too_many_accounts", limit=MAX_ACCOUNTS)
    if not changes and not operations and not added:
        return None

    operations += _new_accounts(ctx.brand_id, added)
    actions = [getattr(InfluencerItem, k).set(v) if v not in (None, "") or k in ("contacts", "agent", "tags")
               else getattr(InfluencerItem, k).remove() for k, v in changes.items()]
    if added:
        actions.append(InfluencerItem.account_ids.set(list(item.account_ids or []) + [a.id for a in added]))
    actions.append(InfluencerItem.updated_at.set(ctx.now))
    operations.insert(0, lambda tx, owners: tx.update(owners, item, actions,
                                                      condition=InfluencerItem.archived.does_not_exist()))
    before = _shown({k: plain(getattr(item, k)) for k in changes})
    after = _shown(dict(changes))
    after.update(source="csv")
    if added:
        after["accounts_added"] = [{"platform": a.platform, "handle": a.handle, "followers": a.followers}
                                   for a in added]
    if changed:
        after["accounts_changed"] = changed
    change = Change(ctx.brand_id, "influencer", item.id, "import", before=before, after=after,
                    version=int(item.version) + 1)
    return Plan(owner, group.row, item.id, "update", operations, change, len(added) + len(changed))


def _existing(brand_id: str, groups: list[csv_influencers.InfluencerRows], ctx: ImportContext
              ) -> tuple[dict[str, InfluencerItem], dict[str, list[AccountItem]]]:
    """The brand's influencers the file names by id (one BatchGetItem per 100), and their accounts."""
    ids = [g.influencer_id for g in groups if g.influencer_id]
    found = {i.id: i for i in repo.batch_get(ids) if i.brand_id == brand_id} if ids else {}
    for group in groups:
        if group.influencer_id and group.influencer_id not in found:
            ctx.error(group.row, "influencer_id", K + "row.unknown_influencer", id=group.influencer_id)
    accounts = accounts_by_id([a for i in found.values() for a in i.account_ids or []])
    return found, {i.id: [accounts[a] for a in dict.fromkeys(i.account_ids or [])
                          if a in accounts and accounts[a].gsi1pk]
                   for i in found.values()}


def _taken_handles(brand_id: str, groups: list[csv_influencers.InfluencerRows]) -> dict[tuple[str, str], HandleItem]:
    """The file's handles already in the brand's directory (one BatchGetItem per 100, strongly consistent)."""
    db_connection.bind_models()
    keys = {(a.platform, repo.normal_handle(a.handle)) for g in groups for a in g.accounts}
    if not keys:
        return {}
    wanted = {repo.handle_key(brand_id, platform, handle)[0]: (platform, handle) for platform, handle in keys}
    found = HandleItem.batch_get([(pk, "HANDLE") for pk in wanted], consistent_read=True)
    return {wanted[h.pk]: h for h in found}


def _settings(brand) -> f.VettingSettings:
    return vetting.settings_from((brand_settings(brand) if brand else {}).get("vetting") or {})


def plan_import(principal: Principal, brand_id: str, data: bytes) -> tuple[list[Plan], ImportContext]:
    """Read and check the file against the brand; the writes, or a 422 listing every bad row."""
    principal.require(brand_id, Permission.manage_influencers)
    brand = get_brand(principal, brand_id)
    now = utcnow()
    ctx = ImportContext(brand_id, principal.user_id, _settings(brand), now.date(), iso(now))
    parsed = csv_influencers.parse_influencers(data)
    if parsed.errors and (not parsed.readable or parsed.errors[-1].key == K + "file.too_many_errors"):
        raise refuse(parsed.errors, principal.language)
    ctx.errors.extend(parsed.errors)
    groups = parsed.readable  # every influencer when the file has no error; else the rows checked further
    existing, accounts = _existing(brand_id, groups, ctx)
    handles = _taken_handles(brand_id, groups)
    plans: list[Plan] = []
    for group in groups:
        if group.influencer_id:
            item = existing.get(group.influencer_id)
            plan = _plan_update(len(plans), group, item, accounts[item.id], handles, ctx) if item else None
        else:
            for row in group.accounts:
                if (row.platform, repo.normal_handle(row.handle)) in handles:
                    ctx.error(row.row, "handle", K + "row.handle_taken", handle=row.handle, platform=row.platform)
            plan = _plan_create(len(plans), group, ctx)
        if plan is not None:
            plans.append(plan)
    if ctx.errors:
        raise refuse(sorted(ctx.errors, key=lambda e: e.row), principal.language)
    return plans, ctx


