"""Placement checks: the JSON API (the use cases: service.py).

  POST /v1/deliverables/{id}/placement   {url}: set the live URL → the deliverable; plans its checks
  POST /v1/deliverables/{id}/checks      run a check now → 201 the check with its result and findings
  GET  /v1/deliverables/{id}/checks      the deliverable's checks (planned and done), evidence links
  GET  /v1/checks/{id}                   one check
  POST /v1/checks/{id}/override          {result, reason}: a manager's correction, audited; money follows
  POST /v1/deliverables/{id}/evidence    manual evidence: a multipart/form-data form with `file` (PNG, JPEG
                                         or PDF ≤ 10 MB), `rules` (repeated: what it proves), `note`,
                                         `published_at` (UTC, 2026-12-01T09:00Z) → 201 the check
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy_import
from chalicelib.deals.schemas import DeliverableOut
from chalicelib.identity.doors import json_route
from chalicelib.placements.schemas import CheckList, CheckOut, CheckOverride, PlacementSet

service = lazy_import("chalicelib.placements.service")
overrides = lazy_import("chalicelib.placements.overrides")
uploads = lazy_import("chalicelib.placements.evidence_uploads")
out = lazy_import("chalicelib.placements.out")
deal_out = lazy_import("chalicelib.deals.out")

bp = Blueprint(__name__)
TAG = "placements"


@json_route(bp, "/v1/deliverables/{deliverable_id}/placement", "POST", tag=TAG,
            summary="Set the live placement URL: plans its checks (now, the window's end, random retention checks, "
                    "the final one, metrics at 24 h, 72 h, 7 d)", body=PlacementSet, response=DeliverableOut,
            errors=(401, 403, 404, 409, 415, 422))
def set_placement(call, deliverable_id):
    item = service.set_url(call.principal, deliverable_id, call.body.url)
    from chalicelib.deals import repo as deal_repo

    return deal_out.deliverable_out(item, deal_repo.get(item.deal_id, consistent=True))


@json_route(bp, "/v1/deliverables/{deliverable_id}/checks", "POST", tag=TAG,
            summary="Run a placement check now and answer its result", response=CheckOut, status=201,
            errors=(401, 403, 404, 409))
def run_check(call, deliverable_id):
    return out.check_out(service.run_now(call.principal, deliverable_id), call.principal.language)


@json_route(bp, "/v1/deliverables/{deliverable_id}/checks", "GET", tag=TAG,
            summary="A deliverable's placement checks with findings and evidence links", response=CheckList,
            errors=(401, 403, 404))
def list_checks(call, deliverable_id):
    _item, _deal, checks = service.checks(call.principal, deliverable_id)
    return CheckList(items=[out.check_out(c, call.principal.language) for c in checks])


@json_route(bp, "/v1/checks/{check_id}", "GET", tag=TAG, summary="One placement check", response=CheckOut,
            errors=(401, 403, 404))
def get_check(call, check_id):
    return out.check_out(service.get_check(call.principal, check_id), call.principal.language)


@json_route(bp, "/v1/checks/{check_id}/override", "POST", tag=TAG,
            summary="Override a check's result with a reason (audited): penalties and holds follow",
            body=CheckOverride, response=CheckOut, errors=(401, 403, 404, 409, 415, 422))
def override_check(call, check_id):
    body = call.body
    return out.check_out(overrides.override(call.principal, check_id, body.result.value, body.reason),
                         call.principal.language)


def read_upload(call):
    """The evidence form (multipart/form-data) as evidence_uploads.Upload."""
    from chalicelib.core.errors import PayloadTooLarge
    from chalicelib.core.http import multipart
    from chalicelib.placements.evidence import MAX_UPLOAD_BYTES

    fields, files = multipart.read_form(call.request, limit=MAX_UPLOAD_BYTES,
                                        too_large=lambda size: PayloadTooLarge("The file is larger than 10 MB."))
    file_part = files.get("file")
    return uploads.Upload(data=file_part.data if file_part else b"", filename=file_part.filename if file_part else None,
                          rules=tuple(r.strip() for r in fields.get("rules", []) if r.strip()),
                          note=(fields.get("note") or [None])[0],
                          published_at=((fields.get("published_at") or [""])[0].strip() or None))


@json_route(bp, "/v1/deliverables/{deliverable_id}/evidence", "POST", tag=TAG,
            summary="Upload evidence for what cannot be fetched (PNG/JPEG/PDF ≤ 10 MB) and confirm what it proves",
            response=CheckOut, status=201, raw_body="multipart/form-data", errors=(400, 401, 403, 404, 409, 413, 415, 422))
def upload_evidence(call, deliverable_id):
    check = uploads.upload(call.principal, deliverable_id, read_upload(call))
    return out.check_out(check, call.principal.language)
