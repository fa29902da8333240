"""Publishing on DynamoDB Local: approval creates one target per channel, the sweep claims due
targets once, manual networks get a task, people settle targets through the API."""
from __future__ import annotations

from chalicelib.content import repo as post_repo
from chalicelib.core.jobs import load_all
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from tests.support import mail
from tests.support.factories import make_brand
from tests.support.posts import approve_post as approve
from tests.support.posts import body, call
from tests.support.sweep import at


def targets(client, team, post_id):
    r = call(client, "get", f"/v1/posts/{post_id}/targets", team["smm_manager"])
    assert r.status_code == 200, r.body
    return body(r)


def test_approval_schedules_one_target_per_channel(client, team):
    post = approve(client, team, channel_ids=[team["tg"], team["x"]])
    listed = targets(client, team, post["id"])
    assert listed["post_status"] == "scheduled"
    assert sorted(t["channel_id"] for t in listed["items"]) == sorted([team["tg"], team["x"]])
    assert {t["state"] for t in listed["items"]} == {"scheduled"}
    assert {t["publish_at"] for t in listed["items"]} == {"2026-12-01T09:00:00.000000Z"}


def test_a_manual_channel_gets_a_task_at_publish_time_and_is_closed_by_marking_it_published(client, team, outbox):
    post = approve(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    assert publish_sweep.run(at("2026-12-01T08:59:00"), rate_limits=False).get("manual", 0) == 0
    summary = publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False)
    assert summary.get("manual", 0) >= 1
    task = [m for m in mail.messages(outbox) if team["designer"].email in str(m["To"])
            and "publish by hand" in str(m["Subject"])]
    assert len(task) == 1 and "Pumpkin latte is back!" in mail.text_of(task[0])
    publish_sweep.run(at("2026-12-01T09:01:30"), rate_limits=False)  # nothing more for it
    [target] = targets(client, team, post["id"])["items"]
    assert target["state"] == "publishing" and target["manual"] is True
    assert post_repo.get(post["id"], consistent=True).status == "publishing"
    r = call(client, "post", f"/v1/targets/{target['id']}/mark-published", team["designer"],
             {"url": "https://x.com/acme/status/1"})
    assert r.status_code == 200, r.body
    assert body(r)["state"] == "published" and body(r)["url"] == "https://x.com/acme/status/1"
    assert post_repo.get(post["id"], consistent=True).status == "published"
    again = call(client, "post", f"/v1/targets/{target['id']}/mark-published", team["designer"],
                 {"url": "https://x.com/acme/status/2"})
    assert again.status_code == 409


def test_a_held_post_is_not_published_and_goes_out_after_release(client, team):
    post = approve(client, team, channel_ids=[team["x"]])
    assert call(client, "post", f"/v1/posts/{post['id']}/hold", team["smm_manager"]).status_code == 200
    publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "scheduled" and target.gsi2pk is None  # parked, out of the queue
    assert call(client, "post", f"/v1/posts/{post['id']}/release", team["smm_manager"]).status_code == 200
    [target] = target_repo.for_post(post["id"])
    assert target.gsi2pk == target_repo.TARGETS.name
    publish_sweep.run(at("2026-12-01T09:01:30"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "publishing" and target.manual


def test_more_than_the_window_late_is_missed_not_sent(client, team, outbox):
    post = approve(client, team, channel_ids=[team["x"]])
    publish_sweep.run(at("2026-12-01T11:01:00"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "missed"
    assert post_repo.get(post["id"], consistent=True).status == "missed"
    load_all()["post-notices"].run()  # the sweep queued the notice; the job alerts the managers
    alerts = [m for m in mail.messages(outbox) if "Missed its time" in str(m["Subject"])
              and team["smm_manager"].email in str(m["To"])]
    assert len(alerts) == 1
    r = call(client, "post", f"/v1/targets/{target.id}/retry", team["smm_manager"])
    assert r.status_code == 200 and body(r)["state"] == "scheduled"


def test_target_actions_refuse_wrong_states_and_outsiders(client, team, make_user):
    post = approve(client, team, channel_ids=[team["x"]])
    [target] = target_repo.for_post(post["id"])
    assert call(client, "post", f"/v1/targets/{target.id}/retry", team["smm_manager"]).status_code == 409
    r = call(client, "post", f"/v1/targets/{target.id}/resolve", team["smm_manager"], {"outcome": "published"})
    assert r.status_code == 422
    outsider = make_user("smm_manager", brand=make_brand())
    assert call(client, "get", f"/v1/posts/{post['id']}/targets", outsider).status_code == 404
    assert call(client, "post", f"/v1/targets/{target.id}/retry", outsider).status_code == 404
    assert call(client, "post", "/v1/targets/" + "0" * 52 + "/retry", team["smm_manager"]).status_code == 404
