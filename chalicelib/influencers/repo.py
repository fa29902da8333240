"""Influencers, accounts, snapshots and handles in the table (keys and access patterns: models.py).
Every change is one conditional transaction with its audit entry."""
from __future__ import annotations

from decimal import Decimal

from pynamodb.expressions.condition import size

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_one_page, query_page
from chalicelib.core.db.put_unique import put_unique, release
from chalicelib.core.db.reads import changed_fields, get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.influencers.models import AccountItem, HandleItem, InfluencerItem, SnapshotItem

FOLLOWERS_DIGITS = 12
MAX_FOLLOWERS = 10**FOLLOWERS_DIGITS - 1
MAX_ACCOUNTS = 20  # per influencer
ER_SCALE = Decimal(1000)  # ER percent to 3 decimals in the sort key
MAX_ER_KEY = 10**9 - 1


# --- keys ------------------------------------------------------------------------------------------

def influencer_key(influencer_id: str) -> tuple[str, str]:
    return f"INFLUENCER#{influencer_id}", "INFLUENCER"


def account_key(account_id: str) -> tuple[str, str]:
    return f"ACCOUNT#{account_id}", "ACCOUNT"


def snapshot_sk(day: str) -> str:
    return f"SNAPSHOT#{day}"


def handle_key(brand_id: str, platform: str, handle: str) -> tuple[str, str]:
    return f"HANDLE#{brand_id}#{platform}#{normal_handle(handle)}", "HANDLE"


def normal_handle(handle: str) -> str:
    """The handle as compared for uniqueness: Unicode-compatibility normalised (full-width ａｎｎａ is
    anna), no leading @, case-folded."""
    import unicodedata

    return unicodedata.normalize("NFKC", handle).strip().lstrip("@").casefold()


def followers_key(followers: int | None) -> str:
    """Sorts most followers first (an ascending index over inverted numbers); unknown last."""
    return f"{MAX_FOLLOWERS - min(max(int(followers or 0), 0), MAX_FOLLOWERS):0{FOLLOWERS_DIGITS}d}"


def er_key(er: str | Decimal | None) -> str:
    """Sorts the highest ER first; unknown last."""
    if er is None:
        return f"{MAX_ER_KEY:09d}"
    scaled = int((Decimal(str(er)) * ER_SCALE).to_integral_value())
    return f"{MAX_ER_KEY - min(max(scaled, 0), MAX_ER_KEY - 1):09d}"


def directory_pk(brand_id: str, order: str) -> str:
    return f"BRAND#{brand_id}#INFLUENCERS#{order.upper()}"


def platform_pk(brand_id: str, platform: str, order: str) -> str:
    return f"BRAND#{brand_id}#ACCOUNTS#{platform}#{order.upper()}"


def influencer_index_keys(item: InfluencerItem) -> dict:
    return {"gsi1pk": directory_pk(item.brand_id, "followers"),
            "gsi1sk": f"{followers_key(item.top_followers)}#{item.id}",
            "gsi2pk": directory_pk(item.brand_id, "er"), "gsi2sk": f"{er_key(item.top_er)}#{item.id}"}


def account_index_keys(brand_id: str, account_id: str, platform: str, followers, er) -> dict:
    return {"gsi1pk": platform_pk(brand_id, platform, "followers"),
            "gsi1sk": f"{followers_key(followers)}#{account_id}",
            "gsi2pk": platform_pk(brand_id, platform, "er"), "gsi2sk": f"{er_key(er)}#{account_id}"}


# --- reads -----------------------------------------------------------------------------------------

def get(influencer_id: str, *, consistent: bool = False) -> InfluencerItem | None:
    item = get_item(InfluencerItem, *influencer_key(influencer_id), consistent=consistent)
    return item if item is not None and not item.archived else None


def get_account(account_id: str, *, consistent: bool = False) -> AccountItem | None:
    return get_item(AccountItem, *account_key(account_id), consistent=consistent)


def accounts_of(influencer: InfluencerItem) -> list[AccountItem]:
    """The influencer's accounts, in the order they were added (BatchGetItem)."""
    db_connection.bind_models()
    ids = list(dict.fromkeys(influencer.account_ids or []))
    if not ids:
        return []
    found = {a.id: a for a in AccountItem.batch_get([account_key(i) for i in ids], consistent_read=True)}
    return [found[i] for i in ids if i in found]


def batch_get(influencer_ids: list[str]) -> list[InfluencerItem]:
    db_connection.bind_models()
    ids = list(dict.fromkeys(influencer_ids))
    if not ids:
        return []
    found = {i.id: i for i in InfluencerItem.batch_get([influencer_key(i) for i in ids]) if not i.archived}
    return [found[i] for i in ids if i in found]


def directory_page(brand_id: str, order: str, key_range: tuple[str, str] | None, condition, cursor: str | None,
                   limit: int | None, *, scope: str = "") -> Page[InfluencerItem]:
    """One page of a brand's influencers, most followers (or highest ER) first: one DynamoDB page read
    (a filter may leave it short; the cursor goes on). `scope` names the key range and filters, so a
    cursor only continues the listing that issued it."""
    db_connection.bind_models()
    index = InfluencerItem.gsi1 if order == "followers" else InfluencerItem.gsi2
    sort_attr = InfluencerItem.gsi1sk if order == "followers" else InfluencerItem.gsi2sk
    return query_one_page(InfluencerItem, index.query, f"influencers:{brand_id}:{order}:{scope}", cursor, limit,
                          hash_key=directory_pk(brand_id, order),
                          range_key_condition=sort_attr.between(*key_range) if key_range else None,
                          filter_condition=condition)


def platform_page(brand_id: str, platform: str, order: str, key_range: tuple[str, str] | None, cursor: str | None,
                  limit: int | None, *, scope: str = "") -> Page[AccountItem]:
    """One page of a brand's accounts on one platform, most followers (or highest ER) first."""
    db_connection.bind_models()
    index = AccountItem.gsi1 if order == "followers" else AccountItem.gsi2
    sort_attr = AccountItem.gsi1sk if order == "followers" else AccountItem.gsi2sk
    return query_one_page(AccountItem, index.query, f"accounts:{brand_id}:{platform}:{order}:{scope}", cursor, limit,
                          hash_key=platform_pk(brand_id, platform, order),
                          range_key_condition=sort_attr.between(*key_range) if key_range else None)


def snapshots(account_id: str, cursor: str | None = None, limit: int | None = None) -> Page[SnapshotItem]:
    db_connection.bind_models()
    return query_page(SnapshotItem.query, f"snapshots:{account_id}", cursor, limit, consistent_read=True,
                      hash_key=account_key(account_id)[0], range_key_condition=SnapshotItem.sk.startswith("SNAPSHOT#"))


def history(account_id: str, max_items: int = 2000) -> list[SnapshotItem]:
    """An account's newest snapshots (about five years of daily measurements at most), oldest first."""
    db_connection.bind_models()
    newest = SnapshotItem.query(account_key(account_id)[0], SnapshotItem.sk.startswith("SNAPSHOT#"),
                                scan_index_forward=False, limit=max_items, page_size=500, consistent_read=True)
    return list(reversed(list(newest)))


# --- writes ----------------------------------------------------------------------------------------

def _audited(item, values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "updated_at")}


def _set_actions(model, changes: dict) -> list:
    """Update actions for `changes` (None removes the attribute), and the item's updated_at."""
    return [*(getattr(model, k).set(v) if v is not None else getattr(model, k).remove() for k, v in changes.items()),
            model.updated_at.set(iso(utcnow()))]


def create(actor: Actor, item: InfluencerItem, audited: dict) -> None:
    transact(actor, Change(item.brand_id, "influencer", item.id, "create", after=audited, version=1),
             lambda tx: tx.save(item, condition=InfluencerItem.pk.does_not_exist()))


def update(actor: Actor, item: InfluencerItem, wanted: dict, *, action: str = "update",
           audited: set[str] | None = None) -> InfluencerItem:
    """Set `wanted` if the influencer is still the version read; audit the fields that changed."""
    changes, before = changed_fields(item, wanted)
    if not changes:
        return item
    actions = _set_actions(InfluencerItem, changes)
    shown = audited if audited is not None else set(changes)
    try:
        transact(actor, Change(item.brand_id, "influencer", item.id, action,
                               _audited(item, {k: before[k] for k in changes if k in shown}),
                               _audited(item, {k: changes[k] for k in changes if k in shown}), item.version + 1),
                 lambda tx: tx.update(item, actions, condition=InfluencerItem.archived.does_not_exist()))
    except WriteConflict:
        raise Conflict("The influencer changed since you loaded it; load it again.") from None
    return get(item.id, consistent=True)


def archive(actor: Actor, item: InfluencerItem, accounts: list[AccountItem]) -> None:
    """Leave every list (the items stay for the audit trail and deals); free the handles."""
    now = iso(utcnow())

    def build(tx):
        tx.update(item, [InfluencerItem.archived.set(now), InfluencerItem.gsi1pk.remove(),
                         InfluencerItem.gsi1sk.remove(), InfluencerItem.gsi2pk.remove(),
                         InfluencerItem.gsi2sk.remove(), InfluencerItem.updated_at.set(now)],
                  condition=InfluencerItem.archived.does_not_exist())
        for account in accounts:
            tx.update(account, [AccountItem.gsi1pk.remove(), AccountItem.gsi1sk.remove(),
                                AccountItem.gsi2pk.remove(), AccountItem.gsi2sk.remove()])
            release(tx, HandleItem(*handle_key(item.brand_id, account.platform, account.handle)),
                    HandleItem.account_id == account.id)

    try:
        transact(actor, Change(item.brand_id, "influencer", item.id, "delete", {"display_name": item.display_name},
                               None, item.version + 1), build)
    except WriteConflict:
        raise Conflict("The influencer changed since you loaded it; load it again.") from None


def add_account(actor: Actor, influencer: InfluencerItem, account: AccountItem, audited: dict) -> None:
    """The account, its handle (unique per platform in the brand) and its id on the influencer, at once."""
    def build(tx):
        tx.save(account, condition=AccountItem.pk.does_not_exist())
        put_unique(tx, HandleItem(*handle_key(account.brand_id, account.platform, account.handle),
                                  account_id=account.id))
        # appending commutes: another account added at the same time is no conflict, within the cap
        tx.update(influencer, [InfluencerItem.account_ids.set(InfluencerItem.account_ids.append([account.id])),
                               InfluencerItem.updated_at.set(iso(utcnow()))],
                  condition=InfluencerItem.archived.does_not_exist()
                  & (size(InfluencerItem.account_ids) < MAX_ACCOUNTS), add_version_condition=False)

    try:
        transact(actor, Change(account.brand_id, "account", account.id, "create",
                               after={"influencer_id": influencer.id, **audited}, version=1), build)
    except WriteConflict:
        raise _account_conflict(account, account.handle) from None


def update_account(actor: Actor, account: AccountItem, wanted: dict) -> AccountItem:
    changes, before = changed_fields(account, wanted)
    if not changes:
        return account
    actions = _set_actions(AccountItem, changes)
    new_handle = "handle" in changes and normal_handle(changes["handle"]) != normal_handle(account.handle)

    def build(tx):
        tx.update(account, actions, condition=AccountItem.gsi1pk.exists())  # + its version: PynamoDB adds it
        if new_handle:
            put_unique(tx, HandleItem(*handle_key(account.brand_id, account.platform, changes["handle"]),
                                      account_id=account.id))
            release(tx, HandleItem(*handle_key(account.brand_id, account.platform, account.handle)),
                    HandleItem.account_id == account.id)

    try:
        transact(actor, Change(account.brand_id, "account", account.id, "update", _audited(account, before),
                               _audited(account, changes), account.version + 1), build)
    except WriteConflict:
        raise _account_conflict(account, changes.get("handle", account.handle)) from None
    return get_account(account.id, consistent=True)


def delete_account(actor: Actor, influencer: InfluencerItem, account: AccountItem) -> None:
    """Out of the influencer and the lists, its handle freed; the item and its history stay."""
    def build(tx):
        tx.update(account, [AccountItem.gsi1pk.remove(), AccountItem.gsi1sk.remove(), AccountItem.gsi2pk.remove(),
                            AccountItem.gsi2sk.remove()], condition=AccountItem.gsi1pk.exists())
        release(tx, HandleItem(*handle_key(account.brand_id, account.platform, account.handle)),
                HandleItem.account_id == account.id)
        kept = [a for a in influencer.account_ids or [] if a != account.id]
        tx.update(influencer, [InfluencerItem.account_ids.set(kept), InfluencerItem.updated_at.set(iso(utcnow()))],
                  condition=InfluencerItem.archived.does_not_exist())

    try:
        transact(actor, Change(account.brand_id, "account", account.id, "delete",
                               {"platform": account.platform, "handle": account.handle}, None,
                               account.version + 1), build)
    except WriteConflict:
        raise Conflict("The account or its influencer changed at the same time; load it again.") from None


def put_snapshot(actor: Actor, account: AccountItem, snapshot: SnapshotItem) -> None:
    """One day's measurement (replacing that day's), only while the account is listed."""
    def build(tx):
        tx.condition_check(AccountItem, account.pk, account.sk, condition=AccountItem.gsi1pk.exists())
        tx.save(snapshot)

    try:
        transact(actor, Change(account.brand_id, "account", account.id, "snapshot",
                               after={"taken_on": snapshot.taken_on, "followers": snapshot.followers,
                                      "source": snapshot.source}), build)
    except WriteConflict:
        raise Conflict("The account was removed.") from None


def _account_conflict(account: AccountItem, handle: str) -> Conflict:
    """Why an account write was refused: its handle belongs to another account, or something changed."""
    owner = get_item(HandleItem, *handle_key(account.brand_id, account.platform, handle), consistent=True)
    if owner is not None and owner.account_id != account.id:
        return Conflict("This handle is already in this brand's directory on that platform.",
                        details=[{"field": "handle", "message": "taken"}])
    return Conflict("The account or its influencer changed at the same time; load it again.")
