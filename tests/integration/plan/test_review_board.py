"""The review board (/review) through the real app on DynamoDB Local, written as the attacks and the
everyday use: a client approver sees only the posts put to them, across their brands, soonest deadline
first — never another brand's, never one still with the team, never another client's; decides and
comments from the board (bound to the version shown: a changed post is a 409 page, nothing recorded);
lands on the board when signing in; a team approver sees the posts waiting for them."""
from __future__ import annotations

import re

import pytest

from chalicelib.brands.members import repo as member_repo
from chalicelib.content import repo as post_repo
from chalicelib.core import i18n
from chalicelib.core.http import csrf
from chalicelib.identity import repo as user_repo
from tests.support.factories import ACTOR
from tests.support.posts import body, build_team, call, new_post
from tests.support.web import Browser, csrf_token_in, html


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def client_chain(client, team) -> None:
    """Branded posts go to the client after the content manager; advertising posts never do."""
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"], {
        "name": "Client", "content_types": ["branded"], "stages": [
            {"name": "Content review", "approver_roles": ["content_manager"], "lead_hours": 24},
            {"name": "Client", "approver_roles": ["client_approver"], "lead_hours": 4}]})
    assert r.status_code == 201, r.body


def to_the_client(client, team, **fields) -> dict:
    post = new_post(client, team, content_type="branded", **fields)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    return post


def cards(page_html: str) -> list[str]:
    """The post ids on the board, in order."""
    return re.findall(r'<li class="card section review-card" id="review-([^"]+)"', page_html)


@pytest.fixture
def world(client, team, make_user):
    """Brand A (team) and brand B (another team with its own client). A's client approver is a client
    of B too. In A: one post with the client, one advertising post the client never sees, one branded
    post still with the content manager. In B: one post with both clients, due sooner."""
    other = build_team(client, make_user)
    client_chain(client, team)
    client_chain(client, other)
    client_a = team["client_approver"]
    member_repo.set_roles(ACTOR, other["brand"].id, user_repo.get(client_a.id), ["client_approver"])
    mine = to_the_client(client, team, title="For the client", publish_at="2026-12-03T10:00")
    secret = new_post(client, team, title="Team only secret", body="Launch of the rival's product",
                      publish_at="2026-12-02T11:00")
    assert call(client, "post", f"/v1/posts/{secret['id']}/submit", team["copywriter"]).status_code == 200
    early = new_post(client, team, title="Not yet for the client", content_type="branded",
                     publish_at="2026-12-02T12:00")
    assert call(client, "post", f"/v1/posts/{early['id']}/submit", team["copywriter"]).status_code == 200
    theirs = to_the_client(client, other, title="Brand B launch", body="B's own text", publish_at="2026-12-02T09:00")
    return {"a": team, "b": other, "client_a": client_a, "client_b": other["client_approver"], "mine": mine,
            "secret": secret, "early": early, "theirs": theirs}


def test_board_keys_exist_in_every_language():
    for language in i18n.LANGUAGES:
        catalog = i18n.catalog(language)
        for key in ("review.nav", "review.title", "review.notice.decided", "review.notice.commented",
                    "review.error.stale", "review.error.not_waiting", "review.error.used", "review.count.one"):
            assert key in catalog, (language, key)


def test_a_client_sees_only_posts_put_to_them_across_their_brands_soonest_first(client, world):
    board = as_user(client, world["client_a"]).get("/review")
    assert board.status_code == 200
    page = html(board)
    assert cards(page) == [world["theirs"]["id"], world["mine"]["id"]]  # B's is due sooner
    assert "Team only secret" not in page and "rival" not in page and "Not yet for the client" not in page
    assert "For the client" in page and "Brand B launch" in page
    assert 'href="/review"' in page  # the nav link
    # each card: the channel's text as the network shows it, counted its way, and the version decided on
    mine = page[page.index(f'id="review-{world["mine"]["id"]}"'):]
    assert "Pumpkin latte is back!" in mine and "22 / 4096" in mine and 'name="version" value="1"' in mine

    only_a = html(as_user(client, world["client_a"]).get(f"/review?brand_id={world['a']['brand'].id}"))
    assert cards(only_a) == [world["mine"]["id"]]
    russian = html(as_user(client, world["client_a"]).get("/review?lang=ru"))
    assert "Ждут вашего решения" in russian and "Согласовать" in russian and "время: Europe/Berlin" in russian


def test_another_client_sees_only_their_own_brand_and_cannot_reach_the_others(client, world):
    other_client = as_user(client, world["client_b"])
    page = html(other_client.get("/review"))
    assert cards(page) == [world["theirs"]["id"]] and "For the client" not in page
    assert other_client.get(f"/review?brand_id={world['a']['brand'].id}").status_code == 404
    token = csrf_token_in(other_client.get("/review"))
    for path, data in ((f"/review/{world['mine']['id']}/decide", {"version": "1", "stage": "1", "decision": "approve"}),
                       (f"/review/{world['mine']['id']}/comments", {"text": "Sneaky"})):
        r = other_client.post(path, {csrf.FIELD: token, **data})
        assert r.status_code == 404, path
    assert post_repo.get(world["mine"]["id"], consistent=True).status == "in_review"
    assert not post_repo.comments(world["mine"]["id"], None, 10).items


def test_a_post_not_put_to_the_client_cannot_be_decided_from_the_board(client, world):
    client_a = as_user(client, world["client_a"])
    token = csrf_token_in(client_a.get("/review"))
    for post in (world["secret"], world["early"]):
        r = client_a.post(f"/review/{post['id']}/decide", {csrf.FIELD: token, "version": "1", "stage": "0",
                                                           "decision": "approve"})
        assert r.status_code == 404
        assert post_repo.get(post["id"], consistent=True).status == "in_review"
        assert not post_repo.decisions(post["id"])


def test_deciding_from_the_board_returns_to_it_with_a_notice_and_the_post_leaves(client, world):
    client_a = as_user(client, world["client_a"])
    page = client_a.get("/review")
    token = csrf_token_in(page)
    mine = world["mine"]["id"]
    r = client_a.post(f"/review/{mine}/decide", {csrf.FIELD: token, "version": "1", "stage": "1",
                                                 "decision": "request_changes", "comment": ""})
    assert r.status_code == 422 and "a comment is needed" in html(r)
    r = client_a.post(f"/review/{mine}/comments", {csrf.FIELD: token, "text": "Logo bigger, please"})
    assert r.status_code == 303 and "done=commented" in r.headers["Location"]
    comments = post_repo.comments(mine, None, 10).items
    assert [(c.text, c.visibility) for c in comments] == [("Logo bigger, please", "external")]
    assert "Logo bigger, please" in html(client_a.get("/review"))

    r = client_a.post(f"/review/{mine}/decide", {csrf.FIELD: token, "version": "1", "stage": "1",
                                                 "decision": "approve"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/review?done=decided")
    after = html(client_a.get(r.headers["Location"]))
    assert "Your decision was recorded." in after and cards(after) == [world["theirs"]["id"]]
    assert post_repo.get(mine, consistent=True).status == "scheduled"
    decision = [d for d in post_repo.decisions(mine) if d.user_id == world["client_a"].id]
    assert len(decision) == 1 and decision[0].version == 1 and decision[0].decision == "approve"
    # the same form again: nothing more is recorded
    r = client_a.post(f"/review/{mine}/decide", {csrf.FIELD: token, "version": "1", "stage": "1",
                                                 "decision": "approve"})
    assert r.status_code == 409
    assert len([d for d in post_repo.decisions(mine) if d.user_id == world["client_a"].id]) == 1


def test_a_post_changed_while_the_client_looked_is_a_409_page_and_nothing_is_recorded(client, world):
    client_a = as_user(client, world["client_a"])
    page = client_a.get("/review")
    token = csrf_token_in(page)
    theirs = world["theirs"]["id"]
    r = call(client, "patch", f"/v1/posts/{theirs}", world["b"]["copywriter"], {"version": 1, "body": "Edited"})
    assert r.status_code == 200 and body(r)["version"] == 2
    r = client_a.post(f"/review/{theirs}/decide", {csrf.FIELD: token, "version": "1", "stage": "1",
                                                   "decision": "approve"})
    assert r.status_code == 409
    assert "you saw version 1, it is now version 2" in html(r)
    assert not [d for d in post_repo.decisions(theirs) if d.user_id == world["client_a"].id]
    assert post_repo.get(theirs, consistent=True).status == "in_review"


def test_a_client_approver_lands_on_the_board_and_the_team_sees_the_brand_list(client, world):
    r = as_user(client, world["client_a"]).get("/")
    assert r.status_code == 303 and r.headers["Location"] == "/review"
    assert as_user(client, world["a"]["smm_manager"]).get("/").status_code == 200


def test_a_team_approver_sees_the_posts_waiting_for_them(client, world):
    page = html(as_user(client, world["a"]["content_manager"]).get("/review"))
    assert set(cards(page)) == {world["secret"]["id"], world["early"]["id"]}  # not the one with the client
    assert html(as_user(client, world["a"]["copywriter"]).get("/review")).count("review-card") == 0


def test_the_board_shows_the_posts_media_as_thumbnails_the_client_may_load(client, team):
    from html import unescape

    from tests.integration.media.test_media_api import upload
    from tests.support import media_files

    client_chain(client, team)
    data = media_files.png()
    r = upload(client, team["designer"], team["brand"].id, data, alt="A cup of latte")
    assert r.status_code == 201, r.body
    post = to_the_client(client, team, title="With a photo",
                         media=[body(r), {"url": "https://cdn.example.com/menu.pdf", "alt": "Menu"}])
    page = html(as_user(client, team["client_approver"]).get("/review"))
    card = page[page.index(f'id="review-{post["id"]}"'):]
    src = unescape(re.search(r'<img src="([^"]+)" alt="A cup of latte"', card).group(1))
    assert src.startswith("/files/")  # same origin, signed: no team rights needed to load it
    got = client.get(src)
    assert got.status_code == 200 and got.body == data
    assert 'href="https://cdn.example.com/menu.pdf"' in card
