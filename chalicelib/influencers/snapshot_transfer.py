"""An account's measurements in and out of Greenlight as a CSV file (rules/csv_snapshots.py says what it
holds): the export, oldest day first, and the checked, all-or-nothing import (a day already stored is
replaced), written in transactions that each check the account is still there, then one refresh of the
influencer."""
from __future__ import annotations

from chalicelib.core import csv_cells
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo, service
from chalicelib.influencers.models import AccountItem, SnapshotItem
from chalicelib.influencers.rules import csv_snapshots
from chalicelib.influencers.rules.csv_values import K
from chalicelib.influencers.transfer_errors import refuse, say

# a TransactWriteItems holds 100 operations: the days, the account's condition check and the audit entry
SNAPSHOTS_PER_TRANSACTION = 100 - 2


def export_snapshots(principal: Principal, account_id: str) -> bytes:
    """An account's measurements as CSV, oldest first."""
    account, _ = service.get_account(principal, account_id)
    snapshots = [{c: getattr(s, c, None) for c in csv_snapshots.SNAPSHOT_COLUMNS} for s in repo.history(account.id)]
    return csv_cells.with_bom(csv_snapshots.export_snapshots(snapshots))


def import_snapshots(principal: Principal, account_id: str, data: bytes, *, dry_run: bool = False) -> dict:
    """An account's measurements from a file (one row per day; a day already stored is replaced), then
    one refresh of the influencer. {dry_run, imported, first, last}."""
    account, influencer = service.get_account(principal, account_id)
    principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    parsed = csv_snapshots.parse_snapshots(data, today=utcnow().date())
    if parsed.errors:
        raise refuse(parsed.errors, principal.language)
    days = sorted(r.values["taken_on"] for r in parsed.rows)
    result = {"dry_run": dry_run, "imported": len(days), "first": days[0] if days else None,
              "last": days[-1] if days else None}
    if dry_run or not days:
        return result
    now = iso(utcnow())
    items = [SnapshotItem(repo.account_key(account.id)[0], repo.snapshot_sk(r.values["taken_on"]),
                          account_id=account.id, source="csv", created_at=now, **r.values)
             for r in sorted(parsed.rows, key=lambda r: r.values["taken_on"])]
    for start in range(0, len(items), SNAPSHOTS_PER_TRANSACTION):
        chunk = items[start:start + SNAPSHOTS_PER_TRANSACTION]

        def build(tx, chunk=chunk) -> None:
            tx.condition_check(AccountItem, account.pk, account.sk, condition=AccountItem.gsi1pk.exists())
            for item in chunk:
                tx.save(item)

        try:
            transact(principal.actor, Change(account.brand_id, "account", account.id, "snapshot_import",
                                             after={"first": chunk[0].taken_on, "last": chunk[-1].taken_on,
                                                    "days": len(chunk), "source": "csv"}), build)
        except WriteConflict:
            raise Conflict(say(principal.language, K + "snapshots.account_removed")) from None
    service.refresh(principal.actor, influencer.id)
    return result

