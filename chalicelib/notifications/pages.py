"""My activity page (/activity): what happened to my posts, newest first, read and unread, with
"mark all read" (a form: works without JS). Same service as GET /v1/me/activity."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.pages import PageCall
from chalicelib.core.i18n import translate
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page

activity = lazy_import("chalicelib.notifications.activity")

bp = Blueprint(__name__)

ACTIVITY_PATH = "/activity"
PAGE_SIZE = 30


@page(bp, ACTIVITY_PATH)
def my_activity(call: PageCall):
    cursor = call.query.get("cursor") or None
    listing = activity.my_activity(call.principal, cursor, PAGE_SIZE, language=call.language)
    done = call.query.get("done")
    notice = translate("activity.notice.read", call.language) if done == "read" else None
    newest = listing.items[0].at if listing.items and not cursor else ""
    return call.render("activity.html", listing=listing, notice=notice, newest=newest, first_page=not cursor)


@page(bp, ACTIVITY_PATH + "/read", ("POST",), back=ACTIVITY_PATH)
def mark_read(call: PageCall):
    until = (call.form.get("until") or "").strip()
    from chalicelib.notifications.schemas import MarkReadIn

    try:
        until = MarkReadIn(until=until or None).until
    except ValueError:
        until = None
    activity.mark_all_read(call.principal, until)
    return call.redirect(ACTIVITY_PATH, done="read")
