"""The calendar feed holds exactly its documented window (feeds.py, docs/user-guide.md): whole days in
the reader's zone, from 00:00 thirty days back to the end of the day 180 days ahead — for posts and for
approval deadlines alike; one minute outside either edge is left out."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.identity import repo as user_repo
from chalicelib.plan import feeds
from tests.support.posts import body, call, new_post

TOKYO = ZoneInfo("Asia/Tokyo")


def _wall(day: date, hour: int, minute: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _set_deadline(post_id: str, deadline: datetime) -> None:
    db_connection.bind_models()
    item = post_repo.get(post_id, consistent=True)
    approval = dict(item.approval.as_dict() if hasattr(item.approval, "as_dict") else item.approval)
    approval["deadline"] = iso(deadline)
    item.update(actions=[PostItem.approval.set(approval), PostItem.gsi2sk.set(f"{iso(deadline)}#{post_id}")])


def test_the_feed_keeps_exactly_its_window_in_the_readers_zone(client, team):
    reader = team["smm_manager"]
    assert call(client, "patch", "/v1/me", reader, {"timezone": "Asia/Tokyo"}).status_code == 200
    now = utcnow() + timedelta(days=60)  # the feed asked two months from now: the whole window is future
    today = now.astimezone(TOKYO).date()
    first, last = today - timedelta(days=30), today + timedelta(days=180)
    walls = {
        "before_start": _wall(first - timedelta(days=1), 23, 59),
        "at_start": _wall(first, 0, 0),
        "last_minute": _wall(last, 23, 59),
        "at_end": _wall(last + timedelta(days=1), 0, 0),
    }
    posts = {name: new_post(client, team, title=name, publish_at=wall, timezone="Asia/Tokyo")
             for name, wall in walls.items()}
    # approval deadlines (UTC instants) just outside and just inside both edges
    start, end = feeds.window(now, "Asia/Tokyo")
    deadlines = {"due_before": start - timedelta(minutes=1), "due_at_start": start,
                 "due_last": end - timedelta(minutes=1), "due_at_end": end}
    for name, deadline in deadlines.items():
        post = new_post(client, team, title=name, publish_at=walls["at_start"], timezone="Asia/Tokyo")
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
        _set_deadline(post["id"], deadline)
        posts[name] = post

    user = user_repo.get(reader.id)
    cal = icalendar.Calendar.from_ical(feeds.build_calendar(feeds.collect(user, now), language="en", now=now))
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    in_feed = {name for name, post in posts.items() if f"post-{post['id']}@greenlight" in uids}
    assert {"before_start", "at_end"}.isdisjoint(in_feed)
    assert {"at_start", "last_minute"} <= in_feed
    due = {name for name, post in posts.items() if f"approval-{post['id']}@greenlight" in uids}
    assert due == {"due_at_start", "due_last"}
    # the same feed through its URL answers too
    url = body(call(client, "post", "/v1/me/calendar-feed", reader))["url"]
    assert client.get("/ical/" + url.rsplit("/ical/", 1)[1]).status_code == 200
