"""My activity list (JSON): what happened to my posts, newest first; mark it all read."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route
from chalicelib.notifications.schemas import ActivityEntryOut, ActivityList, ActivityQuery, MarkReadIn, MarkReadOut

activity = lazy_import("chalicelib.notifications.activity")

bp = Blueprint(__name__)


@json_route(bp, "/v1/me/activity", "GET", tag="people", summary="My activity: what happened to my posts",
            query=ActivityQuery, response=ActivityList, errors=(400, 401, 422))
def my_activity(call):
    listing = activity.my_activity(call.principal, call.query.cursor, call.query.limit)
    return ActivityList(items=[ActivityEntryOut.model_validate(e) for e in listing.items], cursor=listing.cursor,
                        unread=listing.unread, read_until=listing.read_until)


@json_route(bp, "/v1/me/activity/read", "POST", tag="people", summary="Mark my activity read (up to an instant)",
            body=MarkReadIn, response=MarkReadOut, errors=(401, 415, 422))
def mark_read(call):
    until = activity.mark_all_read(call.principal, call.body.until)
    return MarkReadOut(read_until=until, unread=activity.unread(call.principal))
