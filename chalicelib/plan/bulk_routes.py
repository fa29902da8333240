"""Bulk actions on posts (JSON): POST /v1/brands/{brand_id}/posts/bulk (submit, approve, move, archive: a
report per post) and POST /v1/brands/{brand_id}/posts/bulk-export (a CSV of just those posts)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route
from chalicelib.plan.bulk_schemas import BulkExportIn, BulkIn, BulkOut

bulk = lazy_import("chalicelib.plan.bulk")
rules = lazy_import("chalicelib.plan.rules.bulk")

bp = Blueprint(__name__)


def _seen(post_ids: list[str], versions: dict[str, int] | None = None) -> list:
    versions = versions or {}
    return [rules.Seen(s.post_id, versions.get(s.post_id, s.version)) for s in rules.clean_ids(post_ids)]


@json_route(bp, "/v1/brands/{brand_id}/posts/bulk", "POST", tag="workflow",
            summary="Submit, approve, move or archive several posts: each its own transition, a result per post",
            body=BulkIn, response=BulkOut, errors=(401, 403, 404, 415, 422))
def bulk_action(call, brand_id):
    data = call.body
    report = bulk.run(call.principal, brand_id, data.action, _seen(data.post_ids, data.versions), data.days)
    return BulkOut.of(report)


@json_route(bp, "/v1/brands/{brand_id}/posts/bulk-export", "POST", tag="posts",
            summary="The named posts as content-plan CSV (posts of other brands are left out)",
            body=BulkExportIn, raw_response="text/csv", errors=(401, 403, 404, 415, 422))
def bulk_export(call, brand_id):
    data = bulk.export(call.principal, brand_id, _seen(call.body.post_ids))
    return csv_file(data, f"posts-{brand_id}.csv")
