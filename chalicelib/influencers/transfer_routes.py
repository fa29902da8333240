"""The influencer directory in and out as CSV (export, checked import, an account's measurements) and
a public Telegram channel's subscriber count fetched from its t.me page. The file rules:
rules/csv_influencers.py, rules/csv_snapshots.py; the use cases: influencer_transfer.py,
snapshot_transfer.py, telegram_fetch.py."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.errors import UnsupportedMediaType
from chalicelib.core.http.api import csv_file
from chalicelib.core.i18n import translate
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route
from chalicelib.influencers import schemas

influencer_transfer = lazy_import("chalicelib.influencers.influencer_transfer")
snapshot_transfer = lazy_import("chalicelib.influencers.snapshot_transfer")
telegram = lazy_import("chalicelib.influencers.telegram_fetch")

bp = Blueprint(__name__)
TAG = "influencers"
CSV_TYPES = ("text/csv", "application/csv")


def _csv_body(call) -> bytes:
    content_type = (call.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise UnsupportedMediaType(translate("influencers_csv.file.content_type", call.principal.language))
    return call.request.raw_body or b""


@json_route(bp, "/v1/brands/{brand_id}/influencers.csv", "GET", tag=TAG,
            summary="The brand's influencers as CSV (UTF-8 with BOM), one row per account; the legal columns "
                    "only for managers", raw_response="text/csv", errors=(401, 403, 404))
def export_influencers(call, brand_id):
    data = influencer_transfer.export_influencers(call.principal, brand_id)
    return csv_file(data, f"influencers-{brand_id}.csv")


@json_route(bp, "/v1/brands/{brand_id}/influencers/import", "POST", tag=TAG,
            summary="Import influencers and accounts from CSV (≤ 2 MB; all rows or none; rows with an "
                    "influencer_id update that influencer)", query=schemas.ImportQuery, raw_body="text/csv",
            response=schemas.InfluencerImportOut, errors=(401, 403, 404, 409, 415, 422))
def import_influencers(call, brand_id):
    data = _csv_body(call)
    written = influencer_transfer.import_influencers(call.principal, brand_id, data, dry_run=call.query.dry_run)
    return schemas.InfluencerImportOut(**written)


@json_route(bp, "/v1/accounts/{account_id}/snapshots.csv", "GET", tag=TAG,
            summary="An account's measurements as CSV, oldest first", raw_response="text/csv", errors=(401, 404))
def export_snapshots(call, account_id):
    data = snapshot_transfer.export_snapshots(call.principal, account_id)
    return csv_file(data, f"snapshots-{account_id}.csv")


@json_route(bp, "/v1/accounts/{account_id}/snapshots/import", "POST", tag=TAG,
            summary="Import an account's measurements from CSV (one row per day, none in the future; all rows "
                    "or none)", query=schemas.ImportQuery, raw_body="text/csv", response=schemas.SnapshotImportOut,
            errors=(401, 403, 404, 409, 415, 422))
def import_snapshots(call, account_id):
    data = _csv_body(call)
    written = snapshot_transfer.import_snapshots(call.principal, account_id, data, dry_run=call.query.dry_run)
    return schemas.SnapshotImportOut(**written)


@json_route(bp, "/v1/accounts/{account_id}/telegram-fetch", "POST", tag=TAG,
            summary="Fetch a public Telegram channel's subscriber count from its t.me page: today's measurement "
                    "and the account's followers", response=schemas.SnapshotOut, status=201,
            errors=(401, 403, 404, 409, 422, 503))
def telegram_fetch(call, account_id):
    return schemas.snapshot_out(telegram.fetch_telegram(call.principal, account_id))
