"""Metric snapshots: the JSON API and the CSV (the use cases: service.py; the file: csv_format.py).

  POST /v1/campaigns/{id}/metrics       {subject, taken_at?, values}: a snapshot entered by hand → 201
  GET  /v1/campaigns/{id}/metrics       every subject of the campaign with its latest snapshot and source
  GET  /v1/campaigns/{id}/metrics.csv   the same as CSV (UTF-8 with BOM), one row per subject
  POST /v1/campaigns/{id}/metrics.csv   import a CSV (text/csv; all rows or none) → {created, unchanged, skipped}
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.campaigns.metrics.schemas import EnteredOut, ImportOut, SnapshotIn, SubjectList
from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route

service = lazy_import("chalicelib.campaigns.metrics.service")
out = lazy_import("chalicelib.campaigns.metrics.out")

bp = Blueprint(__name__)
TAG = "campaigns"
CSV_TYPES = ("text/csv", "application/csv")


@json_route(bp, "/v1/campaigns/{campaign_id}/metrics", "POST", tag=TAG,
            summary="Enter a metric snapshot of a publication target or a deliverable of the campaign",
            body=SnapshotIn, response=EnteredOut, status=201, errors=(401, 403, 404, 415, 422))
def enter_snapshot(call, campaign_id):
    body = call.body
    snapshot, created = service.record(call.principal, campaign_id, body.subject, body.taken_at, body.values)
    return EnteredOut(**out.snapshot_out(snapshot).model_dump(), created=created)


@json_route(bp, "/v1/campaigns/{campaign_id}/metrics", "GET", tag=TAG,
            summary="Every subject of the campaign (its posts' publication targets, its deals' deliverables) with "
                    "the latest snapshot", response=SubjectList, errors=(401, 403, 404))
def list_subjects(call, campaign_id):
    _campaign, rows = service.overview(call.principal, campaign_id)
    return SubjectList(items=[out.subject_out(s, snap) for s, snap in rows])


@json_route(bp, "/v1/campaigns/{campaign_id}/metrics.csv", "GET", tag=TAG,
            summary="The campaign's latest metrics as CSV (UTF-8 with BOM), one row per subject",
            raw_response="text/csv", errors=(401, 403, 404))
def export_metrics(call, campaign_id):
    data = service.export_csv(call.principal, campaign_id)
    return csv_file(data, f"campaign-metrics-{campaign_id}.csv")


@json_route(bp, "/v1/campaigns/{campaign_id}/metrics.csv", "POST", tag=TAG,
            summary="Import metric snapshots from CSV (the export's columns; all rows or none: every problem with "
                    "its line)", raw_body="text/csv", response=ImportOut, errors=(401, 403, 404, 409, 415, 422))
def import_metrics(call, campaign_id):
    from chalicelib.core import i18n
    from chalicelib.core.errors import UnsupportedMediaType

    content_type = (call.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise UnsupportedMediaType(i18n.translate("campaign_metrics.csv.content_type", call.principal.language))
    return ImportOut(**service.import_csv(call.principal, campaign_id, call.request.raw_body or b""))
