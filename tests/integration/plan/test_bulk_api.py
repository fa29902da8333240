"""Bulk actions through the JSON API on DynamoDB Local: each action on several posts, each post its own
audited transition, partial failures reported per post (wrong status, another brand's post, a stale
version), the cap, repeated ids, and the export of just the named posts."""
from __future__ import annotations

import csv
import io

from chalicelib.brands.members import repo as member_repo
from chalicelib.identity import repo as user_repo
from tests.support.factories import ACTOR
from tests.support.posts import approve_post, body, build_team, call, new_post


def bulk(client, team, who, data, brand_id=None):
    return call(client, "post", f"/v1/brands/{brand_id or team['brand'].id}/posts/bulk", team[who], data)


def by_id(answer: dict) -> dict:
    return {r["post_id"]: r for r in answer["results"]}


def post_of(client, team, post_id, who="smm_manager"):
    return body(call(client, "get", f"/v1/posts/{post_id}", team[who]))


def also_in(other_team, team, who):
    """`who` of `team` is also a copywriter of the other brand (so they see its posts: the brand filter counts)."""
    member_repo.set_roles(ACTOR, other_team["brand"].id, user_repo.get(team[who].id), ["copywriter", "smm_manager"])


def test_submit_several_with_a_wrong_status_another_brands_post_and_a_stale_one(client, team, make_user):
    other = build_team(client, make_user)
    also_in(other, team, "copywriter")
    foreign = new_post(client, other)
    a, b, stale = new_post(client, team), new_post(client, team, title="Second"), new_post(client, team)
    in_review = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{in_review['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "patch", f"/v1/posts/{stale['id']}", team["smm_manager"], {"version": 1, "body": "Changed"})
    assert r.status_code == 200, r.body

    r = bulk(client, team, "copywriter", {"action": "submit", "versions": {stale["id"]: 1}, "post_ids": [
        a["id"], b["id"], in_review["id"], foreign["id"], stale["id"], a["id"], "nosuchpost"]})
    assert r.status_code == 200, r.body
    got = body(r)
    assert [x["post_id"] for x in got["results"]] == [a["id"], b["id"], in_review["id"], foreign["id"], stale["id"],
                                                      "nosuchpost"]  # in order, the repeated one once
    assert (got["ok_count"], got["failed_count"]) == (2, 4)
    res = by_id(got)
    assert res[a["id"]]["ok"] and res[a["id"]]["status"] == "in_review" and res[a["id"]]["error"] is None
    assert res[b["id"]]["ok"]
    assert res[in_review["id"]]["error"]["code"] == "invalid_transition"
    assert res[in_review["id"]]["error"]["message"] == "This cannot be done to a post that is In review."
    assert res[foreign["id"]]["error"]["code"] == "not_found" and res[foreign["id"]]["status"] is None
    assert res["nosuchpost"]["error"] == {"code": "not_found", "message": "There is no such post in this brand.",
                                          "detail": None}
    assert res[stale["id"]]["error"]["code"] == "stale" and res[stale["id"]]["version"] == 2
    assert post_of(client, team, a["id"])["status"] == "in_review"
    assert post_of(client, team, stale["id"])["status"] == "draft"  # left alone
    assert body(call(client, "get", f"/v1/posts/{foreign['id']}", team["copywriter"]))["status"] == "draft"
    history = body(call(client, "get", f"/v1/posts/{a['id']}/history", team["smm_manager"]))
    assert [e["action"] for e in history["audit"]].count("submit") == 1  # its own audited transition


def test_approve_only_where_the_person_may_decide(client, team):
    first, second, draft = new_post(client, team), new_post(client, team), new_post(client, team)
    for post in (first, second):
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    # the SMM manager approves the second stage only: both posts are at the first stage (content manager's)
    r = bulk(client, team, "smm_manager", {"action": "approve", "post_ids": [first["id"], draft["id"]]})
    assert r.status_code == 422, r.body  # approve: the version seen, always
    assert any("approve needs the version you saw of each post" in d["message"] for d in body(r)["error"]["details"])
    assert post_of(client, team, first["id"])["approval"]["current_stage"] == "Content review"
    got = body(bulk(client, team, "smm_manager", {"action": "approve", "post_ids": [first["id"], draft["id"]],
                                                  "versions": {first["id"]: 1, draft["id"]: 1}}))
    assert [r["error"]["code"] for r in got["results"]] == ["not_your_turn", "not_in_review"]
    assert got["results"][1]["error"]["message"] == "It is not waiting for approval (it is Draft)."
    got = body(bulk(client, team, "content_manager", {"action": "approve", "post_ids": [first["id"], second["id"]],
                                                      "versions": {first["id"]: 1, second["id"]: 1}}))
    assert got["ok_count"] == 2 and all(r["status"] == "in_review" for r in got["results"])
    assert post_of(client, team, first["id"])["approval"]["current_stage"] == "SMM sign-off"
    # the content manager cannot approve again (their stage is done); the SMM manager now can
    got = body(bulk(client, team, "content_manager", {"action": "approve", "post_ids": [first["id"]],
                                                      "versions": {first["id"]: 1}}))
    assert got["results"][0]["error"]["code"] == "not_your_turn"
    got = body(bulk(client, team, "smm_manager", {"action": "approve", "post_ids": [first["id"], second["id"]],
                                                  "versions": {first["id"]: 1, second["id"]: 7}}))
    assert [r["ok"] for r in got["results"]] == [True, False]
    assert got["results"][0]["status"] == "scheduled" and got["results"][1]["error"]["code"] == "stale"
    decisions = body(call(client, "get", f"/v1/posts/{first['id']}/history", team["smm_manager"]))["decisions"]
    assert sorted(d["decision"] for d in decisions) == ["approve", "approve"]


def test_move_keeps_the_wall_time_in_each_posts_zone_and_the_approval(client, team, make_user):
    other = build_team(client, make_user)
    also_in(other, team, "smm_manager")
    foreign = new_post(client, other)
    scheduled = approve_post(client, team, publish_at="2026-12-01T10:00")
    york = new_post(client, team, publish_at="2027-03-12T09:30", timezone="America/New_York")  # DST starts 14 Mar
    berlin = new_post(client, team, publish_at="2027-03-27T10:00")  # Berlin's DST starts 28 Mar
    undated = new_post(client, team, publish_at=None)
    archived = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{archived['id']}/archive", team["smm_manager"]).status_code == 200
    stale = new_post(client, team)

    ids = [scheduled["id"], york["id"], berlin["id"], undated["id"], archived["id"], foreign["id"], stale["id"]]
    r = bulk(client, team, "smm_manager", {"action": "move", "days": 2, "post_ids": ids,
                                           "versions": {stale["id"]: 3}})
    assert r.status_code == 200, r.body
    res = by_id(body(r))
    assert res[scheduled["id"]]["ok"] and res[scheduled["id"]]["status"] == "scheduled"  # only the time: approval kept
    assert res[scheduled["id"]]["publish_at"] == "2026-12-03T10:00"
    moved = post_of(client, team, scheduled["id"])
    assert moved["publish_at"] == "2026-12-03T10:00" and moved["publish_at_utc"].startswith("2026-12-03T09:00")
    assert moved["status"] == "scheduled" and moved["version"] == 1
    ny = post_of(client, team, york["id"])
    assert (ny["publish_at"], ny["timezone"]) == ("2027-03-14T09:30", "America/New_York")
    assert ny["publish_at_utc"].startswith("2027-03-14T13:30")  # EDT now: 09:30 is 13:30 UTC, not 14:30
    b = post_of(client, team, berlin["id"])
    assert b["publish_at"] == "2027-03-29T10:00" and b["publish_at_utc"].startswith("2027-03-29T08:00")
    assert res[undated["id"]]["error"]["code"] == "no_publish_time"
    assert res[archived["id"]]["error"]["code"] == "invalid_transition"
    assert res[foreign["id"]]["error"]["code"] == "not_found"
    assert res[stale["id"]]["error"]["code"] == "stale"
    assert post_of(client, team, stale["id"])["publish_at"] == "2026-12-01T10:00"
    assert body(call(client, "get", f"/v1/posts/{foreign['id']}", team["smm_manager"]))["publish_at"] == \
        "2026-12-01T10:00"
    audit = body(call(client, "get", f"/v1/posts/{york['id']}/history", team["smm_manager"]))["audit"]
    update = next(e for e in audit if e["action"] == "update")
    assert update["before"]["publish_at"] == "2027-03-12T09:30" and update["after"]["publish_at"] == "2027-03-14T09:30"

    back = body(bulk(client, team, "smm_manager", {"action": "move", "days": -2, "post_ids": [scheduled["id"]]}))
    assert back["results"][0]["publish_at"] == "2026-12-01T10:00"


def test_archive_and_who_may(client, team):
    own = new_post(client, team)  # the copywriter's own
    theirs = body(call(client, "post", "/v1/posts", team["smm_manager"], {
        "brand_id": team["brand"].id, "title": "Manager's", "channel_ids": [team["tg"]]}))
    got = body(bulk(client, team, "copywriter", {"action": "archive", "post_ids": [own["id"], theirs["id"]]}))
    assert [r["ok"] for r in got["results"]] == [True, False]
    assert got["results"][0]["status"] == "archived" and got["results"][1]["error"]["code"] == "forbidden"
    got = body(bulk(client, team, "smm_manager", {"action": "archive", "post_ids": [own["id"], theirs["id"]]}))
    assert [(r["error"] or {}).get("code") for r in got["results"]] == ["invalid_transition", None]
    assert post_of(client, team, theirs["id"])["status"] == "archived"


def test_the_request_itself(client, team, make_user):
    post = new_post(client, team)
    r = bulk(client, team, "smm_manager", {"action": "move", "post_ids": [post["id"]]})
    assert r.status_code == 422  # move needs days
    r = bulk(client, team, "smm_manager", {"action": "move", "days": 0, "post_ids": [post["id"]]})
    assert r.status_code == 422
    r = bulk(client, team, "smm_manager", {"action": "archive", "post_ids": []})
    assert r.status_code == 422
    r = bulk(client, team, "smm_manager", {"action": "archive", "post_ids": [post["id"]] * 101})
    assert r.status_code == 422  # the cap counts what is sent
    r = bulk(client, team, "smm_manager", {"action": "archive", "post_ids": [post["id"]], "extra": 1})
    assert r.status_code == 422
    r = bulk(client, team, "smm_manager", {"action": "export", "post_ids": [post["id"]]})
    assert r.status_code == 422  # export has its own route (a file)
    outsider = make_user("smm_manager", brand=build_team(client, make_user)["brand"])
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/posts/bulk", outsider,
             {"action": "archive", "post_ids": [post["id"]]})
    assert r.status_code == 404  # another brand's: it does not exist for them
    assert post_of(client, team, post["id"])["status"] == "draft"
    finance = make_user("finance", brand=team["brand"])
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/posts/bulk", finance,
             {"action": "archive", "post_ids": [post["id"]]})
    assert r.status_code == 403


def test_messages_in_the_callers_language(client, team, make_user):
    russian = make_user("smm_manager", brand=team["brand"], language="ru")
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/posts/bulk", russian,
             {"action": "archive", "post_ids": ["nosuchpost"]})
    assert body(r)["results"][0]["error"]["message"] == "В этом бренде нет такого поста."


def test_export_of_just_the_named_posts(client, team, make_user):
    other = build_team(client, make_user)
    also_in(other, team, "smm_manager")
    foreign = new_post(client, other, title="Foreign")
    one, two, _left_out = (new_post(client, team, title=t) for t in ("One", "Two", "Three"))
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/posts/bulk-export", team["smm_manager"],
             {"post_ids": [one["id"], two["id"], foreign["id"], one["id"]]})
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    assert sorted(row["title"] for row in rows) == ["One", "Two"]
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/posts/bulk-export", team["smm_manager"], {"post_ids": []})
    assert r.status_code == 422


def test_the_posts_own_guardrails_give_their_reasons(client, team):
    dated, no_channel = new_post(client, team), new_post(client, team, channel_ids=[])
    got = body(bulk(client, team, "smm_manager", {"action": "move", "days": -366, "post_ids": [dated["id"]]}))
    assert got["results"][0]["error"]["code"] == "past_time"
    assert got["results"][0]["error"]["message"].startswith("Its publish time would be in the past.")
    assert post_of(client, team, dated["id"])["publish_at"] == "2026-12-01T10:00"
    got = body(bulk(client, team, "copywriter", {"action": "submit", "post_ids": [no_channel["id"], dated["id"]]}))
    assert [r["ok"] for r in got["results"]] == [False, True]
    assert got["results"][0]["error"]["code"] == "no_channel"
