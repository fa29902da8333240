"""Posts, versions and the approval workflow through the app on DynamoDB Local."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.factories import make_brand
from tests.support.posts import body, call, new_post


def test_create_read_and_list_in_calendar_range(client, team):
    post = new_post(client, team)
    assert post["status"] == "draft" and post["version"] == 1
    assert post["publish_at"] == "2026-12-01T10:00" and post["timezone"] == "Europe/Berlin"
    assert post["publish_at_utc"] == "2026-12-01T09:00:00.000000Z"
    got = body(call(client, "get", f"/v1/posts/{post['id']}", team["designer"]))
    assert got["content_hash"] == post["content_hash"]
    brand_id = team["brand"].id
    december = body(call(client, "get", f"/v1/posts?brand_id={brand_id}&from=2026-12-01&to=2027-01-01", team["smm_manager"]))
    assert [p["id"] for p in december["items"]] == [post["id"]]
    november = body(call(client, "get", f"/v1/posts?brand_id={brand_id}&from=2026-11-01&to=2026-12-01", team["smm_manager"]))
    assert november["items"] == []


def test_per_network_limits_are_checked(client, team):
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": team["brand"].id, "body": "x" * 300, "channel_ids": [team["x"]]})
    assert r.status_code == 422
    details = body(r)["error"]["details"]
    assert any(d["field"] == "body" and "280" in d["message"] for d in details)
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": team["brand"].id, "body": "x" * 300, "channel_ids": [team["x"], team["tg"]],
        "variants": {team["x"]: {"body": "short for X"}}})
    assert r.status_code == 201, r.body


def test_idempotent_create(client, team):
    data = {"brand_id": team["brand"].id, "title": "Once", "channel_ids": [team["tg"]]}
    headers = {"Idempotency-Key": "create-once-1"}
    first = call(client, "post", "/v1/posts", team["copywriter"], data, headers)
    second = call(client, "post", "/v1/posts", team["copywriter"], data, headers)
    assert first.status_code == second.status_code == 201
    assert body(first)["id"] == body(second)["id"]
    other = call(client, "post", "/v1/posts", team["copywriter"], {**data, "title": "Twice"}, headers)
    assert other.status_code == 422
    listed = body(call(client, "get", f"/v1/posts?brand_id={team['brand'].id}", team["smm_manager"]))["items"]
    assert [p["title"] for p in listed].count("Once") == 1


def test_patch_needs_current_version_and_keeps_history(client, team):
    post = new_post(client, team)
    path = f"/v1/posts/{post['id']}"
    assert call(client, "patch", path, team["copywriter"], {"body": "New"}).status_code == 422
    assert call(client, "patch", path, team["copywriter"], {"body": "New", "version": 2}).status_code == 409
    r = call(client, "patch", path, team["copywriter"], {"body": "Pumpkin spice latte is back!"}, {"If-Match": '"1"'})
    assert r.status_code == 200 and body(r)["version"] == 2
    r = call(client, "patch", path, team["copywriter"], {"tags": ["autumn"], "version": 2})
    assert body(r)["version"] == 2  # planning fields are not a new version
    v1 = body(call(client, "get", f"{path}/versions/1", team["copywriter"]))
    assert v1["content"]["body"] == "Pumpkin latte is back!"
    changes = body(call(client, "get", f"{path}/diff?from=1&to=2", team["copywriter"]))["changes"]
    assert [c["field"] for c in changes] == ["body"]
    assert call(client, "get", f"{path}/versions/9", team["copywriter"]).status_code == 404


def test_two_stage_approval_to_scheduled(client, team):
    post = new_post(client, team)
    path = f"/v1/posts/{post['id']}"
    r = call(client, "post", f"{path}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    state = body(r)
    assert state["status"] == "in_review" and state["approval"]["current_stage"] == "Content review"
    assert state["approval"]["waiting_for"] == [team["content_manager"].id]
    # the SMM manager is not in the first stage
    assert call(client, "post", f"{path}/decisions", team["smm_manager"],
                {"version": 1, "decision": "approve"}).status_code == 403
    r = call(client, "post", f"{path}/decisions", team["content_manager"], {"version": 1, "decision": "approve"})
    assert body(r)["approval"]["current_stage"] == "SMM sign-off"
    r = call(client, "post", f"{path}/decisions", team["smm_manager"], {"version": 1, "decision": "approve"})
    assert body(r)["status"] == "scheduled"
    history = body(call(client, "get", f"{path}/history", team["smm_manager"]))
    assert [d["decision"] for d in history["decisions"]] == ["approve", "approve"]
    assert {a["action"] for a in history["audit"]} >= {"create", "submit", "decision:approve"}


def test_stale_decision_after_edit_is_409_and_review_restarts(client, team):
    post = new_post(client, team)
    path = f"/v1/posts/{post['id']}"
    call(client, "post", f"{path}/submit", team["copywriter"])
    call(client, "post", f"{path}/decisions", team["content_manager"], {"version": 1, "decision": "approve"})
    r = call(client, "patch", path, team["copywriter"], {"body": "Changed after approval", "version": 1})
    assert body(r)["status"] == "in_review" and body(r)["approval"]["current_stage"] == "Content review"
    r = call(client, "post", f"{path}/decisions", team["smm_manager"], {"version": 1, "decision": "approve"})
    assert r.status_code == 409 and body(r)["error"]["current_version"] == 2


def test_request_changes_needs_a_comment_and_goes_back_to_author(client, team):
    post = new_post(client, team)
    path = f"/v1/posts/{post['id']}"
    call(client, "post", f"{path}/submit", team["copywriter"])
    assert call(client, "post", f"{path}/decisions", team["content_manager"],
                {"version": 1, "decision": "request_changes"}).status_code == 422
    r = call(client, "post", f"{path}/decisions", team["content_manager"],
             {"version": 1, "decision": "request_changes", "comment": "Shorter, please"})
    assert body(r)["status"] == "changes_requested"


def test_author_cannot_approve_own_post(client, team, make_user):
    cm = team["content_manager"]
    r = call(client, "post", "/v1/posts", cm, {"brand_id": team["brand"].id, "title": "Mine", "channel_ids": [team["tg"]]})
    post_id = body(r)["id"]
    call(client, "post", f"/v1/posts/{post_id}/submit", cm)
    r = call(client, "post", f"/v1/posts/{post_id}/decisions", cm, {"version": 1, "decision": "approve"})
    assert r.status_code == 403


def test_hold_archive_and_permissions(client, team, make_user):
    post = new_post(client, team)
    path = f"/v1/posts/{post['id']}"
    assert call(client, "post", f"{path}/hold", team["copywriter"]).status_code == 403
    # a client approver was not asked about this post: for them it does not exist
    assert call(client, "post", f"{path}/hold", team["client_approver"]).status_code == 404
    assert body(call(client, "post", f"{path}/hold", team["content_manager"]))["hold"] is True
    assert body(call(client, "post", f"{path}/release", team["smm_manager"]))["hold"] is False
    outsider = make_user("smm_manager", brand=make_brand())
    assert call(client, "get", path, outsider).status_code == 404
    assert call(client, "patch", path, outsider, {"title": "x", "version": 1}).status_code == 404
    assert call(client, "post", f"{path}/submit", outsider).status_code == 404
    assert call(client, "post", f"{path}/archive", team["smm_manager"]).status_code == 200
    assert call(client, "patch", path, team["copywriter"], {"title": "x", "version": 1}).status_code == 409


def test_comments_internal_and_external(client, team):
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"], {
        "name": "Client sign-off", "content_types": ["branded"],
        "stages": [{"name": "Client", "approver_roles": ["client_approver"]}]})
    assert r.status_code == 201, r.body
    post = new_post(client, team, content_type="branded")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    path = f"/v1/posts/{post['id']}/comments"
    call(client, "post", path, team["copywriter"], {"text": "team only"})
    call(client, "post", path, team["smm_manager"], {"text": "for the client", "visibility": "external"})
    assert call(client, "post", path, team["client_approver"], {"text": "hi", "visibility": "internal"}).status_code == 403
    team_view = body(call(client, "get", path, team["designer"]))["items"]
    client_view = body(call(client, "get", path, team["client_approver"]))["items"]
    assert {c["text"] for c in team_view} == {"team only", "for the client"}
    assert [c["text"] for c in client_view] == ["for the client"]


@pytest.mark.parametrize("zone, wall, utc", [
    ("Europe/Berlin", "2027-01-15T10:00", "2027-01-15T09:00:00.000000Z"),
    ("Europe/Berlin", "2027-07-15T10:00", "2027-07-15T08:00:00.000000Z"),
    ("Europe/Berlin", "2027-03-28T10:00", "2027-03-28T08:00:00.000000Z"),   # the day clocks go forward
    ("Europe/Berlin", "2027-10-31T10:00", "2027-10-31T09:00:00.000000Z"),   # the day clocks go back
    ("Europe/Moscow", "2027-07-15T10:00", "2027-07-15T07:00:00.000000Z"),
    ("America/New_York", "2027-03-14T10:00", "2027-03-14T14:00:00.000000Z"),
    ("America/New_York", "2027-11-07T10:00", "2027-11-07T15:00:00.000000Z"),
])
def test_wall_time_and_zone_across_dst(client, team, zone, wall, utc):
    post = new_post(client, team, publish_at=wall, timezone=zone)
    assert post["publish_at"] == wall and post["timezone"] == zone and post["publish_at_utc"] == utc


def test_nonexistent_wall_time_is_resolved_and_said(client, team):
    post = new_post(client, team, publish_at="2027-03-28T02:30", timezone="Europe/Berlin")
    assert post["publish_at_utc"] == "2027-03-28T01:30:00.000000Z" and post["notices"]


def _race(client, team, make_user, rule: str, n: int = 20):
    from chalicelib.approvals import service as approvals
    from chalicelib.content.schemas import DecisionIn
    from chalicelib.identity.service import from_bearer_token

    brand = team["brand"]
    approvers = [make_user("content_manager", brand=brand) for _ in range(n)]
    smm = team["smm_manager"]
    chain = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm, {
        "name": f"Race {rule}", "content_types": ["educational"], "stages": [
            {"name": "Everyone", "approver_user_ids": [a.id for a in approvers], "rule": rule}]})
    assert chain.status_code == 201, chain.body
    post = new_post(client, team, content_type="educational", publish_at=None)
    call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])

    def decide(user):
        principal = from_bearer_token(user.token, via="api", request_id=None)
        try:
            approvals.decide(principal, post["id"], DecisionIn(version=1, decision="approve"))
            return "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(decide, approvers))
    history = body(call(client, "get", f"/v1/posts/{post['id']}/history", smm))
    final = body(call(client, "get", f"/v1/posts/{post['id']}", smm))
    return outcomes, history, final, approvers


def test_twenty_approvers_all_rule_each_recorded_once(client, team, make_user):
    outcomes, history, final, approvers = _race(client, team, make_user, "all")
    assert outcomes.count("ok") == 20, outcomes
    assert sorted(d["user_id"] for d in history["decisions"]) == sorted(a.id for a in approvers)
    assert final["status"] == "approved"
    assert [a["action"] for a in history["audit"]].count("decision:approve") == 20


def test_twenty_approvers_any_rule_advance_once(client, team, make_user):
    outcomes, history, final, _ = _race(client, team, make_user, "any")
    assert outcomes.count("ok") == 1, outcomes
    assert sorted(outcomes) == ["StageMoved"] * 19 + ["ok"], outcomes  # late, not refused
    assert len(history["decisions"]) == 1 and final["status"] == "approved"


def test_chain_rules(client, team):
    smm, brand = team["smm_manager"], team["brand"]
    r = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm,
             {"name": "Second default", "default": True, "stages": [{"name": "x", "approver_roles": ["smm_manager"]}]})
    assert r.status_code == 409
    r = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm,
             {"name": "Empty", "stages": [{"name": "x"}]})
    assert r.status_code == 422
    r = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", team["copywriter"],
             {"name": "Mine", "stages": [{"name": "x", "approver_roles": ["copywriter"]}]})
    assert r.status_code == 403


def test_null_in_patch_is_a_clear_422(client, team):
    post = new_post(client, team)
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"title": None, "version": 1})
    assert r.status_code == 422 and "title" in body(r)["error"]["details"][0]["message"]
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"publish_at": None, "version": 1})
    assert r.status_code == 200 and body(r)["publish_at_utc"] is None
    chains = body(call(client, "get", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"]))["items"]
    r = call(client, "patch", f"/v1/approval-chains/{chains[0]['id']}", team["smm_manager"], {"stages": None})
    assert r.status_code == 422


def test_decision_on_a_draft_is_409_with_its_status(client, team):
    post = new_post(client, team)
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "request_changes", "comment": "x"})
    assert r.status_code == 409 and body(r)["error"]["status"] == "draft"


def test_calendar_range_checks(client, team):
    brand_id = team["brand"].id
    user = team["smm_manager"]
    assert call(client, "get", f"/v1/posts?brand_id={brand_id}&from=2026-13-45", user).status_code == 422
    r = call(client, "get", f"/v1/posts?brand_id={brand_id}&from=2027-02-01&to=2027-01-01", user)
    assert r.status_code == 200 and body(r)["items"] == []
    r = client.get(f"/v1/brands/{brand_id}/content-plan.csv?from=8023-68-06", headers=user.headers)
    assert r.status_code == 422


def test_an_edit_is_audited_with_the_real_old_and_new_value_of_each_changed_field(client, team):
    post = new_post(client, team, tags=["autumn"])
    path = f"/v1/posts/{post['id']}"
    r = call(client, "patch", path, team["copywriter"], {
        "version": 1, "title": "Winter menu", "body": "Gingerbread is here", "tags": ["winter", "menu"],
        "publish_at": "2026-12-02T11:30", "channel_ids": [team["tg"], team["x"]],
        "content_type": "advertising"})  # content_type unchanged: not in the entry
    assert r.status_code == 200, r.body
    history = body(call(client, "get", f"{path}/history", team["smm_manager"]))
    [entry] = [a for a in history["audit"] if a["action"] == "update"]
    assert entry["before"] == {"title": "Autumn menu", "body": "Pumpkin latte is back!", "tags": ["autumn"],
                               "publish_at": "2026-12-01T10:00", "channel_ids": [team["tg"]], "status": "draft"}
    assert entry["after"] == {"title": "Winter menu", "body": "Gingerbread is here", "tags": ["winter", "menu"],
                              "publish_at": "2026-12-02T11:30", "channel_ids": [team["tg"], team["x"]],
                              "status": "draft"}
    trail = body(call(client, "get", f"/v1/audit?brand_id={team['brand'].id}&entity=post&id={post['id']}",
                      team["smm_manager"]))
    [same] = [a for a in trail["items"] if a["action"] == "update"]
    assert (same["before"], same["after"]) == (entry["before"], entry["after"])
    assert not any("<function" in str(a) for a in trail["items"])


def test_long_values_in_an_audit_entry_are_cut_but_stay_real(client, team):
    post = new_post(client, team)
    text = "Ж" * 3000
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": text})
    assert r.status_code == 200, r.body
    [entry] = [a for a in body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))["audit"]
               if a["action"] == "update"]
    assert entry["after"]["body"] == "Ж" * 199 + "…"
