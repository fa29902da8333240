"""The content plan as CSV (export, import) and as a calendar feed: my feed's secret URL (see, create/rotate,
revoke) and the feed itself (GET /ical/…)."""
from __future__ import annotations

import logging

from chalice import Blueprint, Response

from chalicelib.core.errors import UnsupportedMediaType
from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route
from chalicelib.plan.schemas import CalendarFeedOut, ImportResult, PlanRange

feeds = lazy_import("chalicelib.plan.feeds")
plan = lazy_import("chalicelib.plan.service")
log = logging.getLogger("greenlight.feeds")

bp = Blueprint(__name__)

ICAL_HEADERS = {
    "Content-Type": "text/calendar; charset=utf-8",
    "Cache-Control": "private, max-age=300",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _out(feed) -> CalendarFeedOut:
    return CalendarFeedOut(url=feed.url, created_at=feed.created_at)


@json_route(bp, "/v1/me/calendar-feed", "GET", tag="people", summary="My calendar feed URL (null: none)",
            response=CalendarFeedOut, errors=(401,))
def get_feed(call):
    return _out(feeds.status(call.principal))


@json_route(bp, "/v1/me/calendar-feed", "POST", tag="people",
            summary="Create my calendar feed, or rotate it (the old URL stops working)",
            response=CalendarFeedOut, errors=(401, 409))
def rotate_feed(call):
    return _out(feeds.create_or_rotate(call.principal))


@json_route(bp, "/v1/me/calendar-feed", "DELETE", tag="people", summary="Revoke my calendar feed",
            status=204, errors=(401, 409))
def revoke_feed(call):
    feeds.revoke(call.principal)
    return None


@bp.route("/ical/{name}", methods=["GET"])
def ical(name):
    """The feed file itself: `<token>.ics` (API Gateway cannot route "{token}.ics" as one segment)."""
    from chalicelib.core.errors import NotFound
    from chalicelib.core.http.api import crash_response, error_response, request_id_of

    request = bp.current_request
    try:
        body = feeds.calendar_for(name)
    except NotFound:
        return error_response(404, "not_found", "No such calendar feed.", headers={"X-Robots-Tag": "noindex"})
    except Exception as exc:  # noqa: BLE001 - a crash is a 500 without details, never a stack trace
        return crash_response(exc, request_id_of(request, bp))
    return Response(body=body.decode("utf-8"), status_code=200,
                    headers={**ICAL_HEADERS, "Content-Disposition": 'inline; filename="greenlight.ics"'})


@json_route(bp, "/v1/brands/{brand_id}/content-plan.csv", "GET", tag="posts",
            summary="The content plan as CSV (UTF-8 with BOM)", query=PlanRange, raw_response="text/csv",
            errors=(401, 403, 404, 422))
def export_plan(call, brand_id):
    data = plan.export(call.principal, brand_id, call.query.from_, call.query.to)
    return csv_file(data, f"content-plan-{brand_id}.csv")


@json_route(bp, "/v1/brands/{brand_id}/content-plan", "POST", tag="posts",
            summary="Import a content-plan CSV (all rows or none; unchanged rows write nothing)", raw_body="text/csv",
            response=ImportResult,
            errors=(401, 403, 404, 415, 422))
def import_plan(call, brand_id):
    content_type = (call.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "application/csv"):
        raise UnsupportedMediaType("Send the file with 'Content-Type: text/csv'.")
    raw = call.request.raw_body or b""
    return ImportResult(**plan.import_plan(call.principal, brand_id, raw))
