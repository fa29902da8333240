"""Twenty approvers of an `any` stage press Approve at the same moment, over real HTTP against
`chalice local` (threads serving each request, like many Lambdas at once): one decision lands, the
stage moves on, and every other approver learns they were late (409 `stage_moved`, with where the
post is now) — never a 403: they were allowed, they lost a race."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.factories import make_brand, make_user

APPROVERS = 20
TIMEOUT = 60


def test_twenty_approvers_at_once_one_wins_and_the_others_hear_the_stage_moved(live_server):
    brand = make_brand(timezone="Europe/Berlin")
    smm, author = make_user("smm_manager", brand=brand), make_user("copywriter", brand=brand)
    approvers = [make_user("content_manager", brand=brand) for _ in range(APPROVERS)]

    def call(user, method: str, path: str, json=None) -> requests.Response:
        return requests.request(method, f"{live_server}{path}", json=json, timeout=TIMEOUT,
                                headers={"Authorization": f"Bearer {user.token}"})

    channel = call(smm, "POST", f"/v1/brands/{brand.id}/channels", {"platform": "x", "name": "X"}).json()["id"]
    r = call(smm, "POST", f"/v1/brands/{brand.id}/approval-chains", {
        "name": "Race", "default": True, "stages": [
            {"name": "Anyone of twenty", "approver_user_ids": [a.id for a in approvers], "rule": "any"},
            {"name": "SMM sign-off", "approver_user_ids": [smm.id], "rule": "any"}]})
    assert r.status_code == 201, r.text
    post = call(author, "POST", "/v1/posts", {"brand_id": brand.id, "title": "Race", "channel_ids": [channel]}).json()
    assert call(author, "POST", f"/v1/posts/{post['id']}/submit").status_code == 200

    start = threading.Barrier(APPROVERS)

    def approve(user) -> requests.Response:
        start.wait()
        return call(user, "POST", f"/v1/posts/{post['id']}/decisions", {"version": 1, "decision": "approve"})

    with ThreadPoolExecutor(max_workers=APPROVERS) as pool:
        answers = list(pool.map(approve, approvers))

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * (APPROVERS - 1), [a.text[:200] for a in answers if a.status_code != 409]
    for late in (a for a in answers if a.status_code == 409):
        error = late.json()["error"]
        assert error["code"] == "stage_moved", error
        assert error["status"] == "in_review" and error["stage"] == 1 and error["stage_name"] == "SMM sign-off"
        assert error["current_version"] == 1 and "moved on" in error["message"]
    final = call(smm, "GET", f"/v1/posts/{post['id']}").json()
    assert final["status"] == "in_review" and final["approval"]["current_stage"] == "SMM sign-off"
    history = call(smm, "GET", f"/v1/posts/{post['id']}/history").json()
    assert len(history["decisions"]) == 1  # exactly one decision landed
