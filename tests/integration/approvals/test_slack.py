"""Slack: approval requests as Block Kit DMs / channel messages, and POST /slack/interactions
against a fake Slack on loopback, with requests signed the way Slack documents."""
from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta

import pytest

from chalicelib.approvals import tokens as action_tokens
from chalicelib.content import repo as post_repo
from chalicelib.core.clock import utcnow
from chalicelib.core.settings import get_settings, reset_settings
from chalicelib.identity import repo as user_repo
from tests.support.factories import ACTOR
from tests.support.fake_slack import (
    block_actions,
    form_body,
    sign,
    slack_settings,
    view_submission,
)
from tests.support.posts import body, call, new_post

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret-0123456789"
BRAND_SECRET = "brand-signing-secret-abcdef"


@pytest.fixture
def fake(monkeypatch, dynamodb):
    with slack_settings(monkeypatch, TOKEN, SLACK_SIGNING_SECRET=SECRET, GL_BRAND_SLACK_SECRET=BRAND_SECRET,
                        GL_BRAND_SLACK_TOKEN=TOKEN) as server:
        yield server


def in_review(client, team, fake=None) -> dict:
    """A post submitted for review (the submit itself may already ask approvers in Slack: the
    workflow's immediate follow-up); the fake's record starts after it."""
    post = new_post(client, team)
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    if fake is not None:
        fake.clear()
    return body(r)


def sid(prefix: str = "") -> str:
    """A Slack member id unique in the session's database (links are global)."""
    return f"U{prefix}{secrets.token_hex(4).upper()}"


def link(test_user, slack_id: str) -> str:
    user_repo.link_slack(ACTOR, user_repo.get(test_user.id), slack_id, via="lookup", team_id="T0001")
    return slack_id


def deliver(post_id, brand, users, **kw):
    from chalicelib.approvals.slack import service as slack_approvals

    post = post_repo.get(post_id, consistent=True)
    return slack_approvals.deliver_request(post, brand, [user_repo.get(u.id) for u in users],
                                           kind=kw.pop("kind", "ask"), stage_index=kw.pop("stage_index", 0),
                                           deadline=kw.pop("deadline", None), already=kw.pop("already", set()))


def buttons(message_body: dict) -> dict:
    actions = [b for b in message_body["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1
    return {e["action_id"]: e for e in actions[0]["elements"]}


def interact(client, payload: dict, *, secret: str = SECRET, timestamp: int | None = None, path="/slack/interactions"):
    raw = form_body(payload)
    return client.post(path, headers=sign(secret, raw, timestamp), body=raw)


def decisions(post_id: str) -> list:
    return post_repo.decisions(post_id)


def set_brand_settings(client, admin, team, settings: dict):
    r = call(client, "patch", f"/v1/brands/{team['brand'].id}", admin, {"settings": settings})
    assert r.status_code == 200, r.body
    from chalicelib.brands import repo as brand_repo

    return brand_repo.get(team["brand"].id)


def sent_request(fake, client, team):
    """A post in review and the DM its linked content manager got: (post, button map, DM channel, Slack id)."""
    post = in_review(client, team, fake)
    slack_id = link(team["content_manager"], sid("CM"))
    assert deliver(post["id"], team["brand"], [team["content_manager"]]) == {f"slack:{team['content_manager'].id}"}
    message = fake.of("chat.postMessage")[-1]
    return post, buttons(message.body), message.body["channel"], slack_id


# --- sending ---------------------------------------------------------------------------------------

def test_request_dm_has_block_kit_buttons_with_valid_tokens(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    opened = fake.of("conversations.open")
    assert opened[-1].body["users"] == cm_sid
    assert channel == "D" + cm_sid[1:]
    message = fake.of("chat.postMessage")[-1]
    assert message.headers["Authorization"] == f"Bearer {TOKEN}"
    text = json.dumps(message.body["blocks"], ensure_ascii=False)
    assert "Pumpkin latte is back!" in text and team["brand"].name in text and "Europe/Berlin" in text
    now = utcnow()
    approve = action_tokens.read(btn["gl_approve"]["value"], now)
    assert (approve.post_id, approve.version, approve.stage, approve.user_id, approve.action) == \
        (post["id"], 1, 0, team["content_manager"].id, "approve")
    assert action_tokens.read(btn["gl_request_changes"]["value"], now).action == "request_changes"
    url = btn["gl_open"]["url"]
    assert url.startswith(f"{get_settings().PUBLIC_BASE_URL}/a/")
    assert action_tokens.read(url.rsplit("/", 1)[1], now).action == "open"
    # already sent: nothing again
    fake.clear()
    assert deliver(post["id"], team["brand"], [team["content_manager"]],
                   already={f"slack:{team['content_manager'].id}"}) == set()
    assert fake.calls == []


def test_request_in_the_users_language(client, team, fake, make_user):
    post = in_review(client, team, fake)
    ru = make_user("content_manager", brand=team["brand"], language="ru")
    link(ru, sid("RU"))
    deliver(post["id"], team["brand"], [ru], kind="remind")
    text = json.dumps(fake.of("chat.postMessage")[-1].body, ensure_ascii=False)
    assert "Напоминание" in text and "Согласовать" in text


def test_lookup_by_email_links_the_user_and_one_failure_does_not_stop_others(client, team, fake, make_user):
    post = in_review(client, team, fake)
    cm = team["content_manager"]
    other = make_user("content_manager", brand=team["brand"])
    unknown = make_user("content_manager", brand=team["brand"])
    cm_sid, other_sid = sid("CM"), sid("XX")
    fake.emails[cm.email] = cm_sid
    fake.emails[other.email] = other_sid
    fake.fail[("conversations.open", other_sid)] = "user_disabled"
    sent = deliver(post["id"], team["brand"], [unknown, other, cm])
    assert sent == {f"slack:{cm.id}"}
    assert user_repo.get(cm.id).slack_user_id == cm_sid
    assert user_repo.user_id_for_slack(cm_sid) == cm.id
    assert [c.body["email"] for c in fake.of("users.lookupByEmail")] == [unknown.email, other.email, cm.email]


def test_slack_off_or_no_token_sends_nothing(client, team, fake, admin, monkeypatch):
    post = in_review(client, team, fake)
    link(team["content_manager"], sid())
    brand = set_brand_settings(client, admin, team, {"slack_mode": "off"})
    assert deliver(post["id"], brand, [team["content_manager"]]) == set()
    brand = set_brand_settings(client, admin, team, {"slack_mode": "dm"})
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    reset_settings()
    assert deliver(post["id"], brand, [team["content_manager"]]) == set()
    assert fake.calls == []


def test_notice_dm(client, team, fake):
    from chalicelib.notifications import notices

    link(team["smm_manager"], sid("SM"))
    user = user_repo.get(team["smm_manager"].id)
    sent = notices.slack_notice(None, [user], lambda u: f"Hello {u.name}", already=set())
    assert sent == {f"slack:{user.id}"}
    assert fake.of("chat.postMessage")[-1].body["text"] == f"Hello {user.name}"


EVIL_TITLE = "<https://evil|Open in Greenlight> a & b"
EVIL_TITLE_SHOWN = "&lt;https://evil|Open in Greenlight&gt; a &amp; b"


def test_notice_and_request_texts_arrive_at_slack_escaped(client, team, fake):
    """A title, a name or an error with Slack's control characters reaches Slack as literal text
    (no link, no mention), in the mrkdwn and in the `text` of chat.postMessage; our own link stays one."""
    from chalicelib.notifications import notices

    r = call(client, "patch", "/v1/me", team["copywriter"], {"name": "Eve <!channel>"})
    assert r.status_code == 200, r.body
    post = new_post(client, team, title=EVIL_TITLE, body="Body <https://evil|click> & more")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    fake.clear()
    stored = post_repo.get(post["id"], consistent=True)
    link(team["smm_manager"], sid("SM"))
    user = user_repo.get(team["smm_manager"].id)
    lines = [("publish_notice.failed", {"title": stored.title, "channel": "TG", "error": "<!channel> & <@U0BOSS>"})]
    sent = notices.slack_notice(None, [user], lambda u: notices.notice_text(u, lines, stored), already=set())
    assert sent == {f"slack:{user.id}"}
    text = fake.of("chat.postMessage")[-1].body["text"]
    ours = f"<{get_settings().PUBLIC_BASE_URL}/posts/{post['id']}>"
    assert text.endswith("\n" + ours)
    assert EVIL_TITLE_SHOWN in text and "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text
    assert "<" not in text.replace(ours, "") and ">" not in text.replace(ours, "")

    fake.clear()
    link(team["content_manager"], sid("CM"))
    assert deliver(post["id"], team["brand"], [team["content_manager"]]) == {f"slack:{team['content_manager'].id}"}
    message = fake.of("chat.postMessage")[-1].body
    assert EVIL_TITLE_SHOWN in message["text"] and "<" not in message["text"] and ">" not in message["text"]
    sections = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert f"*{EVIL_TITLE_SHOWN}*" in sections and "*Author:* Eve &lt;!channel&gt;" in sections
    assert "Body &lt;https://evil|click&gt; &amp; more" in sections
    assert "<https://evil" not in json.dumps(message, ensure_ascii=False)


# --- interactions ----------------------------------------------------------------------------------

def test_signed_approve_records_the_decision_and_updates_the_message(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    original = fake.of("chat.postMessage")[-1].body["blocks"]
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel, blocks=original)
    started = time.monotonic()
    r = interact(client, payload)
    assert r.status_code == 200, r.body
    assert time.monotonic() - started < 3
    found = decisions(post["id"])
    assert [(d.user_id, d.decision, d.via) for d in found] == [(team["content_manager"].id, "approve", "slack")]
    # the answered message changes through its response_url only (never chat.update on a channel and
    # timestamp the payload names)
    assert fake.of("chat.update") == []
    update = fake.of("response_url")[-1]
    assert update.body["replace_original"] is True
    shown = json.dumps(update.body["blocks"], ensure_ascii=False)
    assert "approved (version 1)" in shown
    assert not [b for b in update.body["blocks"] if b["type"] == "actions"]
    assert post_repo.state_of(post_repo.get(post["id"], consistent=True)).stage_index == 1


def test_wrong_signature_and_old_timestamp_are_401(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    r = interact(client, payload, secret="not-the-secret")
    assert r.status_code == 401 and json.loads(r.body)["error"]["code"] == "bad_signature"
    r = interact(client, payload, timestamp=int(time.time()) - 6 * 60)
    assert r.status_code == 401
    raw = form_body(payload)
    r = client.post("/slack/interactions", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=raw)
    assert r.status_code == 401
    headers = sign(SECRET, raw)
    r = client.post("/slack/interactions", headers=headers, body=raw + "&x=1")  # body changed after signing
    assert r.status_code == 401
    assert decisions(post["id"]) == []
    assert fake.of("chat.update") == []


def test_same_payload_twice_is_one_decision(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 200
    assert interact(client, payload).status_code == 200
    assert len(decisions(post["id"])) == 1
    told = fake.of("response_url")[-1].body
    assert told["response_type"] == "ephemeral" and "already recorded" in told["text"]


def test_slack_user_who_is_not_the_approver_is_refused_ephemerally(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    cw_sid = link(team["copywriter"], sid("CW"))
    payload = block_actions(slack_user=cw_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url("cw"), channel=channel)
    r = interact(client, payload)
    assert r.status_code == 200
    assert decisions(post["id"]) == []
    assert fake.of("chat.update") == []
    told = fake.of("response_url")[-1]
    assert told.path == "/response/cw"
    assert told.body["response_type"] == "ephemeral" and told.body["replace_original"] is False
    assert "someone else" in told.body["text"]


def test_unlinked_slack_user_is_told_to_link_the_account(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    payload = block_actions(slack_user="U999NOBODY", action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 200
    told = fake.of("response_url")[-1].body
    assert told["response_type"] == "ephemeral" and "/me" in told["text"] and "profile" in told["text"]
    assert decisions(post["id"]) == []


def test_tampered_button_value_is_refused(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    value = btn["gl_approve"]["value"]
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=value[:len(value) // 2] + ("x" if value[len(value) // 2] != "x" else "y") + value[len(value) // 2 + 1:],
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 200
    assert "not made by Greenlight" in fake.of("response_url")[-1].body["text"]
    assert decisions(post["id"]) == []


def test_request_changes_opens_a_modal_and_the_comment_is_recorded(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    payload = block_actions(slack_user=cm_sid, action_id="gl_request_changes",
                            value=btn["gl_request_changes"]["value"], response_url=fake.response_url(),
                            channel=channel, trigger_id="trig-42")
    assert interact(client, payload).status_code == 200
    opened = fake.of("views.open")[-1].body
    assert opened["trigger_id"] == "trig-42"
    view = opened["view"]
    assert [b["type"] for b in view["blocks"]][-1] == "input"
    assert decisions(post["id"]) == []
    empty = view_submission(slack_user=cm_sid, private_metadata=view["private_metadata"], comment="  ")
    r = interact(client, empty)
    assert r.status_code == 200
    answer = json.loads(r.body)
    assert answer["response_action"] == "errors" and "gl_comment" in answer["errors"]
    assert decisions(post["id"]) == []
    filled = view_submission(slack_user=cm_sid, private_metadata=view["private_metadata"],
                             comment="Please add the price.")
    r = interact(client, filled)
    assert r.status_code == 200 and r.body in (b"", "")
    found = decisions(post["id"])
    assert [(d.decision, d.comment, d.via) for d in found] == [("request_changes", "Please add the price.", "slack")]
    update = fake.of("response_url")[-1].body
    assert update["replace_original"] is True and "requested changes (version 1)" in json.dumps(update["blocks"])
    # the same submission again: one decision; the modal says so
    r = interact(client, filled)
    assert json.loads(r.body)["response_action"] == "update"
    assert len(decisions(post["id"])) == 1


def test_malformed_payloads_are_400(client, fake, dynamodb):
    for raw in ("payload=not-json", "nothing=here", "payload=%5B1%2C2%5D", "payload=" + "%7B%22type%22%3A%22block_actions%22%7D"):
        r = client.post("/slack/interactions", headers=sign(SECRET, raw), body=raw)
        assert r.status_code == 400, (raw, r.body)
    raw = "payload=%7B%7D"
    r = client.post("/slack/interactions", headers={**sign(SECRET, raw), "Content-Type": "application/json"}, body=raw)
    assert r.status_code == 415
    r = interact(client, {"type": "view_closed"})
    assert r.status_code == 200


def test_channel_mode_answer_sends_the_approver_their_own_buttons(client, team, fake, admin):
    """A channel message's button carries a token addressed to no one: it never decides. Pressing it
    gets an approver of the stage their own buttons (ephemeral); their answer lands as them and is
    shown on the channel message."""
    post = in_review(client, team, fake)
    brand = set_brand_settings(client, admin, team, {"slack_mode": "channel", "slack_channel_id": "C0CHAN"})
    cm_sid = link(team["content_manager"], sid("CM"))
    cw_sid = link(team["copywriter"], sid("CW"))
    sent = deliver(post["id"], brand, [user_repo.get(team["content_manager"].id)])
    assert sent == {"slack:channel"}
    assert deliver(post["id"], brand, [team["content_manager"]], already={"slack:channel"}) == set()
    messages = fake.of("chat.postMessage")
    assert [m.body["channel"] for m in messages] == ["C0CHAN"]
    assert fake.of("conversations.open") == []
    btn = buttons(messages[0].body)
    assert set(btn) == {"gl_answer", "gl_open"}
    assert action_tokens.read(btn["gl_answer"]["value"], utcnow()).user_id == ""
    # not an approver of the stage: refused, nothing sent to them
    payload = block_actions(slack_user=cw_sid, action_id="gl_answer", value=btn["gl_answer"]["value"],
                            response_url=fake.response_url("cw"), channel="C0CHAN")
    assert interact(client, payload).status_code == 200
    assert "not an approver" in fake.of("response_url")[-1].body["text"]
    assert decisions(post["id"]) == []
    # the shared token pressed as an Approve button (an old message, or a forged payload): no decision
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_answer"]["value"],
                            response_url=fake.response_url("cm0"), channel="C0CHAN")
    assert interact(client, payload).status_code == 200
    assert decisions(post["id"]) == []
    # an approver presses Answer: their own buttons, only they see them, addressed to them
    payload = block_actions(slack_user=cm_sid, action_id="gl_answer", value=btn["gl_answer"]["value"],
                            response_url=fake.response_url("cm"), channel="C0CHAN", ts="1700000000.000200")
    assert interact(client, payload).status_code == 200
    assert decisions(post["id"]) == []
    own = fake.of("chat.postEphemeral")[-1].body
    assert own["channel"] == "C0CHAN" and own["user"] == cm_sid  # never a URL the payload names
    mine = {e["action_id"]: e for b in own["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert action_tokens.read(mine["gl_approve"]["value"], utcnow()).user_id == team["content_manager"].id
    # pressed from another channel (a forged payload): nothing sent
    payload = block_actions(slack_user=cm_sid, action_id="gl_answer", value=btn["gl_answer"]["value"],
                            response_url=fake.response_url("cmx"), channel="C0ELSEWHERE")
    sent = len(fake.of("chat.postEphemeral"))
    assert interact(client, payload).status_code == 200
    assert len(fake.of("chat.postEphemeral")) == sent
    # someone else pressing those buttons is refused
    payload = block_actions(slack_user=cw_sid, action_id="gl_approve", value=mine["gl_approve"]["value"],
                            response_url=fake.response_url("cw2"), channel="C0CHAN")
    assert interact(client, payload).status_code == 200
    assert decisions(post["id"]) == []
    # the approver's own Approve: recorded as them, announced in the brand's channel
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=mine["gl_approve"]["value"],
                            response_url=fake.response_url("cm2"), channel="C0CHAN", blocks=own["blocks"])
    payload["container"]["is_ephemeral"] = True
    assert interact(client, payload).status_code == 200
    assert [(d.user_id, d.decision) for d in decisions(post["id"])] == [(team["content_manager"].id, "approve")]
    announced = fake.of("chat.postMessage")[-1].body
    assert announced["channel"] == "C0CHAN" and "approved (version 1)" in announced["text"]
    assert fake.of("chat.update") == []


def test_a_payload_from_another_workspace_is_401_and_decides_nothing(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    payload["team"]["id"] = payload["user"]["team_id"] = "T0EVIL"
    r = interact(client, payload)
    assert r.status_code == 401 and body(r)["error"]["code"] == "slack_wrong_team"
    del payload["team"]
    del payload["user"]["team_id"]
    assert interact(client, payload).status_code == 401
    assert decisions(post["id"]) == [] and fake.of("response_url") == []


def test_the_workspace_apps_team_is_checked_when_set(client, team, fake, monkeypatch):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    monkeypatch.setenv("SLACK_TEAM_ID", "T0OTHER")
    reset_settings()
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 401  # the link says T0001, the app T0OTHER
    monkeypatch.setenv("SLACK_TEAM_ID", "T0001")
    reset_settings()
    assert interact(client, payload).status_code == 200
    assert len(decisions(post["id"])) == 1


def test_a_link_made_without_a_team_is_not_trusted_alone(client, team, fake):
    post = in_review(client, team, fake)
    cm_sid = sid("CM")
    user_repo.link_slack(ACTOR, user_repo.get(team["content_manager"].id), cm_sid, via="manual")
    deliver(post["id"], team["brand"], [team["content_manager"]])
    btn = buttons(fake.of("chat.postMessage")[-1].body)
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel="D0001")
    assert interact(client, payload).status_code == 401
    assert decisions(post["id"]) == []


def test_a_link_made_before_team_ids_learns_its_team_from_the_next_dm(client, team, fake):
    post = in_review(client, team, fake)
    cm = team["content_manager"]
    cm_sid = sid("CM")
    user_repo.link_slack(ACTOR, user_repo.get(cm.id), cm_sid, via="manual")
    fake.emails[cm.email] = cm_sid
    assert deliver(post["id"], team["brand"], [cm]) == {f"slack:{cm.id}"}
    assert user_repo.slack_link(cm_sid).slack_team_id == "T0001"
    btn = buttons(fake.of("chat.postMessage")[-1].body)
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel="D0001")
    assert interact(client, payload).status_code == 200
    assert len(decisions(post["id"])) == 1


def test_brand_app_endpoint_uses_the_brand_secret_and_team(client, team, fake, admin):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    brand_id = team["brand"].id
    set_brand_settings(client, admin, team, {"slack_signing_secret_ref": "env:GL_BRAND_SLACK_SECRET",
                                             "slack_bot_token_ref": "env:GL_BRAND_SLACK_TOKEN",
                                             "slack_team_id": "T0001"})
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    path = f"/slack/interactions/{brand_id}"
    assert interact(client, payload, path=path).status_code == 401  # workspace secret: not this app's
    set_brand_settings(client, admin, team, {"slack_team_id": "T0BRAND"})
    assert interact(client, payload, path=path, secret=BRAND_SECRET).status_code == 401  # another workspace
    assert decisions(post["id"]) == []
    set_brand_settings(client, admin, team, {"slack_team_id": "T0001"})
    assert interact(client, payload, path=path, secret=BRAND_SECRET).status_code == 200
    assert len(decisions(post["id"])) == 1
    assert interact(client, payload, path="/slack/interactions/nosuchbrand").status_code == 404


def test_expired_and_stale_buttons_are_refused(client, team, fake):
    post, btn, channel, cm_sid = sent_request(fake, client, team)
    old = action_tokens.make(post["id"], 1, 0, team["content_manager"].id, "approve",
                             utcnow() - timedelta(minutes=1))
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=old,
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 200
    assert "expired" in fake.of("response_url")[-1].body["text"]
    # the author edits the post in review: the request's version is stale now
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"body": "Changed text"},
             {"If-Match": '"1"'})
    assert r.status_code == 200, r.body
    payload = block_actions(slack_user=cm_sid, action_id="gl_approve", value=btn["gl_approve"]["value"],
                            response_url=fake.response_url(), channel=channel)
    assert interact(client, payload).status_code == 200
    told = fake.of("response_url")[-1].body
    assert told["response_type"] == "ephemeral" and ("changed" in told["text"] or "no longer" in told["text"])
    assert decisions(post["id"]) == []


def test_brand_own_bot_token_is_used(client, team, fake, admin, monkeypatch):
    monkeypatch.setenv("GL_BRAND_OWN_TOKEN", "xoxb-brand-own")
    fake.tokens.add("xoxb-brand-own")
    post = in_review(client, team, fake)
    brand = set_brand_settings(client, admin, team, {"slack_bot_token_ref": "env:GL_BRAND_OWN_TOKEN",
                                                     "slack_signing_secret_ref": "env:GL_BRAND_SLACK_SECRET",
                                                     "slack_team_id": "T0001"})
    link(team["content_manager"], sid("CM"))
    assert deliver(post["id"], brand, [team["content_manager"]]) == {f"slack:{team['content_manager'].id}"}
    assert {c.headers["Authorization"] for c in fake.calls} == {"Bearer xoxb-brand-own"}
    # a reference to a variable that is not set: no Slack, no error
    brand = set_brand_settings(client, admin, team, {"slack_bot_token_ref": "env:GL_BRAND_NOT_SET_ANYWHERE_42"})
    fake.clear()
    assert deliver(post["id"], brand, [team["content_manager"]]) == set()
    assert fake.calls == []
