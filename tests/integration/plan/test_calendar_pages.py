"""The calendar page and its move endpoint through the real app on DynamoDB Local: month, week (hour
slots, free-slot hints) and list views, filters and search kept across links, bulk/CSV hooks, and
rescheduling by the drag endpoint (approval kept, content unchanged, 409 stale, 403, past refused)."""
from __future__ import annotations

import json
import re
from html import unescape

from chalicelib.core.http import csrf
from tests.support.posts import approve_post, body, call, new_post
from tests.support.web import Browser, csrf_token_in, html

JSON_ACCEPT = {"Accept": "application/json"}


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def cal(client, team, who="smm_manager", **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    r = as_user(client, team[who]).get(f"/calendar?brand_id={team['brand'].id}&{params}")
    assert r.status_code == 200, r.body
    return html(r)


def slot(page: str, day: str, hour: str) -> str:
    match = re.search(rf'role="cell" data-date="{day}" data-time="{hour}">(.*?)</div>', page, re.S)
    assert match, f"no slot {day} {hour}"
    return match.group(1)


def month_cell(page: str, day: str) -> str:
    match = re.search(rf'class="cal-day[^"]*" role="cell" data-date="{day}">(.*?)</div>', page, re.S)
    assert match, f"no day {day}"
    return match.group(1)


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1]


# --- views ---------------------------------------------------------------------------------------

def test_week_view_puts_posts_in_their_hour_row_in_the_brands_zone(client, team):
    # 07:15 Berlin is 06:15 UTC: the row is the brand's wall hour, and it widens the working-hours rows
    early = new_post(client, team, title="Early bird", publish_at="2026-12-08T07:15")
    mid = new_post(client, team, title="Lunch post", publish_at="2026-12-08T12:30", channel_ids=[team["x"]])
    page = cal(client, team, view="week", date="2026-12-09")
    assert "Week of 2026-12-07" in page
    assert f"/posts/{early['id']}" in slot(page, "2026-12-08", "07:00") and "07:15" in slot(page, "2026-12-08", "07:00")
    assert f"/posts/{mid['id']}" in slot(page, "2026-12-08", "12:00")
    assert f"/posts/{mid['id']}" not in slot(page, "2026-12-08", "11:00")
    hours = re.findall(r'role="row" data-hour="(\d\d:00)"', page)
    assert hours[0] == "07:00" and hours[-1] == "17:00"
    # the list under the grid has them too (phones see the list)
    assert f"/posts/{early['id']}" in section(page, "list") and f"/posts/{mid['id']}" in section(page, "list")


def test_free_slot_hints_in_working_hours_away_from_posts_on_the_channel(client, team):
    new_post(client, team, title="TG at noon", publish_at="2026-12-08T12:00", channel_ids=[team["tg"]])
    page = cal(client, team, view="week", date="2026-12-08")
    assert "cal-free" not in slot(page, "2026-12-08", "12:00")  # taken
    near = unescape(slot(page, "2026-12-08", "10:00"))  # 2 h from the TG post: free for X only
    assert "cal-free" in near and "Free: X" in near and "TG" not in near
    far = unescape(slot(page, "2026-12-08", "15:00"))
    assert "Free: TG, X" in far
    assert "cal-free" not in slot(page, "2026-12-12", "10:00")  # Saturday: outside working hours
    # filtered to TG, the hints speak of TG only
    only_tg = cal(client, team, view="week", date="2026-12-08", channel_id=team["tg"])
    assert "cal-free" not in slot(only_tg, "2026-12-08", "10:00")
    assert "Free: TG" in unescape(slot(only_tg, "2026-12-08", "15:00"))
    # a status filter or a search hides posts, not the time they take: the hints still see them
    drafts_hidden = cal(client, team, view="week", date="2026-12-08", status="scheduled", q="nothing-like-this")
    assert "TG at noon" not in drafts_hidden
    assert "Free: X" in unescape(slot(drafts_hidden, "2026-12-08", "10:00"))
    assert "cal-free" not in slot(drafts_hidden, "2026-12-08", "12:00")
    # slots that have already ended get no hint
    past = cal(client, team, view="week", date="2026-11-02")
    assert "cal-slot-free" not in past


def test_free_slots_follow_the_brands_working_hours(client, team):
    r = call(client, "patch", f"/v1/brands/{team['brand'].id}", team["smm_manager"],
             {"settings": {"working_hours": {"start": "07:00", "end": "12:00", "days": [5]}}})
    assert r.status_code == 200, r.body
    page = cal(client, team, view="week", date="2026-12-08")
    hours = re.findall(r'role="row" data-hour="(\d\d:00)"', page)
    assert hours == ["07:00", "08:00", "09:00", "10:00", "11:00"]
    assert "cal-free" in slot(page, "2026-12-12", "07:00")  # Saturday is the working day now
    assert "cal-free" not in slot(page, "2026-12-08", "10:00")  # Tuesday is not
    r = call(client, "patch", f"/v1/brands/{team['brand'].id}", team["smm_manager"],
             {"settings": {"working_hours": {"start": "7am"}}})
    assert r.status_code == 422


def test_month_and_list_views_and_the_toolbar_links(client, team):
    post = new_post(client, team, title="December post", publish_at="2026-12-03T18:45")
    month = cal(client, team, date="2026-12-10")
    cell = month_cell(month, "2026-12-03")
    assert f"/posts/{post['id']}" in cell and "18:45" in cell and 'data-move-url="/posts/' in cell
    assert f'href="/calendar/csv?brand_id={team["brand"].id}"' in month
    listed = cal(client, team, view="list", date="2026-12-10")
    assert 'class="cal-grid' not in listed and f"/posts/{post['id']}" in section(listed, "list")
    # bulk selection: one form around the chips, a checkbox per post, the actions and the days
    assert '<form id="bulk-form" method="post" action="/calendar/bulk">' in month
    assert f'name="post_ids" value="{post["id"]}:1"' in month  # with the version seen (stale ones are left alone)
    for action in ("submit", "approve", "move", "archive", "export"):
        assert f'<option value="{action}">' in month
    assert 'name="days" type="number"' in month and f'name="brand_id" value="{team["brand"].id}"' in month
    assert f'name="{csrf.FIELD}"' in month.split('id="bulk-form"', 1)[1].split("</form>", 1)[0]
    # a "Move" link per post (phones and keyboards); a client approver cannot reach the calendar at all
    assert f'href="/posts/{post["id"]}/move?back=' in month
    writer_view = cal(client, team, who="copywriter", date="2026-12-10")
    assert "calendar.js" in writer_view


# --- filters and search ---------------------------------------------------------------------------

def test_filters_by_tag_campaign_status_channel_assignee_and_text(client, team):
    brand_id = team["brand"].id
    r = call(client, "post", f"/v1/brands/{brand_id}/campaigns", team["smm_manager"],
             {"name": "Winter drive", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
              "currency": "EUR"})
    assert r.status_code == 201, r.body
    campaign_id = body(r)["id"]
    writer_id = team["copywriter"].id
    a = new_post(client, team, title="Pumpkin latte", body="Back for autumn", tags=["Drinks"],
                 publish_at="2026-12-02T10:00", campaign_id=campaign_id)
    b = new_post(client, team, title="Cake day", body="A PUMPKIN pie for everyone", tags=["food"],
                 publish_at="2026-12-04T10:00", channel_ids=[team["x"]], assignee_ids=[writer_id])
    c = approve_post(client, team, title="Tea time", body="Green tea", tags=["drinks"], publish_at="2026-12-05T10:00")
    u = new_post(client, team, title="Someday pumpkin", publish_at=None)

    def shown(**query):
        page = cal(client, team, date="2026-12-10", **query)
        return {p["id"] for p in (a, b, c, u) if f"/posts/{p['id']}" in page}

    assert shown() == {a["id"], b["id"], c["id"], u["id"]}
    assert shown(tag="drinks") == {a["id"], c["id"]}           # case-insensitive, exact tag
    assert shown(q="pumpkin") == {a["id"], b["id"], u["id"]}   # title or body, any case
    assert shown(q="pumpkin+pie") == {b["id"]}                 # every word must occur
    assert shown(campaign_id=campaign_id) == {a["id"]}
    assert shown(status="scheduled") == {c["id"]}
    assert shown(channel_id=team["x"]) == {b["id"]}
    assert shown(assignee_id=writer_id) == {b["id"]}
    assert shown(tag="drinks", q="tea") == {c["id"]}
    assert shown(status="not a status!") == {a["id"], b["id"], c["id"], u["id"]}  # hand-edited: ignored

    page = cal(client, team, date="2026-12-10", tag="drinks", q="tea", status="scheduled")
    assert 'value="tea"' in page and 'value="drinks"' in page and '<option value="scheduled" selected>' in page
    assert '<option value="Drinks">' in page or '<option value="drinks">' in page  # the tag suggestions
    assert f'<option value="{campaign_id}">Winter drive</option>' in page
    links = [unescape(x) for x in re.findall(r'href="(/calendar\?[^"]+)"', page)]
    clear = f"/calendar?brand_id={brand_id}&view=month&date=2026-12-10"
    assert clear in links  # "Clear filters"
    nav = [x for x in links if "view=" in x and x != clear]
    assert len(nav) >= 5
    for link in nav:  # previous, today, next and the views keep every filter
        assert "tag=drinks" in link and "q=tea" in link and "status=scheduled" in link, link


# --- the move endpoint ----------------------------------------------------------------------------

def move(client, user, post_id, query="", headers=None, **data):
    browser = as_user(client, user)
    page = browser.get(f"/posts/{post_id}/move")
    assert page.status_code == 200, page.body
    return browser.post(f"/posts/{post_id}/move{query}", {csrf.FIELD: csrf_token_in(page), **data}, **(headers or {}))


def test_an_approved_post_moved_keeps_its_approval_and_is_rescheduled(client, team):
    from chalicelib.publishing import repo as target_repo

    post = approve_post(client, team, publish_at="2026-12-01T10:00")
    assert post["status"] == "scheduled"
    targets = target_repo.for_post(post["id"])
    assert [t.publish_at for t in targets] == [post["publish_at_utc"]]
    r = move(client, team["content_manager"], post["id"], version=str(post["version"]), date="2026-12-03",
             back=f"brand_id={team['brand'].id}&view=month&tag=x&evil=1")
    assert r.status_code == 303, r.body
    location = r.headers["Location"]
    assert location.startswith("/calendar?") and "done=post_moved" in location and "tag=x" in location
    assert "evil" not in location and "date=2026-12-03" in location
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))
    assert got["publish_at"] == "2026-12-03T10:00" and got["timezone"] == "Europe/Berlin"  # the time of day kept
    assert got["status"] == "scheduled" and got["version"] == post["version"]
    assert got["approval"]["approved_by"] == post["approval"]["approved_by"] and len(got["approval"]["approved_by"]) == 2
    assert got["content_hash"] == post["content_hash"]
    assert (got["title"], got["body"], got["channel_ids"]) == (post["title"], post["body"], post["channel_ids"])
    # publishing follows: the target is re-queued at the new time, on the same (approved) version
    targets = target_repo.for_post(post["id"])
    assert [(t.publish_at, t.version, t.state) for t in targets] == [(got["publish_at_utc"], post["version"], "scheduled")]
    history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
    assert len(history["versions"]) == 1  # no new version: only the time moved
    page = cal(client, team, date="2026-12-03", done="post_moved")
    assert "The post is moved." in page and f"/posts/{post['id']}" in month_cell(page, "2026-12-03")
    assert f"/posts/{post['id']}" not in month_cell(page, "2026-12-01")


def test_a_drop_on_a_week_slot_answers_json_and_takes_the_hour(client, team):
    post = new_post(client, team, publish_at="2026-12-01T10:00")
    r = move(client, team["copywriter"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-12-02",
             time="14:30")
    assert r.status_code == 200, r.body
    answer = json.loads(r.body)
    assert answer["ok"] is True and answer["date"] == "2026-12-02" and answer["time"] == "14:30"
    assert answer["version"] == 1 and answer["status"] == "draft" and "Moved to 2026-12-02 14:30" in answer["message"]
    assert r.headers["Content-Type"].startswith("application/json")
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))
    assert got["publish_at"] == "2026-12-02T14:30"
    week = cal(client, team, view="week", date="2026-12-02")
    assert f"/posts/{post['id']}" in slot(week, "2026-12-02", "14:00")


def test_a_post_in_another_zone_keeps_its_zone_and_lands_at_the_brands_wall_time(client, team):
    post = new_post(client, team, publish_at="2026-12-01T10:00", timezone="Europe/London")  # 11:00 in Berlin
    r = move(client, team["copywriter"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-12-04")
    assert r.status_code == 200, r.body
    assert json.loads(r.body)["time"] == "11:00"  # as the (Berlin) calendar shows it
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))
    assert got["timezone"] == "Europe/London" and got["publish_at"] == "2026-12-04T10:00"


def test_a_stale_version_is_409(client, team):
    post = new_post(client, team, publish_at="2026-12-01T10:00")
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "Changed"})
    assert r.status_code == 200, r.body
    r = move(client, team["copywriter"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-12-05")
    assert r.status_code == 409
    answer = json.loads(r.body)
    assert answer["ok"] is False and answer["current_version"] == 2 and "changed this post" in answer["message"]
    r = move(client, team["copywriter"], post["id"], version="1", date="2026-12-05")  # without JS: the form again
    assert r.status_code == 409 and "changed this post" in html(r) and 'name="version" value="2"' in html(r)
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))["publish_at"] == "2026-12-01T10:00"


def test_no_permission_is_403(client, team, make_user):
    post = new_post(client, team, publish_at="2026-12-01T10:00")
    reader = make_user("influencer_manager", brand=team["brand"])  # sees the plan, may not edit posts
    for who in (reader, team["client_approver"]):
        browser = as_user(client, who)
        page = browser.get(f"/posts/{post['id']}/move")
        assert page.status_code == 403, (who.email, page.status_code)
        token = csrf_token_in(page)  # every page carries a token (the language switch)
        for headers in (JSON_ACCEPT, {}):
            r = browser.post(f"/posts/{post['id']}/move", {csrf.FIELD: token, "version": "1", "date": "2026-12-05"},
                             **headers)
            assert r.status_code == 403, r.body
            if headers:
                assert "may not move" in json.loads(r.body)["message"]
    assert as_user(client, reader).get(f"/calendar?brand_id={team['brand'].id}").status_code == 200
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))["publish_at"] == "2026-12-01T10:00"


def test_a_drop_into_the_past_is_refused_in_the_readers_language(client, team):
    post = approve_post(client, team, publish_at="2026-12-01T10:00")
    r = move(client, team["smm_manager"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-01-05")
    assert r.status_code == 422 and "already passed" in json.loads(r.body)["message"]
    r = move(client, team["smm_manager"], post["id"], query="?lang=ru", headers=JSON_ACCEPT, version="1",
             date="2026-01-05")
    assert r.status_code == 422 and "уже прошло" in json.loads(r.body)["message"]
    r = move(client, team["smm_manager"], post["id"], version="1", date="2026-01-05", time="10:00")
    assert r.status_code == 422 and "already passed" in html(r) and 'value="2026-01-05"' in html(r)
    for bad in ({"date": "2026-02-30"}, {"date": "2026-12-05", "time": "25:00"}, {"date": "2026-12-05", "version": "x"}):
        r = move(client, team["smm_manager"], post["id"], headers=JSON_ACCEPT, **{"version": "1", **bad})
        assert r.status_code == 422, (bad, r.body)
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))
    assert got["publish_at"] == "2026-12-01T10:00" and got["status"] == "scheduled"


def test_dates_outside_the_plans_range_never_fail_the_calendar_or_a_move(client, team):
    post = new_post(client, team, title="In range", publish_at="2026-12-01T10:00")
    for far in ("9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"):
        for view in ("month", "week", "list"):
            page = cal(client, team, view=view, date=far)  # 200: the calendar falls back to today
            assert 'class="cal-grid' in page or 'id="list"' in page
        r = move(client, team["copywriter"], post["id"], headers=JSON_ACCEPT, version="1", date=far)
        assert r.status_code == 422 and json.loads(r.body)["message"] == "Pick a real date.", (far, r.body)
        r = move(client, team["copywriter"], post["id"], version="1", date=far)
        assert r.status_code == 422 and "Pick a real date." in html(r)
    page = cal(client, team, date="2100-12-31")  # the ends of the range are real days
    assert "2100-12-31" in page
    form = html(as_user(client, team["copywriter"]).get(f"/posts/{post['id']}/move"))
    assert 'min="2000-01-01" max="2100-12-31"' in form
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))["publish_at"] == "2026-12-01T10:00"


def test_the_move_form_page_without_js(client, team):
    post = new_post(client, team, publish_at="2026-12-01T10:00")
    page = as_user(client, team["copywriter"]).get(f"/posts/{post['id']}/move?back=brand_id%3D{team['brand'].id}%26q%3Dlatte")
    assert page.status_code == 200
    text = html(page)
    assert 'name="date" type="date" value="2026-12-01"' in text and 'name="time" type="time" value="10:00"' in text
    assert 'name="version" value="1"' in text and "q%3Dlatte" not in text.split('name="back"', 1)[0][-5:]
    assert "q=latte" in unescape(text)


def test_a_move_next_to_another_post_on_the_channel_says_so(client, team):
    new_post(client, team, title="Morning news", publish_at="2026-12-04T10:00")
    post = new_post(client, team, title="Second", publish_at="2026-12-01T10:00")
    r = move(client, team["copywriter"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-12-04",
             time="10:15")
    assert r.status_code == 200, r.body
    answer = json.loads(r.body)
    assert answer["ok"] is True and answer["message"].startswith("Moved to 2026-12-04 10:15.")
    assert len(answer["notices"]) == 1 and "Morning news" in answer["notices"][0]  # a warning, not a refusal
    assert "Morning news" in answer["message"]


def test_a_chip_shows_the_posts_first_media_thumbnail(client, team):
    from urllib.parse import urlsplit

    from tests.support import media_files

    brand_id, designer = team["brand"].id, team["designer"]
    data = media_files.png()
    r = call(client, "post", f"/v1/brands/{brand_id}/media/uploads", designer,
             {"name": "cup.png", "type": "image/png", "size": len(data)})
    assert r.status_code == 201, r.body
    target = body(r)
    link = urlsplit(target["url"])
    assert client.put(f"{link.path}?{link.query}", headers={"Content-Type": "application/octet-stream"},
                      body=data).status_code == 201
    r = call(client, "post", f"/v1/brands/{brand_id}/media", designer, {"key": target["key"], "alt": "A cup"})
    assert r.status_code == 201, r.body
    with_media = new_post(client, team, title="With a photo", publish_at="2026-12-02T10:00", media=[body(r)])
    plain_post = new_post(client, team, title="Text only", publish_at="2026-12-03T10:00")
    page = cal(client, team, date="2026-12-02")
    cell = month_cell(page, "2026-12-02")
    src = re.search(r'<img class="post-chip-thumb" src="([^"]+)" alt="A cup"', cell)
    assert src and f"/posts/{with_media['id']}" in cell
    shown = client.get(unescape(src.group(1)))
    assert shown.status_code == 200 and shown.body == data  # a link the page may load (same origin)
    assert "post-chip-thumb" not in month_cell(page, "2026-12-03") and f"/posts/{plain_post['id']}" in page


def test_an_archived_post_cannot_be_moved(client, team):
    post = new_post(client, team, publish_at="2026-12-01T10:00")
    assert call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"]).status_code == 200
    r = move(client, team["smm_manager"], post["id"], headers=JSON_ACCEPT, version="1", date="2026-12-05")
    assert r.status_code == 409 and "can no longer be moved" in json.loads(r.body)["message"]
    assert json.loads(r.body)["current_version"] is None
