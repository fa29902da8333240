"""PATCH /v1/me's new fields, the calendar feed URL (create, rotate, revoke), the feed itself parsed
back with icalendar (times in each post's own zone), and the /me page with its CSRF forms."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from chalicelib.core.clock import utcnow
from chalicelib.core.http import csrf
from chalicelib.notifications import repo as digest_repo
from tests.support.posts import body, call, new_post
from tests.support.web import Browser, csrf_token_in, html


def patch_me(client, user, data):
    return call(client, "patch", "/v1/me", user, data)


def feed_path(url: str) -> str:
    return urlsplit(url).path


# --- PATCH /v1/me -----------------------------------------------------------------------------------

def test_me_shows_defaults(client, make_user):
    user = make_user()
    me = body(call(client, "get", "/v1/me", user))
    assert me["timezone"] is None and me["slack_user_id"] is None
    events = me["notify"].pop("events")
    assert me["notify"] == {"email": True, "slack": True, "digest": "off", "hour": 8}
    assert events["changes_requested"] == {"email": True, "slack": True} and len(events) == 6  # all on


def test_patch_timezone_and_partial_notify_merge(client, make_user):
    user = make_user()
    r = patch_me(client, user, {"timezone": "Europe/Berlin", "notify": {"email": False}})
    assert r.status_code == 200, r.body
    me = body(r)
    assert me["timezone"] == "Europe/Berlin"
    assert me["notify"] | {"events": None} == {"email": False, "slack": True, "digest": "off", "hour": 8, "events": None}
    me = body(patch_me(client, user, {"notify": {"hour": 7, "events": {"published": {"slack": False}}}}))
    assert me["notify"] | {"events": None} == {"email": False, "slack": True, "digest": "off", "hour": 7, "events": None}
    assert me["notify"]["events"]["published"] == {"email": True, "slack": False}
    me = body(patch_me(client, user, {"notify": {"hour": 6}}))  # the events stay as they were
    assert me["notify"]["events"]["published"] == {"email": True, "slack": False}
    me = body(patch_me(client, user, {"timezone": None}))
    assert me["timezone"] is None and me["notify"]["hour"] == 6
    assert body(call(client, "get", "/v1/me", user))["notify"]["email"] is False


@pytest.mark.parametrize("data", [
    {"timezone": "Mars/Olympus"},
    {"timezone": ""},
    {"notify": {"hour": 24}},
    {"notify": {"hour": -1}},
    {"notify": {"digest": "weekly"}},
    {"notify": {"email": "maybe"}},
    {"notify": {"sms": True}},
    {"slack_user_id": "not-a-slack-id"},
    {"slack_user_id": "U1"},
    {"favourite_colour": "green"},
])
def test_patch_me_rejects_bad_values(client, make_user, data):
    r = patch_me(client, make_user(), data)
    assert r.status_code == 422, r.body
    assert body(r)["error"]["details"]


def test_digest_on_queues_and_off_dequeues(client, make_user):
    user = make_user()
    assert digest_repo.get(user.id) is None
    body(patch_me(client, user, {"timezone": "Europe/Berlin", "notify": {"digest": "email", "hour": 9}}))
    item = digest_repo.get(user.id)
    assert item is not None and item.gsi2pk == "DUE#DIGEST" and item.via == "email"
    local = datetime.strptime(item.next_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc) \
        .astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (9, 0)
    assert item.gsi2sk == f"{item.next_at}#{user.id}"
    body(patch_me(client, user, {"timezone": "America/New_York"}))
    moved = digest_repo.get(user.id)
    local = datetime.strptime(moved.next_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc) \
        .astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, moved.timezone) == (9, "America/New_York")
    body(patch_me(client, user, {"notify": {"digest": "off"}}))
    assert digest_repo.get(user.id) is None


# --- the feed URL -----------------------------------------------------------------------------------

def test_feed_create_rotate_revoke(client, make_user):
    user = make_user()
    assert body(call(client, "get", "/v1/me/calendar-feed", user)) == {"url": None, "created_at": None}
    first = body(call(client, "post", "/v1/me/calendar-feed", user))
    assert first["url"].endswith(".ics") and "/ical/" in first["url"]
    assert body(call(client, "get", "/v1/me/calendar-feed", user))["url"] == first["url"]
    r = client.get(feed_path(first["url"]))
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"

    second = body(call(client, "post", "/v1/me/calendar-feed", user))
    assert second["url"] != first["url"]
    assert client.get(feed_path(first["url"])).status_code == 404  # rotated: the old URL is dead
    assert client.get(feed_path(second["url"])).status_code == 200

    r = call(client, "delete", "/v1/me/calendar-feed", user)
    assert r.status_code == 204
    assert client.get(feed_path(second["url"])).status_code == 404  # revoked
    assert body(call(client, "get", "/v1/me/calendar-feed", user))["url"] is None
    assert call(client, "delete", "/v1/me/calendar-feed", user).status_code == 204  # nothing left: still fine


def test_feed_needs_sign_in(client):
    assert client.get("/v1/me/calendar-feed").status_code == 401
    assert client.post("/v1/me/calendar-feed").status_code == 401


@pytest.mark.parametrize("name", ["nothing.ics", "abc", "eyJ1IjoiMSJ9.x.ics", ".ics", "a" * 600 + ".ics"])
def test_bad_feed_names_are_404(client, name):
    r = client.get(f"/ical/{name}")
    assert r.status_code == 404
    assert b"calendar" in r.body.lower() and b"Traceback" not in r.body


def test_tampered_token_is_404(client, make_user):
    user = make_user()
    url = body(call(client, "post", "/v1/me/calendar-feed", user))["url"]
    path = feed_path(url)
    token = path[len("/ical/"):-len(".ics")]
    middle = len(token) // 2  # the last base64 character may carry unused bits: change one in the middle
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    assert client.get(f"/ical/{flipped}.ics").status_code == 404
    assert client.get(path[:-4] + ".ICS").status_code == 404


# --- the feed content -------------------------------------------------------------------------------

def _schedule(client, team, title, wall, zone):
    post = new_post(client, team, title=title, publish_at=wall, timezone=zone)
    return post


def test_feed_events_in_each_posts_own_zone(client, team):
    soon = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%d")
    berlin = _schedule(client, team, "Berlin post", f"{soon}T10:00", "Europe/Berlin")
    ny = _schedule(client, team, "New York post", f"{soon}T10:00", "America/New_York")
    far = _schedule(client, team, "Too far", (utcnow() + timedelta(days=400)).strftime("%Y-%m-%dT10:00"),
                    "Europe/Berlin")
    submitted = _schedule(client, team, "Needs approval", f"{soon}T12:00", "Europe/Berlin")
    r = call(client, "post", f"/v1/posts/{submitted['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body

    url = body(call(client, "post", "/v1/me/calendar-feed", team["smm_manager"]))["url"]
    r = client.get(feed_path(url))
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.body)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    brand = team["brand"].name

    ev = events[f"post-{berlin['id']}@greenlight"]
    start = ev.decoded("DTSTART")
    assert str(ev["SUMMARY"]) == f"[{brand}] Berlin post"
    assert str(start.tzinfo) == "Europe/Berlin" and (start.hour, start.minute) == (10, 0)
    assert ev["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(ev["URL"]).endswith(f"/posts/{berlin['id']}")
    assert "Pumpkin latte" in str(ev["DESCRIPTION"])

    ev = events[f"post-{ny['id']}@greenlight"]
    start_ny = ev.decoded("DTSTART")
    assert str(start_ny.tzinfo) == "America/New_York" and start_ny.hour == 10
    assert start_ny - start == timedelta(hours=6)  # the same wall time, six hours apart

    assert f"post-{far['id']}@greenlight" not in events
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {"Europe/Berlin", "America/New_York"} <= tzids

    due = events[f"approval-{submitted['id']}@greenlight"]
    assert str(due["SUMMARY"]).startswith("Approval due:")
    assert due.decoded("DTSTART").utcoffset() == timedelta(0)


def test_feed_follows_the_users_language(client, make_user, team):
    ru = make_user("content_manager", brand=team["brand"], language="ru")
    post = new_post(client, team, title="Очередь", publish_at=(utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT10:00"))
    call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    url = body(call(client, "post", "/v1/me/calendar-feed", ru))["url"]
    cal = icalendar.Calendar.from_ical(client.get(feed_path(url)).body)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any(s.startswith("Срок согласования:") for s in summaries)


def test_outsider_sees_no_events_of_other_brands(client, team, make_user):
    new_post(client, team, publish_at=(utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT10:00"))
    outsider = make_user()
    url = body(call(client, "post", "/v1/me/calendar-feed", outsider))["url"]
    cal = icalendar.Calendar.from_ical(client.get(feed_path(url)).body)
    assert cal.walk("VEVENT") == []


# --- the /me page -----------------------------------------------------------------------------------

def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def test_profile_page_renders_and_saves(client, make_user):
    user = make_user()
    browser = as_user(client, user)
    page = browser.get("/me")
    assert page.status_code == 200
    text = html(page)
    assert 'action="/me"' in text or "/me\"" in text
    assert "My profile" in text
    r = browser.post("/me", {csrf.FIELD: csrf_token_in(page), "name": "Ann Other", "language": "ru",
                             "timezone": "Europe/Berlin", "notify_email": "on", "digest": "both", "hour": "7"})
    assert r.status_code == 303, r.body
    assert r.headers["Location"].startswith("/me")
    me = body(call(client, "get", "/v1/me", user))
    assert me["name"] == "Ann Other" and me["language"] == "ru" and me["timezone"] == "Europe/Berlin"
    assert me["notify"] | {"events": None} == {"email": True, "slack": False, "digest": "both", "hour": 7, "events": None}
    assert all(ways == {"email": True, "slack": True} for ways in me["notify"]["events"].values())  # not in the form
    assert digest_repo.get(user.id).via == "both"
    page = browser.get("/me?done=saved")
    assert "Профиль сохранён" in html(page)


def test_profile_form_errors_and_csrf(client, make_user):
    user = make_user()
    browser = as_user(client, user)
    page = browser.get("/me")
    r = browser.post("/me", {"name": "X", "language": "en"})
    assert r.status_code == 403
    r = browser.post("/me", {csrf.FIELD: csrf_token_in(page), "name": "", "language": "en", "timezone": "Nowhere/City",
                             "digest": "off", "hour": "8"})
    assert r.status_code == 422
    assert 'aria-invalid="true"' in html(r) and "Nowhere/City" in html(r)


def test_profile_page_feed_buttons(client, make_user):
    user = make_user()
    browser = as_user(client, user)
    page = browser.get("/me")
    assert "/ical/" not in html(page)
    r = browser.post("/me/calendar-feed", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303
    page = browser.get("/me")
    first = body(call(client, "get", "/v1/me/calendar-feed", user))["url"]
    assert first in html(page)
    r = browser.post("/me/calendar-feed", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303
    second = body(call(client, "get", "/v1/me/calendar-feed", user))["url"]
    assert second != first and client.get(feed_path(first)).status_code == 404
    r = browser.post("/me/calendar-feed/revoke", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303
    assert client.get(feed_path(second)).status_code == 404
    assert browser.post("/me/calendar-feed", {}).status_code == 403  # no CSRF token


def test_profile_page_needs_sign_in(client):
    r = client.get("/me")
    assert r.status_code == 303 and "/sign-in" in r.headers["Location"]
