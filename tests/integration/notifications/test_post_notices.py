"""Notices to a post's author and assignees (notifications/post_events.py): approved, changes
requested, rejected, scheduled, published and failed, each by email (the real outbox .eml) and Slack
DM (the fake Slack), in the reader's language and zone, per their preferences, never to the person who
caused it, once per event even when the hook or the sweep runs again; each also lands in the reader's
activity list (GET /v1/me/activity, /activity), which only ever shows their own."""
from __future__ import annotations

import uuid

import pytest

from chalicelib.content import repo as post_repo
from chalicelib.core.http import csrf
from chalicelib.core.jobs import load_all
from chalicelib.notifications import activity_repo, notice_queue, post_events
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from tests.support import mail
from tests.support.factories import make_brand
from tests.support.fake_api import Fault
from tests.support.fake_slack import slack_settings
from tests.support.posts import approve_post, body, call, new_post
from tests.support.sweep import at
from tests.support.web import Browser, csrf_token_in, html

TOKEN = "xoxb-post-notices"


@pytest.fixture
def slack(monkeypatch, dynamodb):
    with slack_settings(monkeypatch, TOKEN) as server:
        yield server


def link_slack(slack, *users) -> dict:
    """Give each person a Slack member for their address (found by users.lookupByEmail when a DM goes out)."""
    members = {}
    for user in users:
        member = "U" + uuid.uuid4().hex[:10].upper()
        slack.emails[user.email] = member
        members[user.id] = member
    return members


def dms_to(slack, member: str) -> list[str]:
    channel = "D" + member[1:]
    return [c.body.get("text") or "" for c in slack.of("chat.postMessage") if c.body.get("channel") == channel]


def mails(outbox, user, subject_part: str) -> list:
    return [m for m in mail.messages(outbox) if user.email.lower() in str(m["To"]).lower()
            and subject_part in str(m["Subject"])]


def run_notices() -> dict:
    """The post-notices job, as the scheduler (or `python -m chalicelib.cli run-job post-notices`) runs it."""
    return load_all()["post-notices"].run()


def submit(client, team, post):
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body


def decide(client, team, who, post, decision, comment=None):
    comment = comment or (None if decision == "approve" else "Please fix the first line")
    data = {"version": 1, "decision": decision, **({"comment": comment} if comment else {})}
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who], data)
    assert r.status_code == 200, r.body
    return body(r)


def activity(client, user, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    r = call(client, "get", "/v1/me/activity" + (f"?{qs}" if qs else ""), user)
    assert r.status_code == 200, r.body
    return body(r)


def test_changes_requested_tells_author_and_assignee_once_never_the_approver(client, team, outbox, slack,
                                                                            monkeypatch):
    members = link_slack(slack, team["copywriter"], team["designer"], team["content_manager"])
    post = new_post(client, team, assignee_ids=[team["designer"].id])
    submit(client, team, post)
    seen = []
    original = post_events.after_commit
    monkeypatch.setattr(post_events, "after_commit", lambda change, saved: (seen.append((change, saved)),
                                                                            original(change, saved)))
    decide(client, team, "content_manager", post, "request_changes", "Shorter, please")
    for who in ("copywriter", "designer"):
        [message] = mails(outbox, team[who], "Changes requested: Autumn menu")
        text = mail.text_of(message)
        assert team["content_manager"].email.split("@")[0] in text and "asked for changes" in text
        assert "Comment: Shorter, please" in text
        assert f"/posts/{post['id']}" in text
        [dm] = [t for t in dms_to(slack, members[team[who].id]) if "asked for changes" in t]
        assert "Autumn menu" in dm
    assert mails(outbox, team["content_manager"], "Changes requested") == []
    assert not [t for t in dms_to(slack, members[team["content_manager"].id]) if "asked for changes" in t]
    # the hook runs again (a retry): nobody hears twice, nothing more in the activity list
    [(change, saved)] = [(c, s) for c, s in seen if "changes_requested" in c.events]
    original(change, saved)
    original(change, saved)
    assert len(mails(outbox, team["copywriter"], "Changes requested")) == 1
    assert len([t for t in dms_to(slack, members[team["copywriter"].id]) if "asked for changes" in t]) == 1
    listed = activity(client, team["copywriter"])
    assert [i["kind"] for i in listed["items"]] == ["changes_requested"]
    assert listed["items"][0]["unread"] is True and listed["unread"] == 1
    assert listed["items"][0]["post_url"] == f"/posts/{post['id']}"
    assert listed["items"][0]["comment"] == "Shorter, please"


def test_approved_without_a_publish_time_after_the_whole_chain(client, team, outbox):
    post = new_post(client, team, publish_at=None)
    submit(client, team, post)
    decide(client, team, "content_manager", post, "approve")
    assert mails(outbox, team["copywriter"], "Approved") == []  # one stage of two: not approved yet
    decide(client, team, "smm_manager", post, "approve")
    [message] = mails(outbox, team["copywriter"], "Approved: Autumn menu")
    assert "is approved" in mail.text_of(message)
    assert mails(outbox, team["smm_manager"], "Approved: Autumn menu") == []
    assert [i["kind"] for i in activity(client, team["copywriter"])["items"]] == ["approved"]


def test_rejected(client, team, outbox):
    post = new_post(client, team)
    submit(client, team, post)
    decide(client, team, "content_manager", post, "reject")
    [message] = mails(outbox, team["copywriter"], "Rejected: Autumn menu")
    assert "rejected" in mail.text_of(message)


def test_scheduled_in_each_readers_zone_and_language(client, team, outbox):
    designer = team["designer"]
    r = call(client, "patch", "/v1/me", designer, {"timezone": "Asia/Tokyo", "language": "ru"})
    assert r.status_code == 200, r.body
    approve_post(client, team, assignee_ids=[designer.id])  # 2026-12-01 10:00 Berlin
    [message] = mails(outbox, team["copywriter"], "Approved and scheduled: Autumn menu")
    assert "2026-12-01 10:00 (Europe/Berlin)" in mail.text_of(message)  # no zone of her own: the brand's
    [message] = mails(outbox, designer, "Согласовано и запланировано: Autumn menu")
    assert "2026-12-01 18:00 (Asia/Tokyo)" in mail.text_of(message)
    items = activity(client, designer)["items"]
    assert [i["kind"] for i in items] == ["scheduled"] and "Asia/Tokyo" in items[0]["text"]
    assert "запланирован" in items[0]["text"]


def test_published_and_failed_go_to_author_and_assignees_once(client, team, channels, fakes, outbox, slack):
    members = link_slack(slack, team["copywriter"], team["designer"])
    ok = approve_post(client, team, channel_ids=[channels["tg"]], assignee_ids=[team["designer"].id])
    bad = approve_post(client, team, title="Winter menu", channel_ids=[channels["hook"]])
    fakes["hook"].fail_next(Fault.of_status(400, {"error": "bad"}))
    publish_sweep.run(at("2026-12-01T09:00:20"), rate_limits=False)
    # the sweep only queues the notices: no email to the author or assignee comes from its threads
    assert mails(outbox, team["copywriter"], "Published: Autumn menu") == []
    assert mails(outbox, team["copywriter"], "Not published: Winter menu") == []
    assert len(notice_queue.pending(ok["id"])) == 1 and len(notice_queue.pending(bad["id"])) == 1
    run_notices()
    publish_sweep.run(at("2026-12-01T09:01:20"), rate_limits=False)  # a second sweep tells nobody again
    run_notices()
    assert notice_queue.pending(ok["id"]) == [] and notice_queue.pending(bad["id"]) == []
    assert post_repo.get(ok["id"], consistent=True).status == "published"
    assert post_repo.get(bad["id"], consistent=True).status == "failed"
    for who in ("copywriter", "designer"):
        assert len(mails(outbox, team[who], "Published: Autumn menu")) == 1
        assert len([t for t in dms_to(slack, members[team[who].id]) if "is published" in t]) == 1
    [failed] = mails(outbox, team["copywriter"], "Not published: Winter menu")  # not twice (alert + notice)
    assert "Hook" in mail.text_of(failed)
    assert len([t for t in dms_to(slack, members[team["copywriter"].id]) if "could not be published" in t]) == 1
    assert mails(outbox, team["designer"], "Winter menu") == []  # not hers
    # the brand's SMM manager still gets the publishing alert (not the author's notice)
    assert len(mails(outbox, team["smm_manager"], "Not published: Winter menu")) == 1
    # the outcome hook again (a concurrent sweep's follow-up): nothing more
    [target] = target_repo.for_post(bad["id"])
    post_events.after_outcome(target, "failed", "bad", 1)
    run_notices()
    assert len(mails(outbox, team["copywriter"], "Not published: Winter menu")) == 1
    kinds = [i["kind"] for i in activity(client, team["copywriter"])["items"]]
    assert kinds.count("published") == 1 and kinds.count("failed") == 1 and kinds.count("scheduled") == 2


def test_preferences_off_sends_nothing_but_the_activity_item_stays(client, team, outbox, slack):
    members = link_slack(slack, team["copywriter"], team["designer"])
    writer, designer = team["copywriter"], team["designer"]
    r = call(client, "patch", "/v1/me", writer, {"notify": {"events": {"changes_requested": {"email": False,
                                                                                              "slack": False}}}})
    assert r.status_code == 200, r.body
    events = body(r)["notify"]["events"]
    assert events["changes_requested"] == {"email": False, "slack": False}
    assert events["approved"] == {"email": True, "slack": True}
    r = call(client, "patch", "/v1/me", designer, {"notify": {"email": False}})  # the master switch
    assert r.status_code == 200 and body(r)["notify"]["events"]["changes_requested"]["email"] is True
    post = new_post(client, team, assignee_ids=[designer.id])
    submit(client, team, post)
    decide(client, team, "content_manager", post, "request_changes")
    assert mails(outbox, writer, "Changes requested") == [] and mails(outbox, designer, "Changes requested") == []
    assert not [t for t in dms_to(slack, members[writer.id]) if "asked for changes" in t]
    assert [t for t in dms_to(slack, members[designer.id]) if "asked for changes" in t]  # Slack still on for her
    assert [i["kind"] for i in activity(client, writer)["items"]] == ["changes_requested"]


def test_bad_preferences_are_422(client, make_user):
    user = make_user()
    for bad in ({"events": {"nope": {"email": False}}}, {"events": {"approved": {"sms": True}}},
                {"events": {"approved": {"email": "maybe"}}}, {"events": []}):
        r = call(client, "patch", "/v1/me", user, {"notify": bad})
        assert r.status_code == 422, (bad, r.body)


def test_activity_is_mine_only_paged_and_marked_read(client, team, make_user):
    writer, designer = team["copywriter"], team["designer"]
    for title in ("One", "Two", "Three"):
        post = new_post(client, team, title=title)
        submit(client, team, post)
        decide(client, team, "content_manager", post, "reject")
    outsider = make_user("copywriter", brand=make_brand())
    assert activity(client, outsider)["items"] == [] and activity(client, designer)["items"] == []
    assert activity(client, team["content_manager"])["items"] == []  # the one who rejected
    first = activity(client, writer, limit=2)
    assert [i["text"].split("“")[1].split("”")[0] for i in first["items"]] == ["Three", "Two"]  # newest first
    assert first["cursor"] and first["unread"] == 3
    rest = activity(client, writer, limit=2, cursor=first["cursor"])
    assert [i["kind"] for i in rest["items"]] == ["rejected"] and rest["cursor"] is None
    # someone else's cursor is not mine
    assert call(client, "get", f"/v1/me/activity?cursor={first['cursor']}", outsider).status_code == 400
    # a stale "read up to" an older instant, then all: the mark only moves forward
    older = first["items"][1]["at"]
    r = call(client, "post", "/v1/me/activity/read", writer, {"until": older})
    assert r.status_code == 200 and body(r)["unread"] == 1
    r = call(client, "post", "/v1/me/activity/read", writer, {})
    assert r.status_code == 200 and body(r)["unread"] == 0
    r = call(client, "post", "/v1/me/activity/read", writer, {"until": older})
    assert body(r)["unread"] == 0 and body(r)["read_until"] > older
    assert not any(i["unread"] for i in activity(client, writer)["items"])
    assert call(client, "post", "/v1/me/activity/read", writer, {"until": "yesterday"}).status_code == 422
    assert call(client, "post", "/v1/me/activity/read", writer, {"bogus": 1}).status_code == 422
    assert client.get("/v1/me/activity").status_code == 401


def test_expired_activity_is_not_shown(client, team, monkeypatch):
    post = new_post(client, team)
    submit(client, team, post)
    monkeypatch.setattr(activity_repo, "ACTIVITY_DAYS", -1)  # already past its TTL when written
    decide(client, team, "content_manager", post, "reject")
    assert activity(client, team["copywriter"])["items"] == []


def test_activity_page_and_mark_all_read(client, team):
    writer = team["copywriter"]
    post = new_post(client, team)
    submit(client, team, post)
    decide(client, team, "content_manager", post, "request_changes")
    browser = Browser(client, Authorization=f"Bearer {writer.token}")
    page = browser.get("/activity")
    assert page.status_code == 200
    text = html(page)
    assert "asked for changes to “Autumn menu”" in text
    assert f'href="/posts/{post["id"]}"' in text and "is-unread" in text and "Unread: 1" in text
    assert "(Europe/Berlin)" in text  # the reader's zone (the brand's; she has none of her own)
    r = browser.post("/activity/read", {csrf.FIELD: csrf_token_in(page), "until": ""})
    assert r.status_code == 303
    after = html(browser.get("/activity"))
    assert "is-unread" not in after and "Unread: 0" in after
    r = browser.post("/activity/read", {"until": ""})  # no CSRF token: refused
    assert r.status_code in (400, 403)
    ru = Browser(client, Authorization=f"Bearer {team['designer'].token}")
    assert "Пока ничего" in html(ru.get("/activity?lang=ru"))


def test_profile_page_turns_an_event_off(client, team):
    writer = team["copywriter"]
    browser = Browser(client, Authorization=f"Bearer {writer.token}")
    page = browser.get("/me")
    assert 'name="event_changes_requested_email"' in html(page)
    form = {csrf.FIELD: csrf_token_in(page), "name": "Writer", "language": "en", "timezone": "", "digest": "off",
            "hour": "8", "notify_email": "on", "notify_slack": "on", "event_switches": "1"}
    from chalicelib.notifications import rules

    for kind in rules.EVENT_KINDS:
        for way in rules.WAYS:
            if (kind, way) != ("changes_requested", "email"):
                form[f"event_{kind}_{way}"] = "on"
    r = browser.post("/me", form)
    assert r.status_code == 303, r.body
    me = body(call(client, "get", "/v1/me", writer))
    assert me["notify"]["events"]["changes_requested"] == {"email": False, "slack": True}
    assert me["notify"]["events"]["published"] == {"email": True, "slack": True}
    assert 'name="event_changes_requested_email" value="on" checked' not in html(browser.get("/me"))
