"""Approval chains of a brand."""
from __future__ import annotations

from chalicelib.approvals.chains.models import ChainItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_page
from chalicelib.core.db.reads import changed_fields, get_item
from chalicelib.core.db.writes import Actor, Change, transact
from chalicelib.core.ids import new_id

MAX_CHAINS = 100  # a brand's chains are read whole when a post is submitted


def chain_key(chain_id: str) -> tuple[str, str]:
    return f"CHAIN#{chain_id}", "CHAIN"


def brand_chains_key(brand_id: str) -> str:
    return f"BRAND#{brand_id}#CHAINS"


def get(chain_id: str) -> ChainItem | None:
    item = get_item(ChainItem, *chain_key(chain_id))
    return item if item is not None and item.status == "active" else None


def list_for_brand(brand_id: str, cursor: str | None = None, limit: int | None = None) -> Page[ChainItem]:
    db_connection.bind_models()
    return query_page(ChainItem.gsi1.query, f"chains:{brand_id}", cursor, limit, hash_key=brand_chains_key(brand_id))


def all_for_brand(brand_id: str) -> list[ChainItem]:
    db_connection.bind_models()
    return list(ChainItem.gsi1.query(brand_chains_key(brand_id), limit=MAX_CHAINS))


def create(actor: Actor, brand_id: str, values: dict) -> ChainItem:
    chain_id, now = new_id(), iso(utcnow())
    chain = ChainItem(*chain_key(chain_id), gsi1pk=brand_chains_key(brand_id), gsi1sk=chain_id, id=chain_id,
                      brand_id=brand_id, created_at=now, updated_at=now, **values)
    transact(actor, Change(brand_id, "approval_chain", chain_id, "create", after={"name": chain.name}, version=1),
             lambda tx: tx.save(chain, condition=ChainItem.pk.does_not_exist()))
    return chain


def update(actor: Actor, chain: ChainItem, wanted: dict) -> ChainItem:
    changes, before = changed_fields(chain, wanted)
    if not changes:
        return chain
    actions = [getattr(ChainItem, k).set(v) for k, v in changes.items()] + [ChainItem.updated_at.set(iso(utcnow()))]
    transact(actor, Change(chain.brand_id, "approval_chain", chain.id, "update",
                           {k: str(v) for k, v in before.items()}, {k: str(v) for k, v in changes.items()},
                           chain.version + 1),
             lambda tx: tx.update(chain, actions, condition=ChainItem.status == "active"))
    return get(chain.id)


def delete(actor: Actor, chain: ChainItem) -> None:
    actions = [ChainItem.status.set("deleted"), ChainItem.gsi1pk.remove(), ChainItem.gsi1sk.remove()]
    transact(actor, Change(chain.brand_id, "approval_chain", chain.id, "delete", {"name": chain.name}, None,
                         chain.version + 1),
             lambda tx: tx.update(chain, actions, condition=ChainItem.status == "active"))
