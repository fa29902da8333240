"""Metric snapshots as the API shows them (schemas.py)."""
from __future__ import annotations

from chalicelib.campaigns.metrics.schemas import SnapshotOut, SubjectOut


def snapshot_out(snapshot) -> SnapshotOut:
    return SnapshotOut(subject=snapshot.subject, taken_at=snapshot.taken_at, source=snapshot.source,
                       values=dict(snapshot.values), check_id=snapshot.check_id)


def subject_out(subject, snapshot) -> SubjectOut:
    return SubjectOut(subject=subject.key, kind=subject.kind, label=subject.label, platform=subject.platform,
                      post_id=subject.post_id, channel_id=subject.channel_id, deliverable_id=subject.deliverable_id,
                      deal_id=subject.deal_id, latest=snapshot_out(snapshot) if snapshot else None)
