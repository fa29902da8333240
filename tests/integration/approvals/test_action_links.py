"""Signed approval links `/a/<token>` on DynamoDB Local: followed from the real outbox .eml.

GET/HEAD (scanners, unfurlers, curl) never write; the one POST from the page records the decision
(via "email"); every other outcome is a readable page with its status and writes nothing."""
from __future__ import annotations

import html
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.approvals import tokens as action_tokens
from chalicelib.approvals.links.pages import confirm_value
from chalicelib.approvals.models import LinkUseItem
from chalicelib.content import repo as post_repo
from tests.support import mail
from tests.support.posts import body, call, new_post

SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
# What Microsoft Defender for Office 365 Safe Links' detonation fetches typically send.
SAFELINKS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0 (compatible; Microsoft Office SafeLinks)")
CURL = "curl/8.5.0"
SCANNERS = (SLACKBOT, SAFELINKS, CURL)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --- helpers --------------------------------------------------------------------------------------

def submit(client, team, **fields):
    post = new_post(client, team, **fields)
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    return body(r)


def link_paths(outbox, user) -> dict[str, str]:
    """approve / request_changes / open paths from the newest approval email to `user`."""
    message = mail.latest_to(outbox, user.email)
    links = [mail.path_of(x) for x in mail.links_in(message) if "/a/" in x]
    assert len(links) == 3, links
    return dict(zip(("approve", "request_changes", "open"), links))


def asked_mails(outbox, user) -> list:
    return [m for m in mail.messages(outbox) if user.email in str(m["To"]) and "/a/" in mail.text_of(m)]


def page_text(response) -> str:
    text = response.body.decode() if isinstance(response.body, bytes) else response.body
    return html.unescape(text)


def confirm_of(response) -> str:
    found = re.search(r'name="confirm" value="([^"]+)"', page_text(response))
    assert found, "no confirm field on the page"
    return found.group(1)


def post_form(client, path, fields, **headers):
    return client.post(path, headers={**FORM, **headers}, body=urlencode(fields))


def approve_through_page(client, path, comment="", **headers):
    page = client.get(path)
    assert page.status_code == 200, page_text(page)
    return post_form(client, path, {"confirm": confirm_of(page), "decision": "approve", "comment": comment}, **headers)


def footprint(client, team, post_id):
    """Everything a write would change: the post item, its decisions, audit entries and link uses."""
    stored = post_repo.get(post_id, consistent=True)
    history = body(call(client, "get", f"/v1/posts/{post_id}/history", team["smm_manager"]))
    uses = list(LinkUseItem.query(f"POST#{post_id}", LinkUseItem.sk.startswith("ACTED#"), consistent_read=True))
    return (json.dumps(stored.serialize(), sort_keys=True, default=str), len(history["audit"]), len(history["decisions"]), len(uses))


def head_headers(response) -> dict:
    return {k.lower(): v for k, v in response.headers.items()}


# --- GET / HEAD never write -----------------------------------------------------------------------

def test_scanners_get_and_head_every_link_and_nothing_is_written(client, team, outbox):
    post = submit(client, team)
    links = link_paths(outbox, team["content_manager"])
    before = footprint(client, team, post["id"])
    for path in links.values():
        for agent in SCANNERS:
            got = client.get(path, headers={"User-Agent": agent})
            assert got.status_code == 200, page_text(got)
            headers = head_headers(got)
            assert headers["cache-control"] == "no-store"
            assert headers["referrer-policy"] == "no-referrer"
            assert "noindex" in headers["x-robots-tag"]
            assert "set-cookie" not in headers
            head = client.head(path, headers={"User-Agent": agent})
            assert head.status_code == 200 and not head.body
            assert head_headers(head)["x-robots-tag"] == headers["x-robots-tag"]
    assert footprint(client, team, post["id"]) == before
    assert post_repo.get(post["id"], consistent=True).status == "in_review"


def test_the_page_shows_the_post_as_asked_in_the_approvers_zone_and_language(client, team, outbox, make_user):
    from chalicelib.identity import repo as user_repo

    submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    page = page_text(client.get(path))
    assert "Your approval is needed" in page
    assert "Autumn menu" in page and "Pumpkin latte is back!" in page
    assert team["brand"].name in page and user_repo.get(team["copywriter"].id).name in page
    assert "Content review" in page
    assert "2026-11-30 10:00 (Europe/Berlin)" in page  # deadline in the approver's (brand's) zone
    assert 'name="confirm"' in page and 'type="submit"' in page
    assert 'name="decision" value="approve"' in page
    assert "Нужно ваше согласование" in page_text(client.get(path + "?lang=ru"))  # the footer switch


def test_a_russian_approver_gets_the_page_in_russian_without_a_session(client, team, outbox, make_user):
    brand, smm = team["brand"], team["smm_manager"]
    ivan = make_user("content_manager", brand=brand, language="ru")
    chain = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm, {
        "name": "RU", "content_types": ["educational"], "stages": [
            {"name": "Проверка", "approver_user_ids": [ivan.id], "rule": "any", "lead_hours": 24}]})
    assert chain.status_code == 201, chain.body
    post = new_post(client, team, content_type="educational")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    path = link_paths(outbox, ivan)["approve"]
    page = page_text(client.get(path, headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert "Нужно ваше согласование" in page and "Проверка" in page
    done = approve_through_page(client, path)
    assert done.status_code == 200 and "Спасибо" in page_text(done)


def test_open_link_offers_both_answers_and_changes_need_a_comment(client, team, outbox):
    post = submit(client, team)
    paths = link_paths(outbox, team["content_manager"])
    page = client.get(paths["open"])
    text = page_text(page)
    assert 'value="approve"' in text and 'value="request_changes"' in text
    before = footprint(client, team, post["id"])
    missing = post_form(client, paths["open"], {"confirm": confirm_of(page), "decision": "request_changes",
                                                "comment": "  "})
    assert missing.status_code == 422
    assert "Please write a comment" in page_text(missing) and 'name="comment"' in page_text(missing)
    assert footprint(client, team, post["id"]) == before
    done = post_form(client, paths["open"], {"confirm": confirm_of(page), "decision": "request_changes",
                                             "comment": "Shorter, please"})
    assert done.status_code == 200, page_text(done)
    assert "Shorter, please" in page_text(done)
    assert post_repo.get(post["id"], consistent=True).status == "changes_requested"


def test_request_changes_link_requires_a_comment(client, team, outbox):
    submit(client, team)
    path = link_paths(outbox, team["content_manager"])["request_changes"]
    page = client.get(path)
    r = post_form(client, path, {"confirm": confirm_of(page), "decision": "request_changes", "comment": ""})
    assert r.status_code == 422 and "Please write a comment" in page_text(r)


# --- POST -----------------------------------------------------------------------------------------

def test_post_approves_via_email_and_a_replay_is_a_409_page(client, team, outbox):
    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    done = approve_through_page(client, path, comment="Lovely")
    assert done.status_code == 200, page_text(done)
    text = page_text(done)
    assert "your decision is recorded" in text and "SMM sign-off" in text  # what happens next
    history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
    assert [(d["decision"], d["via"], d["user_id"]) for d in history["decisions"]] == [
        ("approve", "email", team["content_manager"].id)]
    state = body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))
    assert state["approval"]["current_stage"] == "SMM sign-off"

    after = footprint(client, team, post["id"])
    page = client.get(path)
    assert page.status_code == 409 and "already been used" in page_text(page)
    replay = post_form(client, path, {"confirm": confirm_value(path.rsplit("/", 1)[1]), "decision": "approve"})
    assert replay.status_code == 409
    assert "already been used" in page_text(replay) and "Approved" in page_text(replay)
    from chalicelib.identity import repo as user_repo

    assert user_repo.get(team["content_manager"].id).name in page_text(replay)
    # the other button of the same email is used up too
    other = link_paths(outbox, team["content_manager"])["open"]
    assert client.get(other).status_code == 409
    assert footprint(client, team, post["id"]) == after


def test_a_bare_or_cross_site_post_records_nothing(client, team, outbox):
    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    before = footprint(client, team, post["id"])
    bare = post_form(client, path, {"decision": "approve"})
    assert bare.status_code == 400 and "confirm your answer" in page_text(bare)
    confirm = confirm_of(client.get(path))
    evil = post_form(client, path, {"confirm": confirm, "decision": "approve"}, Origin="https://evil.example")
    assert evil.status_code == 403
    evil = post_form(client, path, {"confirm": confirm, "decision": "approve"}, Referer="https://evil.example/x")
    assert evil.status_code == 403
    assert footprint(client, team, post["id"]) == before
    # our own page posts with Origin: null (Referrer-Policy: no-referrer) — accepted
    ok = post_form(client, path, {"confirm": confirm, "decision": "approve"}, Origin="null")
    assert ok.status_code == 200, page_text(ok)


def test_tampering_one_character_is_a_400_page(client, team, outbox):
    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    token = path.rsplit("/", 1)[1]
    index = len(token) // 2
    bad = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1:]
    before = footprint(client, team, post["id"])
    for r in (client.get(f"/a/{bad}"), client.head(f"/a/{bad}"),
              post_form(client, f"/a/{bad}", {"decision": "approve"}),
              post_form(client, f"/a/{bad}/renew", {})):
        assert r.status_code == 400
    assert "damaged" in page_text(client.get(f"/a/{bad}"))
    assert footprint(client, team, post["id"]) == before


def test_stale_version_after_an_edit_is_a_409_page_with_the_diff_and_a_fresh_link(client, team, outbox):
    post = submit(client, team)
    manager = team["content_manager"]
    path = link_paths(outbox, manager)["approve"]
    confirm = confirm_of(client.get(path))
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"body": "Pumpkin latte and cinnamon buns are back!", "version": 1})
    assert r.status_code == 200, r.body
    before = footprint(client, team, post["id"])
    mails_before = len(asked_mails(outbox, manager))
    for r in (client.get(path), post_form(client, path, {"confirm": confirm, "decision": "approve"})):
        assert r.status_code == 409
        text = page_text(r)
        assert "changed since you were asked" in text
        assert "<ins>" in r.body.decode() and "cinnamon" in text  # the diff
        assert "Send me a new link" in text
    assert footprint(client, team, post["id"]) == before
    renewed = post_form(client, path + "/renew", {"confirm": confirm})
    assert renewed.status_code == 200 and "on its way" in page_text(renewed)
    fresh = asked_mails(outbox, manager)
    assert len(fresh) >= mails_before + 1
    fresh_path = link_paths(outbox, manager)["approve"]
    assert fresh_path != path
    assert "cinnamon" in page_text(client.get(fresh_path))
    assert approve_through_page(client, fresh_path).status_code == 200


def test_expired_link_is_a_410_page_and_renew_sends_one_new_email(client, team, outbox):
    import time_machine

    post = submit(client, team)
    manager = team["content_manager"]
    path = link_paths(outbox, manager)["approve"]
    confirm = confirm_of(client.get(path))
    token = path.rsplit("/", 1)[1]
    expires = action_tokens.read(token, datetime.now(UTC)).expires_at
    before = footprint(client, team, post["id"])
    count = len(asked_mails(outbox, manager))
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        page = client.get(path)
        assert page.status_code == 410 and "Send me a new link" in page_text(page)
        assert client.head(path).status_code == 410
        r = post_form(client, path, {"confirm": confirm, "decision": "approve"})
        assert r.status_code == 410
        assert footprint(client, team, post["id"]) == before
        renewed = post_form(client, path + "/renew", {"confirm": confirm_of(page)})
        assert renewed.status_code == 200 and "on its way" in page_text(renewed)
        assert len(asked_mails(outbox, manager)) == count + 1
        again = post_form(client, path + "/renew", {"confirm": confirm_of(page)})
        assert again.status_code == 200 and "a moment ago" in page_text(again)
        assert len(asked_mails(outbox, manager)) == count + 1


def test_renew_when_nothing_waits_says_so(client, team, outbox):
    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    assert approve_through_page(client, path).status_code == 200
    count = len(asked_mails(outbox, team["content_manager"]))
    r = post_form(client, path + "/renew", {"confirm": confirm_value(path.rsplit("/", 1)[1])})
    assert r.status_code == 200 and "Nothing to approve" in page_text(r)
    assert len(asked_mails(outbox, team["content_manager"])) == count
    assert post_repo.get(post["id"], consistent=True).status == "in_review"


def test_a_link_signed_with_the_previous_key_still_verifies_after_rotation(client, team, outbox):
    from chalicelib.core.settings import reset_settings

    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    old = os.environ["SIGNING_KEYS"]
    newest, older = old.split(",")
    # the key that signed the email becomes "previous": a new key signs from now on
    os.environ["SIGNING_KEYS"] = f"rotated-newest-key-0123456789abcdef0123,{newest}"
    reset_settings()
    try:
        page = client.get(path)
        assert page.status_code == 200, page_text(page)
        made_now = action_tokens.make(post["id"], 1, 0, team["content_manager"].id, "approve",
                                      datetime.now(UTC) + timedelta(hours=1))
        assert made_now != path.rsplit("/", 1)[1]
        # retiring the key that signed it makes the old link a damaged one
        os.environ["SIGNING_KEYS"] = "rotated-newest-key-0123456789abcdef0123"
        reset_settings()
        assert client.get(path).status_code == 400
        os.environ["SIGNING_KEYS"] = f"rotated-newest-key-0123456789abcdef0123,{newest}"
        reset_settings()
        done = post_form(client, path, {"confirm": confirm_of(page), "decision": "approve"})
        assert done.status_code == 200, page_text(done)
    finally:
        os.environ["SIGNING_KEYS"] = old
        reset_settings()


def test_client_approver_sees_only_external_comments(client, team, outbox):
    brand, smm = team["brand"], team["smm_manager"]
    chain = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm, {
        "name": "Client", "content_types": ["educational"], "stages": [
            {"name": "Client sign-off", "approver_roles": ["client_approver"], "rule": "any"}]})
    assert chain.status_code == 201, chain.body
    post = new_post(client, team, content_type="educational")
    comments = f"/v1/posts/{post['id']}/comments"
    call(client, "post", comments, team["copywriter"], {"text": "team only: margin is thin"})
    call(client, "post", comments, smm, {"text": "for the client: new recipe", "visibility": "external"})
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    path = link_paths(outbox, team["client_approver"])["approve"]
    text = page_text(client.get(path))
    assert "for the client: new recipe" in text
    assert "margin is thin" not in text
    assert approve_through_page(client, path).status_code == 200


def test_a_token_for_someone_who_is_not_an_approver_cannot_decide(client, team, outbox):
    post = submit(client, team)
    token = action_tokens.make(post["id"], 1, 0, team["designer"].id, "approve",
                               datetime.now(UTC) + timedelta(hours=2))
    before = footprint(client, team, post["id"])
    page = client.get(f"/a/{token}")
    assert page.status_code == 409
    assert post_form(client, f"/a/{token}", {"confirm": confirm_value(token), "decision": "approve"}).status_code == 409
    assert footprint(client, team, post["id"]) == before


# --- concurrency ----------------------------------------------------------------------------------

def test_twenty_concurrent_posts_of_one_link_record_exactly_one_decision(client, team, outbox, live_server):
    import requests

    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    confirm = confirm_of(client.get(path))
    barrier = threading.Barrier(20)

    def one(_):
        barrier.wait()
        for attempt in range(5):
            try:
                # Generous: on 2 cores, 20 requests at once through `chalice local` and DynamoDB Local
                # queue behind each other for up to a minute; correctness, not speed, is tested here.
                r = requests.post(live_server + path, data={"confirm": confirm, "decision": "approve"}, timeout=240)
                return r.status_code
            except requests.ConnectionError:  # a refused connect never reached the app; a replay is
                if attempt == 4:                # harmless anyway
                    raise

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(one, range(20)))
    assert sorted(statuses) == [200] + [409] * 19, statuses
    history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
    assert [d["decision"] for d in history["decisions"]] == ["approve"]
    assert [a["action"] for a in history["audit"]].count("decision:approve") == 1
    uses = list(LinkUseItem.query(f"POST#{post['id']}", LinkUseItem.sk.startswith("ACTED#"), consistent_read=True))
    assert len(uses) == 1 and uses[0].via == "email"


@pytest.mark.parametrize("agent", SCANNERS)
def test_scanners_over_real_http_write_nothing(client, team, outbox, live_server, agent):
    import requests

    post = submit(client, team)
    before = footprint(client, team, post["id"])
    for link in link_paths(outbox, team["content_manager"]).values():
        got = requests.get(live_server + link, headers={"User-Agent": agent}, timeout=30)
        assert got.status_code == 200 and got.headers["Referrer-Policy"] == "no-referrer"
        head = requests.head(live_server + link, headers={"User-Agent": agent}, timeout=30)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Cache-Control"] == "no-store"
    assert footprint(client, team, post["id"]) == before


def test_a_link_to_an_archived_post_says_it_is_gone(client, team, outbox):
    post = submit(client, team)
    path = link_paths(outbox, team["content_manager"])["approve"]
    confirm = confirm_of(client.get(path))
    assert call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"]).status_code == 200
    before = footprint(client, team, post["id"])
    page = client.get(path)
    assert page.status_code == 404 and "no longer exists" in page_text(page)
    assert post_form(client, path, {"confirm": confirm, "decision": "approve"}).status_code == 404
    assert footprint(client, team, post["id"]) == before


def test_a_reject_link_rejects_with_a_comment(client, team, outbox):
    post = submit(client, team)
    token = action_tokens.make(post["id"], 1, 0, team["content_manager"].id, "reject",
                               datetime.now(UTC) + timedelta(hours=2))
    page = client.get(f"/a/{token}")
    assert page.status_code == 200 and "Reject" in page_text(page)
    assert post_form(client, f"/a/{token}", {"confirm": confirm_of(page)}).status_code == 422
    done = post_form(client, f"/a/{token}", {"confirm": confirm_of(page), "comment": "Off-brand"})
    assert done.status_code == 200, page_text(done)
    assert post_repo.get(post["id"], consistent=True).status == "rejected"
