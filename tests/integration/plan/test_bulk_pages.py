"""The calendar's bulk form target (POST /calendar/bulk) through the real app: a results page per action with
each post's outcome and translated reason, the CSV download for export, a clear message when nothing is
selected, CSRF required, another brand's posts never touched."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from chalicelib.brands.members import repo as member_repo
from chalicelib.core.http import csrf
from chalicelib.identity import repo as user_repo
from tests.support.factories import ACTOR
from tests.support.posts import body, build_team, call, new_post
from tests.support.web import FORM, as_user, csrf_token_in, html, text_of


def bulk_form(browser, team, action, post_ids, days="", token=None, **extra):
    """Post the calendar's bulk form as the browser would (post_ids repeated), with the calendar's CSRF token."""
    if token is None:
        page = browser.get(f"/calendar?brand_id={team['brand'].id}")
        assert page.status_code == 200, page.body
        token = csrf_token_in(page)
    fields = [(csrf.FIELD, token), ("brand_id", team["brand"].id), *(("post_ids", p) for p in post_ids),
              ("action", action), ("days", days), *extra.items()]
    return browser._remember(browser.http.post("/calendar/bulk", headers=browser._headers(FORM, "POST"),
                                               body=urlencode(fields)))


def rows_of(response) -> dict[str, str]:
    """post id -> the text of its row on the results page."""
    found = re.findall(r'<li class="row bulk-row [^"]*" data-post-id="([^"]+)">(.*?)</li>', html(response), re.S)
    return {post_id: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip() for post_id, text in found}


def test_move_with_a_wrong_status_another_brands_post_and_a_stale_one(client, team, make_user):
    other = build_team(client, make_user)
    member_repo.set_roles(ACTOR, other["brand"].id, user_repo.get(team["smm_manager"].id), ["smm_manager"])
    foreign = new_post(client, other, title="Foreign post")
    a, b = new_post(client, team, title="Soup day"), new_post(client, team, title="Tea day",
                                                             publish_at="2026-12-05T18:45")
    archived, stale = new_post(client, team, title="Old news"), new_post(client, team, title="Edited meanwhile")
    assert call(client, "post", f"/v1/posts/{archived['id']}/archive", team["smm_manager"]).status_code == 200
    assert call(client, "patch", f"/v1/posts/{stale['id']}", team["copywriter"],
                {"version": 1, "body": "New text"}).status_code == 200

    browser = as_user(client, team["smm_manager"])
    r = bulk_form(browser, team, "move", [a["id"], b["id"], archived["id"], foreign["id"], f"{stale['id']}:1"], "2",
                  view="month", date="2026-12-01")
    assert r.status_code == 200, r.body
    rows = rows_of(r)
    assert list(rows) == [a["id"], b["id"], archived["id"], foreign["id"], stale["id"]]
    assert "Soup day" in rows[a["id"]] and "Done · now 2026-12-03 10:00 (Europe/Berlin)" in rows[a["id"]]
    assert "Tea day" in rows[b["id"]] and "now 2026-12-07 18:45" in rows[b["id"]]
    assert "Not done: This cannot be done to a post that is Archived." in rows[archived["id"]]
    assert "Foreign post" not in html(r) and "There is no such post in this brand." in rows[foreign["id"]]
    assert "It was changed since you opened the calendar (now version 2)." in rows[stale["id"]]
    assert "Done: 2. Not done: 3." in text_of(r)
    assert "Moved 2 day(s) later, each at the same clock time in its own time zone." in text_of(r)
    assert f'href="/posts/{a["id"]}"' in html(r) and f'href="/posts/{foreign["id"]}"' not in html(r)
    assert 'href="/calendar?brand_id=' in html(r) and "date=2026-12-03" in html(r)  # back, to where they went
    assert body(call(client, "get", f"/v1/posts/{a['id']}", team["smm_manager"]))["publish_at"] == "2026-12-03T10:00"
    assert body(call(client, "get", f"/v1/posts/{stale['id']}", team["smm_manager"]))["publish_at"] == \
        "2026-12-01T10:00"
    assert body(call(client, "get", f"/v1/posts/{foreign['id']}", team["smm_manager"]))["publish_at"] == \
        "2026-12-01T10:00"

    cal = html(browser.get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-03"))
    cell = re.search(r'data-date="2026-12-03">(.*?)</div>', cal, re.S)
    assert cell and f"/posts/{a['id']}" in cal


def test_submit_approve_and_archive_through_the_form(client, team):
    one, two = new_post(client, team, title="One"), new_post(client, team, title="Two")
    writer = as_user(client, team["copywriter"])
    r = bulk_form(writer, team, "submit", [one["id"], two["id"]])
    assert r.status_code == 200 and "Send for approval: results" in html(r)
    assert "Done: 2. Not done: 0." in text_of(r)
    r = bulk_form(writer, team, "submit", [one["id"]])
    assert "This cannot be done to a post that is In review." in rows_of(r)[one["id"]]

    cm = as_user(client, team["content_manager"])
    r = bulk_form(cm, team, "approve", [one["id"], f"{two['id']}:1"])  # the calendar sends <id>:<version seen>
    assert r.status_code == 422 and "Approving needs the version you saw of each post." in text_of(r)
    assert "Done:" not in text_of(r)
    r = bulk_form(cm, team, "approve", [f"{one['id']}:1", f"{two['id']}:1"])
    assert "Done: 2. Not done: 0." in text_of(r)
    r = bulk_form(as_user(client, team["copywriter"]), team, "approve", [f"{one['id']}:1"])
    assert "You cannot approve it now" in rows_of(r)[one["id"]]

    r = bulk_form(writer, team, "archive", [one["id"], two["id"]])
    assert "Done: 2. Not done: 0." in text_of(r)
    assert body(call(client, "get", f"/v1/posts/{two['id']}", team["smm_manager"]))["status"] == "archived"


def test_export_downloads_a_csv_of_just_those_posts(client, team, make_user):
    other = build_team(client, make_user)
    member_repo.set_roles(ACTOR, other["brand"].id, user_repo.get(team["smm_manager"].id), ["smm_manager"])
    foreign = new_post(client, other, title="Foreign")
    one, _two = new_post(client, team, title="Chosen"), new_post(client, team, title="Not chosen")
    r = bulk_form(as_user(client, team["smm_manager"]), team, "export", [one["id"], foreign["id"]], "1")
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"].startswith("text/csv") and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Chosen"]


def test_nothing_selected_and_other_bad_forms_get_a_clear_message(client, team, make_user):
    browser = as_user(client, team["smm_manager"])
    r = bulk_form(browser, team, "archive", [])
    assert r.status_code == 422
    assert "No posts were selected. Tick the posts on the calendar first, then choose an action." in text_of(r)
    assert "Back to the calendar" in text_of(r)
    post = new_post(client, team)
    r = bulk_form(browser, team, "move", [post["id"]], "")
    assert r.status_code == 422 and "Say by how many days to move the posts" in text_of(r)
    r = bulk_form(browser, team, "delete", [post["id"]])
    assert r.status_code == 422 and "Choose what to do with the selected posts." in text_of(r)
    r = bulk_form(browser, team, "archive", [f"p{n}" for n in range(101)])
    assert r.status_code == 422 and "Too many posts at once: select at most 100." in text_of(r)
    r = bulk_form(browser, team, "archive", [post["id"]], token="forged")
    assert r.status_code == 403
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))["status"] == "draft"
    outsider = as_user(client, make_user("smm_manager", brand=build_team(client, make_user)["brand"]))
    page = outsider.get("/")
    r = bulk_form(outsider, team, "archive", [post["id"]], token=csrf_token_in(page))
    assert r.status_code == 404
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))["status"] == "draft"


def test_the_results_page_in_russian(client, team, make_user):
    russian = as_user(client, make_user("smm_manager", brand=team["brand"], language="ru"))
    post = new_post(client, team, publish_at=None, title="Без даты")
    r = bulk_form(russian, team, "move", [post["id"]], "3")
    assert r.status_code == 200
    assert "Перенос: итог" in html(r) and "У поста нет времени публикации, сдвигать нечего." in rows_of(r)[post["id"]]
    assert "Вернуться к календарю" in text_of(r)
