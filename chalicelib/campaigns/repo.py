"""Campaigns, their cost lines and members in the table (keys and access patterns: models.py): reads,
and the operations a campaign change is made of (`Op`: adds one conditional operation to a
transaction), which `commit` writes with the audit entry, all or nothing."""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.campaigns.models import CampaignItem, CostLineItem, MemberItem, campaign_pk
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db import writes
from chalicelib.core.db.pages import Page, query_one_page
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change

Op = Callable[[object], None]
CAMPAIGN_SK = "CAMPAIGN"
MAX_LISTED = 1000  # a brand's campaigns or a campaign's members read in one call (paged inside)
ACTIVE, ARCHIVED = "active", "archived"


# --- keys ------------------------------------------------------------------------------------------

def campaign_key(campaign_id: str) -> tuple[str, str]:
    return campaign_pk(campaign_id), CAMPAIGN_SK


def brand_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}#CAMPAIGNS"


def list_sk(starts_on: str, campaign_id: str) -> str:
    return f"{starts_on}#{campaign_id}"


def cost_sk(cost_id: str) -> str:
    return f"COST#{cost_id}"


def member_sk(kind: str, subject_id: str) -> str:
    return f"MEMBER#{kind}#{subject_id}"


# --- reads -----------------------------------------------------------------------------------------

def get(campaign_id: str, consistent: bool = False) -> CampaignItem | None:
    """GetItem CAMPAIGN#<id> / CAMPAIGN."""
    return get_item(CampaignItem, *campaign_key(campaign_id), consistent=consistent)


def brand_page(brand_id: str, cursor: str | None, limit: int | None, condition=None, *,
               scope: str = "") -> Page[CampaignItem]:
    """One page of a brand's campaigns, latest start first (Query gsi1 BRAND#<b>#CAMPAIGNS backwards)."""
    db_connection.bind_models()
    return query_one_page(CampaignItem, CampaignItem.gsi1.query, f"campaigns:{brand_id}:{scope}", cursor, limit,
                          hash_key=brand_pk(brand_id), filter_condition=condition, scan_index_forward=False)


def of_brand(brand_id: str, *, limit: int = MAX_LISTED) -> list[CampaignItem]:
    """A brand's campaigns (archived ones too), latest start first, at most `limit`."""
    db_connection.bind_models()
    return list(CampaignItem.gsi1.query(brand_pk(brand_id), scan_index_forward=False, limit=limit))


def _owned(model, campaign_id: str, prefix: str, limit: int | None) -> list:
    db_connection.bind_models()
    return list(model.query(campaign_pk(campaign_id), model.sk.startswith(prefix), limit=limit))


def costs_of(campaign_id: str) -> list[CostLineItem]:
    """All of a campaign's cost lines (Query pk CAMPAIGN#<id>, sk begins_with COST#, paged to the end: a
    campaign holds at most costs.MAX_LINES of them)."""
    return _owned(CostLineItem, campaign_id, "COST#", None)


def get_cost(campaign_id: str, cost_id: str, *, consistent: bool = False) -> CostLineItem | None:
    return get_item(CostLineItem, campaign_pk(campaign_id), cost_sk(cost_id), consistent=consistent)


def members_of(campaign_id: str, kind: str | None = None, *, limit: int | None = None) -> list[MemberItem]:
    """A campaign's members (Query pk CAMPAIGN#<id>, sk begins_with MEMBER#[<kind>#]), every page unless `limit`."""
    return _owned(MemberItem, campaign_id, f"MEMBER#{kind}#" if kind else "MEMBER#", limit)


def members_page(campaign_id: str, cursor: str | None, limit: int | None,
                 kind: str | None = None) -> Page[MemberItem]:
    """One page of a campaign's members, deals before posts (sk begins_with MEMBER#[<kind>#])."""
    db_connection.bind_models()
    prefix = f"MEMBER#{kind}#" if kind else "MEMBER#"
    return query_one_page(MemberItem, MemberItem.query, f"members:{campaign_id}:{kind or ''}", cursor, limit,
                          hash_key=campaign_pk(campaign_id), range_key_condition=MemberItem.sk.startswith(prefix))


# --- operations ------------------------------------------------------------------------------------

def put_new(item) -> Op:
    return lambda tx: tx.save(item, condition=type(item).pk.does_not_exist())


def update(campaign: CampaignItem, changes: dict) -> Op:
    """`changes` (None removes the attribute) and updated_at, if the campaign is still the version read
    (PynamoDB adds the version condition and counts the version up)."""
    actions = [getattr(CampaignItem, k).set(v) if v is not None else getattr(CampaignItem, k).remove()
               for k, v in changes.items()]
    actions.append(CampaignItem.updated_at.set(iso(utcnow())))
    return lambda tx: tx.update(campaign, actions)


def still_active(campaign_id: str, brand_id: str | None = None) -> Op:
    """A condition check: the campaign is there, active (and of the brand)."""
    condition = CampaignItem.status == ACTIVE
    if brand_id is not None:
        condition = condition & (CampaignItem.brand_id == brand_id)
    return lambda tx: tx.condition_check(CampaignItem, *campaign_key(campaign_id), condition=condition)


def count_cost(campaign_id: str, amount_minor: int, lines: int, *, max_total: int | None = None,
               max_lines: int | None = None) -> Op:
    """ADD `amount_minor` and `lines` (negative for a deleted line) to the campaign's cost counters, on the
    condition that it is active and, when given, the total stays ≤ max_total and the count ≤ max_lines.
    Not a campaign edit: its version stays (CampaignItem.CostCounters)."""
    counters = CampaignItem.CostCounters
    condition = counters.status == ACTIVE
    if max_total is not None:
        condition &= counters.costs_minor.does_not_exist() | (counters.costs_minor <= max_total - amount_minor)
    if max_lines is not None:
        condition &= counters.cost_lines.does_not_exist() | (counters.cost_lines <= max_lines - lines)
    item = counters(*campaign_key(campaign_id))
    actions = [counters.costs_minor.add(amount_minor), counters.cost_lines.add(lines)]
    return lambda tx: tx.update(item, actions, condition=condition)


def delete_cost(campaign_id: str, cost_id: str) -> Op:
    item = CostLineItem(campaign_pk(campaign_id), cost_sk(cost_id))
    return lambda tx: tx.delete(item, condition=CostLineItem.pk.exists())


def new_member(campaign_id: str, kind: str, subject_id: str) -> MemberItem:
    return MemberItem(campaign_pk(campaign_id), member_sk(kind, subject_id), campaign_id=campaign_id, kind=kind,
                      subject_id=subject_id, added_at=iso(utcnow()))


def put_member(campaign_id: str, kind: str, subject_id: str) -> Op:
    """Put the member entry (a second put of the same member only renews it: no condition needed)."""
    item = new_member(campaign_id, kind, subject_id)
    return lambda tx: tx.save(item)


def delete_member(campaign_id: str, kind: str, subject_id: str) -> Op:
    """Delete the member entry (whether or not it is there)."""
    item = MemberItem(campaign_pk(campaign_id), member_sk(kind, subject_id))
    return lambda tx: tx.delete(item)


def commit(actor: Actor, change: Change, ops: list[Op], conflict: str) -> None:
    """The operations and the audit entry, all or nothing; a failed condition is a 409 with `conflict`."""
    writes.commit(actor, change, ops, conflict)
