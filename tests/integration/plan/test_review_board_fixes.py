"""The review board, the review's findings: the right message for a refused decision (a missing and a
too-long comment), the brand filter kept on a refused POST, one read of the people shown, and a team
member who may see a post but is not an approver of its current stage cannot decide it from the board."""
from __future__ import annotations

import re

from chalicelib.content import repo as post_repo
from chalicelib.core.http import csrf
from tests.integration.plan import test_review_board as board
from tests.integration.plan.test_review_board import as_user, cards
from tests.support.web import csrf_token_in, html

world = board.world  # the fixture: brand A's client is a client of brand B too


def decide(who, post_id: str, token: str, **fields):
    return who.post(f"/review/{post_id}/decide", {csrf.FIELD: token, "version": "1", "stage": "1", **fields})


def test_a_too_long_comment_is_named_as_such_not_as_a_missing_one(client, world):
    client_a = as_user(client, world["client_a"])
    token = csrf_token_in(client_a.get("/review"))
    mine = world["mine"]["id"]
    r = decide(client_a, mine, token, decision="reject", comment="x" * 5001)
    page = html(r)
    assert r.status_code == 422
    assert "5001 characters long; at most 5000 fit" in page and "a comment is needed" not in page
    r = decide(client_a, mine, token, decision="request_changes", comment="  ")
    assert r.status_code == 422 and "a comment is needed" in html(r)
    assert not [d for d in post_repo.decisions(mine) if d.user_id == world["client_a"].id]


def test_a_refused_post_keeps_the_brand_filter(client, world):
    client_a = as_user(client, world["client_a"])
    brand_a = world["a"]["brand"].id
    token = csrf_token_in(client_a.get(f"/review?brand_id={brand_a}"))
    r = client_a.post(f"/review/{world['mine']['id']}/decide", {
        csrf.FIELD: token, "version": "1", "stage": "1", "decision": "reject", "comment": "",
        "brand_filter": brand_a})
    page = html(r)
    assert r.status_code == 422
    assert cards(page) == [world["mine"]["id"]]  # brand B's post (due sooner) is filtered out as before
    assert re.search(r'name="brand_filter" value="' + re.escape(brand_a) + '"', page)
    assert re.search(r'class="chip chip-on" href="[^"]*brand_id=' + re.escape(brand_a), page)
    r = client_a.post(f"/review/{world['mine']['id']}/comments", {csrf.FIELD: token, "text": "",
                                                                   "brand_filter": brand_a})
    assert r.status_code == 422 and cards(html(r)) == [world["mine"]["id"]]


def test_a_team_member_who_is_not_the_stages_approver_cannot_decide(client, world):
    """The post waits for the client (stage 2); the copywriter and the content manager (stage 1, done)
    may see it but may not decide it now."""
    mine = world["mine"]["id"]
    before = len(post_repo.decisions(mine))
    for role in ("copywriter", "content_manager", "smm_manager"):
        member = as_user(client, world["a"][role])
        token = csrf_token_in(member.get("/review"))
        r = decide(member, mine, token, decision="approve")
        assert r.status_code in (403, 409), (role, r.status_code)
        assert len(post_repo.decisions(mine)) == before
    assert post_repo.get(mine, consistent=True).status == "in_review"


def test_the_board_reads_the_people_shown_in_one_batch(client, world, monkeypatch):
    from chalicelib.identity import repo as user_repo

    calls = []
    real_batch = user_repo.batch_get
    monkeypatch.setattr(user_repo, "batch_get", lambda ids: calls.append(list(ids)) or real_batch(ids))
    single = []
    real_get = user_repo.get
    monkeypatch.setattr(user_repo, "get", lambda uid: single.append(uid) or real_get(uid))
    page = html(as_user(client, world["client_a"]).get("/review"))
    assert len(cards(page)) == 2
    assert world["a"]["copywriter"].id not in single and world["b"]["copywriter"].id not in single
    assert any(world["a"]["copywriter"].id in ids for ids in calls)
