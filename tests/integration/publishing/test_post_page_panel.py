"""Publication targets on the pages, through the real app on DynamoDB Local: the post page lists each
target (state, live link, when, last error, attempts) with the actions it allows as CSRF forms, refused
actions come back as the page with a message, viewers see no buttons, and the calendar links a
published post to where it went out."""
from __future__ import annotations

import re

from chalicelib.content import repo as post_repo
from chalicelib.core import i18n
from chalicelib.core.http import csrf
from chalicelib.plan.page_kit import LIVE_STATUSES
from chalicelib.plan.post_page import ATTEMPT_OUTCOMES, TARGET_STATES
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.models import AttemptItem, TargetItem
from tests.support.posts import approve_post as approve
from tests.support.posts import call
from tests.support.sweep import at
from tests.support.web import Browser, csrf_token_in, html

LIVE_URL = "https://x.com/acme/status/1"


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def section(page_html: str) -> str:
    match = re.search(r'<section class="card section" id="publishing".*?</section>', page_html, re.S)
    assert match, "no Publishing section"
    return match.group(0)


def target_of(post_id: str, channel_id: str) -> TargetItem:
    return target_repo.get(target_repo.target_id(post_id, channel_id))


def put_state(target: TargetItem, state: str, *, error: str | None = None, attempt: str | None = None) -> None:
    """Move a target by hand into a state a person has to act on (what the sweep would leave)."""
    actions = [TargetItem.state.set(state), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove(),
               TargetItem.attempts.set(1)]
    if error:
        actions.append(TargetItem.last_error.set(error))
    target.update(actions=actions)
    if attempt:
        AttemptItem(target.pk, target_repo.attempt_sk(target.channel_id, 1), target_id=target.id, number=1,
                    started_at="2026-12-01T09:00:01.000000Z", finished_at="2026-12-01T09:00:02.000000Z",
                    outcome=attempt, error=error).save()


def test_state_and_outcome_labels_exist_in_every_language():
    for language in i18n.LANGUAGES:
        catalog = i18n.catalog(language)
        needed = {f"targets.state.{s}" for s in TARGET_STATES} | {f"targets.outcome.{o}" for o in ATTEMPT_OUTCOMES}
        needed |= {f"post.status.{s}" for s in LIVE_STATUSES}
        assert sorted(needed - set(catalog)) == []


def test_a_manual_target_is_marked_published_on_the_post_page_and_the_calendar_links_it(client, team):
    post = approve(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False)
    target = target_of(post["id"], team["x"])
    assert target.state == "publishing" and target.manual
    path = f"/posts/{post['id']}"
    action = f"{path}/targets/{target.id}/mark-published"
    designer = as_user(client, team["designer"])
    page = designer.get(path)
    assert page.status_code == 200
    shown = section(html(page))
    assert "X" in shown and 'status-badge status-publishing' in shown and "Publishing" in shown
    assert "By hand" in shown and f'action="{action}"' in shown and "Mark published" in shown
    assert "Retry" not in shown and "Send again" not in shown
    assert "waiting to be published by hand" in shown  # the attempt, with its outcome

    assert designer.post(action, {"url": LIVE_URL}).status_code == 403  # no CSRF token
    token = csrf_token_in(page)
    r = designer.post(action, {csrf.FIELD: token, "url": "not a link"})
    assert r.status_code == 422
    assert "Paste the full link to the live post" in html(r) and 'value="not a link"' in html(r)
    assert target_of(post["id"], team["x"]).state == "publishing"

    r = designer.post(action, {csrf.FIELD: token, "url": LIVE_URL})
    assert r.status_code == 303, r.body
    assert r.headers["Location"] == f"{path}?done=target_marked_published#publishing"
    done = html(designer.get(f"{path}?done=target_marked_published"))
    assert "Marked published." in done
    shown = section(done)
    assert f'<a class="target-link" href="{LIVE_URL}" rel="noopener noreferrer" target="_blank">' in shown
    assert 'status-badge status-published' in shown and "Mark published" not in shown
    assert post_repo.get(post["id"], consistent=True).status == "published"
    assert 'status-badge status-published" id="post-status"' in done

    again = designer.post(action, {csrf.FIELD: token, "url": "https://x.com/acme/status/2"})
    assert again.status_code == 409
    assert "This can no longer be done: the target is now “Published”." in html(again)
    assert target_of(post["id"], team["x"]).url == LIVE_URL

    cal = html(designer.get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-01"))
    cell = re.search(r'class="cal-day[^"]*" role="cell" data-date="2026-12-01">(.*?)</div>', cal, re.S).group(1)
    assert "post-chip status-published" in cell and "Published" in cell
    assert f'<a class="post-live" href="{LIVE_URL}" rel="noopener noreferrer" target="_blank">Live on X</a>' in cell
    assert f'href="{LIVE_URL}"' in cal.split('id="list"', 1)[1]  # the list view links it too
    ru = html(designer.get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-01&lang=ru"))
    assert "Пост в X" in ru and "Опубликован" in ru


def test_failed_and_unconfirmed_targets_retry_resolve_and_send_again_by_form(client, team):
    post = approve(client, team, channel_ids=[team["tg"], team["x"]])
    path = f"/posts/{post['id']}"
    tg, x = target_of(post["id"], team["tg"]), target_of(post["id"], team["x"])
    put_state(tg, "failed", error="Bad Request: chat not found", attempt="failed")
    put_state(x, "unconfirmed", error="timed out after sending", attempt="unconfirmed")
    smm = as_user(client, team["smm_manager"])
    page = smm.get(path)
    shown = section(html(page))
    assert "status-badge status-failed" in shown and "status-badge status-unconfirmed" in shown
    assert "Last error: Bad Request: chat not found" in shown and "1 attempt" in shown
    assert f'action="{path}/targets/{tg.id}/retry"' in shown
    assert f'action="{path}/targets/{x.id}/went-out"' in shown and f'action="{path}/targets/{x.id}/send-again"' in shown
    assert f"{x.id}/retry" not in shown and f"{tg.id}/went-out" not in shown
    token = csrf_token_in(page)

    # on hold: the service refuses, the page says why
    assert call(client, "post", f"/v1/posts/{post['id']}/hold", team["smm_manager"]).status_code == 200
    r = smm.post(f"{path}/targets/{tg.id}/retry", {csrf.FIELD: token})
    assert r.status_code == 409 and "The post is on hold; release it first." in html(r)
    assert call(client, "post", f"/v1/posts/{post['id']}/release", team["smm_manager"]).status_code == 200

    r = smm.post(f"{path}/targets/{tg.id}/retry", {csrf.FIELD: token})
    assert r.status_code == 303 and "done=target_retried" in r.headers["Location"]
    assert target_of(post["id"], team["tg"]).state == "scheduled"

    r = smm.post(f"{path}/targets/{x.id}/went-out", {csrf.FIELD: token, "url": ""})
    assert r.status_code == 422 and 'id="url-' + x.id + '-error"' in html(r)
    r = smm.post(f"{path}/targets/{x.id}/went-out", {csrf.FIELD: token, "url": LIVE_URL})
    assert r.status_code == 303 and "done=target_resolved" in r.headers["Location"]
    resolved = target_of(post["id"], team["x"])
    assert resolved.state == "published" and resolved.url == LIVE_URL

    put_state(target_of(post["id"], team["tg"]), "unconfirmed", error="connection reset")
    r = smm.post(f"{path}/targets/{tg.id}/send-again", {csrf.FIELD: token})
    assert r.status_code == 303 and "done=target_resent" in r.headers["Location"]
    assert target_of(post["id"], team["tg"]).state == "scheduled"
    # a stale button: the target is no longer unconfirmed
    r = smm.post(f"{path}/targets/{tg.id}/send-again", {csrf.FIELD: token})
    assert r.status_code == 409 and "the target is now “Scheduled”" in html(r)
    # a target of another post through this post's page names nothing
    r = smm.post(f"/posts/{'0' * 26}/targets/{tg.id}/retry", {csrf.FIELD: token})
    assert r.status_code == 404
    # out of the shared due queue again: other tests' sweeps must not try to send it to Telegram
    put_state(target_of(post["id"], team["tg"]), "skipped")


def test_people_without_edit_rights_see_targets_but_no_buttons(client, team, make_user):
    post = approve(client, team, channel_ids=[team["tg"]])
    tg = target_of(post["id"], team["tg"])
    put_state(tg, "failed", error="Forbidden: bot is not a member of the channel", attempt="failed")
    viewer = as_user(client, make_user("influencer_manager", brand=team["brand"]))
    page = viewer.get(f"/posts/{post['id']}")
    assert page.status_code == 200
    shown = section(html(page))
    assert "status-badge status-failed" in shown and "bot is not a member" in shown
    assert "<form" not in shown and "Retry" not in shown
    r = viewer.post(f"/posts/{post['id']}/targets/{tg.id}/retry", {csrf.FIELD: csrf_token_in(page)})
    assert r.status_code == 403
    assert target_of(post["id"], team["tg"]).state == "failed"


def test_calendar_reads_targets_only_for_posts_past_scheduling(client, team, monkeypatch):
    approve(client, team, channel_ids=[team["x"]])
    read = []
    real = target_repo.for_post
    monkeypatch.setattr(target_repo, "for_post", lambda post_id: read.append(post_id) or real(post_id))
    page = as_user(client, team["smm_manager"]).get(f"/calendar?brand_id={team['brand'].id}&date=2026-12-01")
    assert page.status_code == 200 and "post-live" not in html(page)
    assert read == []
