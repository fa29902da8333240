"""Metric snapshots in the table (keys and access patterns: campaigns/models.py): their keys, the snapshot
items of one subject, and the write of a new one.

    metric snapshot   pk METRICS#<subject>   sk <taken_at>#<source>#<values hash>

The sk's last part is a hash of the values (not a random id): a retry of the same entry (the same subject,
instant, source and values) finds its own item and writes nothing, while two snapshots at one instant —
from different sources, or with different values — are distinct items.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from chalicelib.campaigns.models import MetricSnapshotItem
from chalicelib.core.db import connection as db_connection

HASH_LENGTH = 16  # hex characters of sha256: 64 bits, plenty for the snapshots of one subject at one instant


def snapshots_pk(subject: str) -> str:
    return f"METRICS#{subject}"


def values_hash(values: Mapping[str, int]) -> str:
    canonical = json.dumps({k: int(v) for k, v in sorted(values.items())}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def snapshot_sk(taken_at: str, source: str, values: Mapping[str, int]) -> str:
    return f"{taken_at}#{source}#{values_hash(values)}"


def new_snapshot(subject: str, taken_at: str, source: str, values: Mapping[str, int], *,
                 entered_by: str | None) -> MetricSnapshotItem:
    return MetricSnapshotItem(snapshots_pk(subject), snapshot_sk(taken_at, source, values), subject=subject,
                              taken_at=taken_at, source=source, values={k: int(v) for k, v in values.items()},
                              entered_by=entered_by)


def snapshots_of(subject: str) -> list[MetricSnapshotItem]:
    """Every stored snapshot of a subject, oldest first (Query pk METRICS#<subject>; the iterator follows
    every page)."""
    db_connection.bind_models()
    return list(MetricSnapshotItem.query(snapshots_pk(subject)))


def not_there():
    """The condition of a snapshot's put: no item with its key (a retry writes nothing)."""
    return MetricSnapshotItem.pk.does_not_exist()


def member_ids(campaign_id: str) -> tuple[list[str], list[str]]:
    """(post ids, deal ids) of the campaign's members, in the order they were added (Query pk CAMPAIGN#<id>,
    sk begins_with MEMBER#)."""
    from chalicelib.campaigns.models import MemberItem, campaign_pk

    db_connection.bind_models()
    members = sorted(MemberItem.query(campaign_pk(campaign_id), MemberItem.sk.startswith("MEMBER#")),
                     key=lambda m: (m.added_at or "", m.sk))
    return ([m.subject_id for m in members if m.kind == "post"], [m.subject_id for m in members if m.kind == "deal"])


def batch(model, keys: list[tuple[str, str]]) -> list:
    """Items by key (BatchGetItem, consistent; PynamoDB splits it into requests of 100), missing ones left out."""
    db_connection.bind_models()
    keys = list(dict.fromkeys(keys))
    return list(model.batch_get(keys, consistent_read=True)) if keys else []
