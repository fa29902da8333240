"""Who sees and decides what inside one brand, written as the attacks: a client approver reading the
whole brand through the feed, the digest, hold and comments; releasing a manager's hold; an editor
rewriting a copywriter's text and approving it."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.identity import repo as user_repo
from chalicelib.notifications import digest as digest_service
from chalicelib.plan import feeds
from tests.support.posts import body, call, new_post

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def client_chain(client, team):
    """Branded posts go to the client after the content manager; advertising posts never do."""
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"], {
        "name": "Client", "content_types": ["branded"], "stages": [
            {"name": "Content review", "approver_roles": ["content_manager"], "lead_hours": 24},
            {"name": "Client", "approver_roles": ["client_approver"], "lead_hours": 4}]})
    assert r.status_code == 201, r.body
    return body(r)["id"]


@pytest.fixture
def posts(client, team, client_chain):
    """One post put to the client (approved by the content manager, now with the client), one never."""
    mine = new_post(client, team, title="For the client", content_type="branded", publish_at="2026-12-02T10:00")
    other = new_post(client, team, title="Team only secret", body="Launch of the rival's product",
                     publish_at="2026-12-02T11:00")
    for post in (mine, other):
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{mine['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    early = new_post(client, team, title="Not yet for the client", content_type="branded",
                     publish_at="2026-12-02T12:00")
    assert call(client, "post", f"/v1/posts/{early['id']}/submit", team["copywriter"]).status_code == 200
    return {"mine": mine, "other": other, "early": early}


def test_a_client_approvers_feed_holds_only_the_posts_put_to_them(team, posts):
    client_user = user_repo.get(team["client_approver"].id)
    events = feeds.collect(client_user, NOW)
    text = " ".join(e.summary + e.description for e in events)
    assert "For the client" in text
    assert "Team only secret" not in text and "rival" not in text
    assert "Not yet for the client" not in text  # still with the content manager: not asked of the client yet
    team_view = " ".join(e.summary for e in feeds.collect(user_repo.get(team["content_manager"].id), NOW))
    assert "Team only secret" in team_view and "For the client" in team_view


def test_a_client_approvers_digest_holds_only_the_posts_put_to_them(team, posts):
    at = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)  # both posts overdue and planned today
    digest = digest_service.compose(user_repo.get(team["client_approver"].id), at)
    titles = [line.title for line in digest.pending + digest.overdue + digest.today_items + digest.tomorrow_items]
    assert "For the client" in titles and "Team only secret" not in titles and "Not yet for the client" not in titles
    team_digest = digest_service.compose(user_repo.get(team["smm_manager"].id), at)
    assert "Team only secret" in [line.title for line in team_digest.overdue + team_digest.today_items]


def test_a_client_approver_cannot_hold_or_read_posts_not_put_to_them(client, team, posts):
    client_approver = team["client_approver"]
    assert call(client, "post", f"/v1/posts/{posts['early']['id']}/hold", client_approver).status_code == 404
    other = posts["other"]["id"]
    for method, path, data in (("post", f"/v1/posts/{other}/hold", None),
                               ("post", f"/v1/posts/{other}/release", None),
                               ("get", f"/v1/posts/{other}/comments", None),
                               ("post", f"/v1/posts/{other}/comments", {"text": "hi", "visibility": "external"}),
                               ("get", f"/v1/posts/{other}", None)):
        r = call(client, method, path, client_approver, data)
        assert r.status_code in (403, 404), (path, r.status_code)
        assert b"Team only secret" not in r.body and b"rival" not in r.body
    assert body(call(client, "get", f"/v1/posts/{other}", team["smm_manager"]))["hold"] is False


def test_a_client_approver_works_on_their_own_post_but_cannot_lift_a_managers_hold(client, team, posts):
    client_approver, smm, mine = team["client_approver"], team["smm_manager"], posts["mine"]["id"]
    r = call(client, "post", f"/v1/posts/{mine}/comments", client_approver, {"text": "Logo bigger", "visibility": "external"})
    assert r.status_code == 201, r.body
    assert [c["text"] for c in body(call(client, "get", f"/v1/posts/{mine}/comments", client_approver))["items"]] == [
        "Logo bigger"]
    # their own hold they may lift …
    assert call(client, "post", f"/v1/posts/{mine}/hold", client_approver).status_code == 200
    assert call(client, "post", f"/v1/posts/{mine}/release", client_approver).status_code == 200
    # … a manager's they may not
    assert call(client, "post", f"/v1/posts/{mine}/hold", smm).status_code == 200
    r = call(client, "post", f"/v1/posts/{mine}/release", client_approver)
    assert r.status_code == 403
    assert body(call(client, "get", f"/v1/posts/{mine}", smm))["hold"] is True
    assert call(client, "post", f"/v1/posts/{mine}/release", team["content_manager"]).status_code == 200


def test_an_editor_who_rewrote_the_text_cannot_approve_it(client, team):
    """The content manager (stage 1 approver) rewrites the copywriter's post in review, then tries to
    approve their own words: 403. Another approver of the stage still can."""
    cm = team["content_manager"]
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "patch", f"/v1/posts/{post['id']}", cm, {"version": 1, "body": "My own better words"})
    assert r.status_code == 200 and body(r)["version"] == 2 and body(r)["status"] == "in_review"
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", cm, {"version": 2, "decision": "approve"})
    assert r.status_code == 403, r.body
    assert body(call(client, "get", f"/v1/posts/{post['id']}", cm))["approval"]["stage_index"] == 0


def test_the_rule_lasts_the_round_and_a_new_submit_starts_a_new_one(client, team):
    """An editor's text sent back for changes and rewritten by the copywriter is a new round: the
    editor may approve the copywriter's version then."""
    from tests.support.factories import make_user

    cm, writer = team["content_manager"], team["copywriter"]
    cm2 = make_user("content_manager", brand=team["brand"])  # before the submit: stages are resolved then
    post = new_post(client, team)
    pid = post["id"]
    assert call(client, "post", f"/v1/posts/{pid}/submit", writer).status_code == 200
    assert call(client, "patch", f"/v1/posts/{pid}", cm, {"version": 1, "body": "Edited by CM"}).status_code == 200
    assert call(client, "post", f"/v1/posts/{pid}/decisions", team["smm_manager"],
                {"version": 2, "decision": "request_changes", "comment": "no"}).status_code in (403, 409)
    # the second stage's approver cannot jump in; the stage's other approver sends it back
    r = call(client, "post", f"/v1/posts/{pid}/decisions", cm2,
             {"version": 2, "decision": "request_changes", "comment": "Back to you"})
    assert r.status_code == 200, r.body
    assert call(client, "patch", f"/v1/posts/{pid}", writer, {"version": 2, "body": "Copywriter's v3"}).status_code == 200
    assert call(client, "post", f"/v1/posts/{pid}/submit", writer).status_code == 200
    r = call(client, "post", f"/v1/posts/{pid}/decisions", cm, {"version": 3, "decision": "approve"})
    assert r.status_code == 200, r.body


def test_a_brand_that_allows_authors_to_approve_lets_the_editor_approve(client, admin, team):
    brand_id, cm = team["brand"].id, team["content_manager"]
    r = call(client, "patch", f"/v1/brands/{brand_id}", admin, {"settings": {"authors_may_approve": True}})
    assert r.status_code == 200, r.body
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    assert call(client, "patch", f"/v1/posts/{post['id']}", cm, {"version": 1, "body": "Mine now"}).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", cm, {"version": 2, "decision": "approve"})
    assert r.status_code == 200, r.body
