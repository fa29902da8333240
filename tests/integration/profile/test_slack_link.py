"""Linking a Slack account is proven by Slack, never claimed: users.lookupByEmail finds the member
who has the person's email address (in the app's workspace) and the link keeps its team id. An
attacker naming someone else's (unlinked) member id gets 422 and no link."""
from __future__ import annotations

import pytest

from chalicelib.core.http import csrf
from chalicelib.core.settings import reset_settings
from chalicelib.identity import repo as user_repo
from tests.support.fake_slack import slack_settings
from tests.support.posts import body, call
from tests.support.web import Browser, csrf_token_in, html

TOKEN = "xoxb-profile-test"


@pytest.fixture
def slack(monkeypatch, dynamodb):
    with slack_settings(monkeypatch, TOKEN) as server:
        yield server


def patch_me(client, user, data):
    return call(client, "patch", "/v1/me", user, data)


def test_naming_someone_elses_member_id_is_refused(client, make_user, slack):
    alice, mallory = make_user(), make_user()
    slack.emails[alice.email] = "U0ALICE42"
    slack.emails[mallory.email] = "U0MALLORY"
    r = patch_me(client, mallory, {"slack_user_id": "U0ALICE42"})  # Alice has not linked yet
    assert r.status_code == 422, r.body
    assert body(r)["error"]["details"][0]["field"] == "slack_user_id"
    assert user_repo.user_id_for_slack("U0ALICE42") is None
    assert user_repo.get(mallory.id).slack_user_id is None


def test_linking_by_email_keeps_the_team_and_unlinking_frees_it(client, make_user, slack):
    alice, bob = make_user(), make_user()
    slack.emails[alice.email] = "U0ALICE43"
    r = call(client, "post", "/v1/me/slack-link", alice)
    assert r.status_code == 200 and body(r)["slack_user_id"] == "U0ALICE43"
    link = user_repo.slack_link("U0ALICE43")
    assert link.user_id == alice.id and link.slack_team_id == "T0001" and link.linked_via == "lookup"
    # the same id typed in is fine (it is the one Slack has for the address)
    assert patch_me(client, alice, {"slack_user_id": "U0ALICE43"}).status_code == 200
    r = patch_me(client, alice, {"slack_user_id": None})
    assert r.status_code == 200 and body(r)["slack_user_id"] is None
    assert user_repo.user_id_for_slack("U0ALICE43") is None
    # Bob's address is not Alice's: he cannot take the freed id either
    assert patch_me(client, bob, {"slack_user_id": "U0ALICE43"}).status_code == 422


def test_nobody_in_slack_with_my_address(client, make_user, slack):
    user = make_user()
    r = call(client, "post", "/v1/me/slack-link", user)
    assert r.status_code == 422 and "no member" in body(r)["error"]["message"]


def test_without_slack_configured_the_link_says_so(client, make_user, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    reset_settings()
    try:
        r = call(client, "post", "/v1/me/slack-link", make_user())
        assert r.status_code == 422 and "not set up" in body(r)["error"]["message"]
    finally:
        monkeypatch.undo()
        reset_settings()


def test_find_me_in_slack_on_the_profile_page(client, make_user, slack):
    user = make_user(language="ru")
    browser = Browser(client, Authorization=f"Bearer {user.token}")
    page = browser.get("/me")
    assert "Найти меня в Slack" in html(page)
    r = browser.post("/me/slack-link", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 422 and "нет участника" in html(r)
    slack.emails[user.email] = "U0PAGE01"
    r = browser.post("/me/slack-link", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 303, r.body
    assert user_repo.get(user.id).slack_user_id == "U0PAGE01"
    assert "Аккаунт Slack привязан" in html(browser.get("/me?done=slack_linked"))
