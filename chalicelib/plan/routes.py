"""My calendar feed: see, create/rotate and revoke its secret URL; and the feed itself (GET /ical/…)."""
from __future__ import annotations

import logging

from chalice import Blueprint, Response

from chalicelib.core.http.api import json_route
from chalicelib.core.lazy import lazy_import
from chalicelib.profile.schemas import CalendarFeedOut

feeds = lazy_import("chalicelib.plan.feeds")
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
    from chalicelib.core.http.api import crash_response, error_response, request_id_of
    from chalicelib.core.errors import NotFound

    request = bp.current_request
    try:
        body = feeds.calendar_for(name)
    except NotFound:
        return error_response(404, "not_found", "No such calendar feed.", headers={"X-Robots-Tag": "noindex"})
    except Exception as exc:  # noqa: BLE001 - a crash is a 500 without details, never a stack trace
        return crash_response(exc, request_id_of(request, bp))
    return Response(body=body.decode("utf-8"), status_code=200,
                    headers={**ICAL_HEADERS, "Content-Disposition": 'inline; filename="greenlight.ics"'})
