"""The post pages through the real app on DynamoDB Local: the form (create, errors, stale edit),
the calendar in the brand's time zone, and the approval buttons on the post page."""
from __future__ import annotations

import re

from chalicelib.content.rules.fields import CONTENT_TYPES
from chalicelib.core import i18n
from chalicelib.core.http import csrf
from chalicelib.plan.page_kit import POST_NOTICES, STATUS_KEYS
from tests.support.posts import body, call, new_post
from tests.support.web import Browser, csrf_token_in, html


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def form_data(team, **fields) -> dict:
    return {"brand_id": team["brand"].id, "title": "Winter menu", "body": "Mulled wine is here!",
            "channel_ids": team["tg"], "content_type": "advertising", "publish_at": "2026-12-01T00:30",
            "timezone": "", "tags": "winter, drinks", **fields}


def test_keys_built_in_code_exist():
    for language in i18n.LANGUAGES:
        catalog = i18n.catalog(language)
        needed = set(STATUS_KEYS.values()) | {f"post.type.{c}" for c in CONTENT_TYPES}
        needed |= {f"notice.{n}" for n in POST_NOTICES} | {f"post.decision.{d}" for d in
                                                            ("approve", "request_changes", "reject")}
        assert sorted(needed - set(catalog)) == []


def test_create_via_form_then_calendar_shows_it_on_the_berlin_day(client, team):
    writer = as_user(client, team["copywriter"])
    page = writer.get(f"/posts/new?brand_id={team['brand'].id}")
    assert page.status_code == 200
    text = html(page)
    assert 'name="channel_ids"' in text and "data-limits=" in text and 'type="datetime-local"' in text
    r = writer.post("/posts/new", {csrf.FIELD: csrf_token_in(page), **form_data(team)})
    assert r.status_code == 303, r.body
    match = re.search(r"/posts/([0-9a-z]+)\?done=post_created$", r.headers["Location"])
    assert match, r.headers["Location"]
    post_id = match.group(1)
    got = body(call(client, "get", f"/v1/posts/{post_id}", team["copywriter"]))
    assert got["publish_at"] == "2026-12-01T00:30" and got["timezone"] == "Europe/Berlin"
    assert got["publish_at_utc"] == "2026-11-30T23:30:00.000000Z"  # still November in UTC
    assert got["tags"] == ["winter", "drinks"] and got["channel_ids"] == [team["tg"]]

    shown = writer.get(f"/posts/{post_id}?done=post_created")
    assert shown.status_code == 200 and "The post is created." in html(shown)

    cal = html(writer.get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-10"))
    cell = re.search(r'class="cal-day[^"]*" role="cell" data-date="2026-12-01">(.*?)</div>', cal, re.S)
    assert cell and f"/posts/{post_id}" in cell.group(1) and "00:30" in cell.group(1)
    assert "status-draft" in cell.group(1) and "Draft" in cell.group(1)
    october = html(writer.get(f"/calendar?brand_id={team['brand'].id}&date=2026-10-10&view=list"))
    assert f"/posts/{post_id}" not in october
    week = html(writer.get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-02&view=week"))
    assert f"/posts/{post_id}" in week


def test_unscheduled_posts_have_their_own_section(client, team):
    post = new_post(client, team, publish_at=None, title="Someday")
    cal = html(as_user(client, team["smm_manager"]).get(f"/calendar?brand_id={team['brand'].id}"))
    section = cal.split('id="unscheduled"', 1)[1]
    assert f"/posts/{post['id']}" in section


def test_form_errors_come_back_next_to_the_fields(client, team):
    writer = as_user(client, team["copywriter"])
    page = writer.get(f"/posts/new?brand_id={team['brand'].id}")
    token = csrf_token_in(page)
    r = writer.post("/posts/new", {csrf.FIELD: token, **form_data(team, title="", body="")})
    assert r.status_code == 422
    assert 'id="post-body-error"' in html(r) and "Give the post a title or a text." in html(r)
    r = writer.post("/posts/new", {csrf.FIELD: token, **form_data(team, publish_at="tomorrow")})
    assert r.status_code == 422 and 'id="post-publish_at-error"' in html(r)
    assert 'value="Winter menu"' in html(r)  # what was typed is kept
    r = writer.post("/posts/new", {csrf.FIELD: token, **form_data(team, channel_ids=team["x"], body="x" * 300)})
    assert r.status_code == 422 and "280" in html(r)
    assert writer.post("/posts/new", form_data(team)).status_code == 403  # no CSRF token


def test_edit_with_a_stale_version_is_409(client, team):
    post = new_post(client, team)
    writer = as_user(client, team["copywriter"])
    page = writer.get(f"/posts/{post['id']}/edit")
    assert page.status_code == 200 and 'name="version" value="1"' in html(page)
    assert 'value="2026-12-01T10:00"' in html(page)
    token = csrf_token_in(page)
    r = writer.post(f"/posts/{post['id']}/edit", {csrf.FIELD: token, "version": "1",
                                                  **form_data(team, body="Pumpkin latte is back, bigger!")})
    assert r.status_code == 303, r.body
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))["version"] == 2
    r = writer.post(f"/posts/{post['id']}/edit", {csrf.FIELD: token, "version": "1", **form_data(team, body="Old")})
    assert r.status_code == 409
    assert "The post changed since you opened it." in html(r)
    page = html(writer.get(f"/posts/{post['id']}"))
    assert "<ins>" in page and "<del>" in page  # the diff between versions 1 and 2


def test_decision_buttons_only_for_the_current_stage_and_approve_moves_it(client, team):
    post = new_post(client, team)
    writer = as_user(client, team["copywriter"])
    page = writer.get(f"/posts/{post['id']}")
    assert "Send for approval" in html(page)
    r = writer.post(f"/posts/{post['id']}/submit", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303
    page = html(writer.get(f"/posts/{post['id']}"))
    assert "In review" in page and 'value="approve"' not in page  # the author does not decide

    smm = as_user(client, team["smm_manager"])
    assert 'value="approve"' not in html(smm.get(f"/posts/{post['id']}"))  # not in the first stage
    cm = as_user(client, team["content_manager"])
    page = cm.get(f"/posts/{post['id']}")
    assert 'value="approve"' in html(page) and 'name="version" value="1"' in html(page)
    token = csrf_token_in(page)
    r = cm.post(f"/posts/{post['id']}/decide", {csrf.FIELD: token, "version": "1", "decision": "reject"})
    assert r.status_code == 422 and 'id="decision-comment-error"' in html(r)
    r = cm.post(f"/posts/{post['id']}/decide", {csrf.FIELD: token, "version": "1", "decision": "approve"})
    assert r.status_code == 303, r.body
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))
    assert got["approval"]["current_stage"] == "SMM sign-off"
    assert 'value="approve"' not in html(cm.get(f"/posts/{post['id']}"))
    page = smm.get(f"/posts/{post['id']}")
    assert 'value="approve"' in html(page)
    r = smm.post(f"/posts/{post['id']}/decide", {csrf.FIELD: csrf_token_in(page), "version": "1", "decision": "approve"})
    assert r.status_code == 303
    page = html(smm.get(f"/posts/{post['id']}"))
    assert "status-badge status-scheduled" in page


def test_comments_hold_and_archive_by_form(client, team):
    post = new_post(client, team)
    smm = as_user(client, team["smm_manager"])
    page = smm.get(f"/posts/{post['id']}")
    token = csrf_token_in(page)
    assert smm.post(f"/posts/{post['id']}/comments", {csrf.FIELD: token, "text": "", "visibility": "internal"}
                    ).status_code == 422
    r = smm.post(f"/posts/{post['id']}/comments", {csrf.FIELD: token, "text": "<b>Nice</b>", "visibility": "internal"})
    assert r.status_code == 303
    assert "&lt;b&gt;Nice&lt;/b&gt;" in html(smm.get(f"/posts/{post['id']}"))
    assert smm.post(f"/posts/{post['id']}/hold", {csrf.FIELD: token}).status_code == 303
    assert "On hold" in html(smm.get(f"/posts/{post['id']}"))
    assert smm.post(f"/posts/{post['id']}/release", {csrf.FIELD: token}).status_code == 303
    assert smm.post(f"/posts/{post['id']}/archive", {csrf.FIELD: token}).status_code == 303
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))["status"] == "archived"


def test_form_sets_assignees_due_date_and_links(client, team):
    writer = as_user(client, team["copywriter"])
    page = writer.get(f"/posts/new?brand_id={team['brand'].id}")
    text = html(page)
    assert 'name="assignee_ids"' in text and f'value="{team["designer"].id}"' in text
    assert f'value="{team["client_approver"].id}"' not in text  # clients are not assignees
    r = writer.post("/posts/new", {csrf.FIELD: csrf_token_in(page), **form_data(
        team, assignee_ids=team["designer"].id, due_at="2026-11-28", links="https://example.com/menu\n\nhttps://example.com/b")})
    assert r.status_code == 303, r.body
    post_id = re.search(r"/posts/([0-9a-z]+)\?", r.headers["Location"]).group(1)
    got = body(call(client, "get", f"/v1/posts/{post_id}", team["copywriter"]))
    assert got["assignee_ids"] == [team["designer"].id] and got["due_at"] == "2026-11-28"
    assert got["links"] == ["https://example.com/menu", "https://example.com/b"]
    edit = html(writer.get(f"/posts/{post_id}/edit"))
    assert "https://example.com/menu" in edit and 'value="2026-11-28"' in edit
    bad = writer.post("/posts/new", {csrf.FIELD: csrf_token_in(page), **form_data(team, links="not a link")})
    assert bad.status_code == 422


def test_the_post_page_shows_its_history_with_the_real_old_and_new_values(client, team):
    post = new_post(client, team)
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"version": 1, "title": "Winter menu", "tags": ["winter"], "channel_ids": [team["tg"], team["x"]]})
    assert r.status_code == 200, r.body
    call(client, "post", f"/v1/posts/{post['id']}/hold", team["smm_manager"])
    for language, edited, title_label, held in (("en", "edited the post", "Title:", "put it on hold"),
                                                ("ru", "изменил(а) пост", "Заголовок:", "приостановил(а) публикацию")):
        page = html(as_user(client, team["smm_manager"]).get(f"/posts/{post['id']}?lang={language}"))
        section = re.search(r'<section class="card section" id="history".*?</section>', page, re.S).group(0)
        assert edited in section and held in section
        assert title_label in section and "<del>Autumn menu</del> → <ins>Winter menu</ins>" in section
        assert "<ins>winter</ins>" in section and "<ins>TG, X</ins>" in section  # channel names, not ids
        assert "function" not in section and "Europe/Berlin" in section
