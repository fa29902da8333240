"""The post page tells the truth about approval and publishing, through the real app on DynamoDB
Local: the Approval card for every status (not sent, in review, stopped, approved through the chain,
published with or without approval, archived), decisions with people's names and times in the reader's
zone, and what happens to publication targets when a scheduled post is edited (cancelled, never sent
as the old version, scheduled afresh at the new version once approved)."""
from __future__ import annotations

import re

from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.core import i18n
from chalicelib.core.http import csrf
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.models import TargetItem
from chalicelib.publishing.rules import derive_post_status
from tests.support.posts import approve_post, body, call, new_post
from tests.support.sweep import at
from tests.support.web import Browser, csrf_token_in, html


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def approval_card(page_html: str) -> str:
    match = re.search(r'<section class="card section" id="approval".*?</section>', page_html, re.S)
    assert match, "no Approval card"
    return match.group(0)


def publishing_card(page_html: str) -> str:
    match = re.search(r'<section class="card section" id="publishing".*?</section>', page_html, re.S)
    assert match, "no Publishing card"
    return match.group(0)


def set_status(post_id: str, status: str) -> None:
    """What the demo seed and publishing leave: a status set without the approval workflow."""
    post_repo.get(post_id, consistent=True).update(actions=[PostItem.status.set(status)])


def test_card_keys_exist_in_every_language():
    for language in i18n.LANGUAGES:
        catalog = i18n.catalog(language)
        for key in ("not_sent", "back_to_draft", "approved_chain", "approved_no_chain", "no_approval",
                    "changes_requested", "rejected", "archived", "archived_unsent", "sent_by"):
            assert f"post_card.note.{key}" in catalog, (language, key)
        assert {"targets.state.cancelled", "targets.state.superseded"} <= set(catalog)


def test_a_post_published_without_approval_says_so_not_that_it_was_never_sent(client, team):
    post = new_post(client, team, title="Seeded")
    reader = as_user(client, team["smm_manager"])
    assert "Not sent for approval yet." in approval_card(html(reader.get(f"/posts/{post['id']}")))
    set_status(post["id"], "published")  # like the demo's webhook post once it went out
    card = approval_card(html(reader.get(f"/posts/{post['id']}")))
    assert "Not sent for approval yet." not in card
    assert "Published without approval: no approval is on record" in card
    set_status(post["id"], "scheduled")
    assert "Scheduled without approval" in approval_card(html(reader.get(f"/posts/{post['id']}")))


def test_a_post_approved_through_the_chain_keeps_its_stages_done_once_published(client, team):
    post = approve_post(client, team)
    reader = as_user(client, team["designer"])
    for status in ("scheduled", "published"):
        set_status(post["id"], status)
        card = approval_card(html(reader.get(f"/posts/{post['id']}")))
        assert "Approved through the approval chain: all 2 stage(s) agreed." in card, status
        assert card.count("stage stage-done") == 2 and "stage-pending" not in card, status
        assert "Last sent for approval by" in card


def test_changes_requested_then_archived_the_card_says_where_it_stopped(client, team):
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "request_changes", "comment": "Shorter, please"})
    assert r.status_code == 200, r.body
    reader = as_user(client, team["smm_manager"])
    card = approval_card(html(reader.get(f"/posts/{post['id']}")))
    assert "Changes were requested at the stage “Content review”" in card
    assert "stage stage-stopped" in card and "stage stage-not_reached" in card and "Shorter, please" in card
    assert call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"]).status_code == 200
    card = approval_card(html(reader.get(f"/posts/{post['id']}")))
    assert "Archived: its approval ended here." in card and "Not sent for approval yet." not in card


def test_decisions_show_names_and_the_readers_zone_named(client, team):
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    name = team["content_manager"].email.split("@")[0]  # the factory names people after their mailbox
    r = call(client, "patch", "/v1/me", team["designer"], {"timezone": "America/New_York"})
    assert r.status_code == 200, r.body
    decided = post_repo.decisions(post["id"])[0]
    utc_minute = decided.at[11:16]

    own_zone = approval_card(html(as_user(client, team["designer"]).get(f"/posts/{post['id']}")))
    rows = re.search(r'id="post-decisions".*?</ul>', own_zone, re.S).group(0)
    assert f"<strong>{name}</strong>" in rows and team["content_manager"].email not in rows
    assert "(America/New_York)" in rows and " UTC" not in rows
    assert utc_minute not in rows  # New York is 5 hours behind UTC in December… and November

    brand_zone = approval_card(html(as_user(client, team["smm_manager"]).get(f"/posts/{post['id']}")))
    rows = re.search(r'id="post-decisions".*?</ul>', brand_zone, re.S).group(0)
    assert "(Europe/Berlin)" in rows and f"<strong>{name}</strong>" in rows


def test_editing_a_scheduled_post_cancels_its_targets_and_the_new_version_is_scheduled_afresh(client, team):
    post = approve_post(client, team, channel_ids=[team["x"]])  # X: a manual channel, claimed without a fake
    target_id = target_repo.target_id(post["id"], team["x"])
    target = target_repo.get(target_id)
    assert target.state == "scheduled" and int(target.version) == 1 and target.gsi2pk

    writer = as_user(client, team["copywriter"])
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "New text"})
    assert r.status_code == 200, r.body
    assert body(r)["status"] == "in_review" and body(r)["version"] == 2
    target = target_repo.get(target_id)
    assert target.state == "cancelled" and int(target.version) == 1
    assert target.gsi2pk is None and target.gsi2sk is None  # out of the publish queue
    assert derive_post_status([target.state]) is None  # a cancelled target does not count for the post

    page = html(writer.get(f"/posts/{post['id']}"))
    card = publishing_card(page)
    assert "status-badge status-scheduled" not in card and ">Scheduled<" not in card
    assert "Version 1 was edited before it went out, so it will not be sent." in card

    # the publish time comes: nothing goes out (neither version 1 nor the unapproved version 2)
    assert publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False).get("manual") is None
    assert target_repo.get(target_id).state == "cancelled" and not target_repo.attempts(post["id"])

    for who in ("content_manager", "smm_manager"):
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who], {"version": 2, "decision": "approve"})
        assert r.status_code == 200, r.body
    assert body(r)["status"] == "scheduled"
    target = target_repo.get(target_id)
    assert target.state == "scheduled" and int(target.version) == 2 and target.text == "New text" and target.gsi2pk
    card = publishing_card(html(writer.get(f"/posts/{post['id']}")))
    assert "status-badge status-scheduled" in card and "version 2" in card and "will not be sent" not in card

    assert publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False).get("manual") == 1
    target = target_repo.get(target_id)
    assert target.state == "publishing" and int(target.version) == 2 and len(target_repo.attempts(post["id"])) == 1


def test_only_time_moved_keeps_the_targets_and_archiving_cancels_them(client, team):
    post = approve_post(client, team, channel_ids=[team["x"]])
    target_id = target_repo.target_id(post["id"], team["x"])
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"version": 1, "publish_at": "2026-12-01T12:00"})
    assert r.status_code == 200 and body(r)["status"] == "scheduled"
    target = target_repo.get(target_id)
    assert target.state == "scheduled" and target.publish_at.startswith("2026-12-01T11:00")
    assert call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"]).status_code == 200
    target = target_repo.get(target_id)
    assert target.state == "cancelled" and target.gsi2pk is None
    card = publishing_card(html(as_user(client, team["smm_manager"]).get(f"/posts/{post['id']}")))
    assert "Cancelled before it went out" in card


def test_a_stale_scheduled_target_of_an_old_version_shows_as_superseded_and_cannot_be_sent_again(client, team):
    """Targets stored before edits cancelled them: still `scheduled` on an older version."""
    post = approve_post(client, team, channel_ids=[team["x"]])
    target = target_repo.get(target_repo.target_id(post["id"], team["x"]))
    post_repo.get(post["id"], consistent=True).update(actions=[PostItem.version.set(2),
                                                               PostItem.status.set("in_review")])
    smm = as_user(client, team["smm_manager"])
    page = smm.get(f"/posts/{post['id']}")
    card = publishing_card(html(page))
    assert "Superseded" in card and "status-badge status-scheduled" not in card
    assert f"/targets/{target.id}/retry" not in card
    token = csrf_token_in(page)
    target.update(actions=[TargetItem.state.set("failed"), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove()])
    r = smm.post(f"/posts/{post['id']}/targets/{target.id}/retry", {csrf.FIELD: token})
    assert r.status_code == 409 and "This publication is of an older version" in html(r)
    assert target_repo.get(target.id).state == "failed"
