"""The influencer directory in and out of Greenlight as a CSV file (rules/csv_influencers.py says what it
holds).

Export: every influencer of the brand (the directory index, most followers first, a page at a time;
never a Scan) with their accounts (BatchGetItem); the legal columns only for those who may see legal data.

Import is ALL-OR-NOTHING: the whole file is checked against the brand first and a file with any bad row
writes nothing (influencer_import_plan.py; the 422 lists every bad row). `dry_run` stops there. Then it
writes each influencer's plan — its conditional puts and updates with ONE audit entry — packed up to 100
operations per TransactWriteItems and several transactions at once (2,000 new influencers in a few seconds
on DynamoDB Local), and refreshes the influencers the file changed (service.refresh). Only a concurrent
change between the check and the write can stop an import part-way: the 409 names the rows not written
and the ids that were.
"""
from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core import csv_cells
from chalicelib.core.db.pages import drain
from chalicelib.core.db.writes import BatchConflict, OwnedWrite, transact_owned
from chalicelib.core.errors import Conflict
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo, service
from chalicelib.influencers.influencer_import_plan import Plan, accounts_by_id, plan_import
from chalicelib.influencers.models import AccountItem, InfluencerItem
from chalicelib.influencers.rules import csv_influencers
from chalicelib.influencers.rules.csv_values import K
from chalicelib.influencers.transfer_errors import MAX_DETAILS, say

MAX_EXPORT = 5000  # influencers in one file
MAX_OPERATIONS = 100  # in one TransactWriteItems, audit entries included
WRITERS = 8  # transactions in flight at once
REFRESHERS = 8
ROUNDS = 5  # tries of a transaction that met another one


# --- export ------------------------------------------------------------------------------------------------

def _influencer_plain(item: InfluencerItem) -> dict[str, Any]:
    return {"id": item.id, "display_name": item.display_name, "legal_type": item.legal_type,
            "legal_name": item.legal_name, "inn": item.inn, "ogrn": item.ogrn, "country": item.country,
            "contacts": plain(item.contacts) or {}, "agent": plain(item.agent) or {}, "tags": list(item.tags or []),
            "notes": item.notes, "status": item.status}


def _account_plain(item: AccountItem) -> dict[str, Any]:
    data = {c: getattr(item, c, None) for c in csv_influencers.ACCOUNT_COLUMNS}
    data["top_countries"] = plain(item.top_countries) or []
    return data


def export_influencers(principal: Principal, brand_id: str) -> bytes:
    """The brand's directory as CSV (UTF-8 with a BOM), one row per account."""
    principal.require(brand_id, Permission.view_influencers)
    legal = service.shows_legal(principal, brand_id)
    influencers = list(drain(lambda cursor: repo.directory_page(brand_id, "followers", None, None, cursor, 100),
                             max_items=MAX_EXPORT))
    accounts = accounts_by_id([a for i in influencers for a in i.account_ids or []])
    pairs = [(_influencer_plain(i), [_account_plain(accounts[a]) for a in dict.fromkeys(i.account_ids or [])
                                     if a in accounts and accounts[a].gsi1pk])
             for i in influencers]
    return csv_cells.with_bom(csv_influencers.export_influencers(pairs, legal=legal))


# --- import ------------------------------------------------------------------------------------------------

def _packed(plans: list[Plan]) -> list[list[Plan]]:
    """Consecutive plans in transactions of at most MAX_OPERATIONS operations."""
    chunks: list[list[Plan]] = []
    size = 0
    for plan in plans:
        if not chunks or size + plan.size > MAX_OPERATIONS:
            chunks.append([])
            size = 0
        chunks[-1].append(plan)
        size += plan.size
    return chunks


def _write_chunk(actor, chunk: list[Plan]) -> tuple[list[Plan], list[Plan]]:
    """(written, refused): the chunk in one transaction; a plan whose condition failed (something
    changed since the check) is dropped and the rest tried again; one that met another transaction is
    tried again."""
    pending, refused = list(chunk), []
    for round_ in range(ROUNDS):
        if not pending:
            break

        def build(tx: OwnedWrite, plans=tuple(pending)) -> None:
            for plan in plans:
                for operation in plan.operations:
                    operation(tx, (plan.owner,))

        try:
            transact_owned(actor, [p.change for p in pending], build)
        except BatchConflict as exc:
            failed = {p.owner for p in pending if exc.failed.get(p.owner) == "ConditionalCheckFailed"}
            refused += [p for p in pending if p.owner in failed]
            pending = [p for p in pending if p.owner not in failed]
            if not failed:
                time.sleep(random.uniform(0.02, 0.1) * (2 ** round_))
            continue
        return pending, refused
    return [], refused + pending


def _write(actor, plans: list[Plan]) -> tuple[list[Plan], list[Plan]]:
    written, refused = [], []
    chunks = _packed(plans)
    with ThreadPoolExecutor(max_workers=min(WRITERS, max(len(chunks), 1)), thread_name_prefix="csv-import") as pool:
        for done, failed in pool.map(lambda chunk: _write_chunk(actor, chunk), chunks):
            written += done
            refused += failed
    return sorted(written, key=lambda p: p.owner), sorted(refused, key=lambda p: p.owner)


def _refresh_all(actor, influencer_ids: list[str]) -> None:
    if not influencer_ids:
        return
    with ThreadPoolExecutor(max_workers=min(REFRESHERS, len(influencer_ids)), thread_name_prefix="csv-refresh") as pool:
        list(pool.map(lambda i: service.refresh(actor, i), influencer_ids))


def import_influencers(principal: Principal, brand_id: str, data: bytes, *, dry_run: bool = False) -> dict:
    """Check the whole file, then write it (unless `dry_run`): {dry_run, created, updated, accounts,
    influencer_ids}."""
    plans, _ = plan_import(principal, brand_id, data)
    created = [p for p in plans if p.kind == "create"]
    updated = [p for p in plans if p.kind == "update"]
    if dry_run:
        return {"dry_run": True, "created": len(created), "updated": len(updated),
                "accounts": sum(p.accounts for p in plans), "influencer_ids": []}
    actor = principal.actor
    written, refused = _write(actor, plans)
    _refresh_all(actor, [p.influencer_id for p in written if p.kind == "update"])
    result = {"dry_run": False, "created": sum(1 for p in written if p.kind == "create"),
              "updated": sum(1 for p in written if p.kind == "update"),
              "accounts": sum(p.accounts for p in written), "influencer_ids": [p.influencer_id for p in written]}
    if refused:
        language = principal.language
        raise Conflict(say(language, K + "import.partly", refused=len(refused), written=len(written)),
                       details=[{"row": p.row, "field": None, "message": say(language, K + "row.changed_meanwhile")}
                                for p in refused[:MAX_DETAILS]], written=result)
    return result

