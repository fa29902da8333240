"""Publishing notices go through the DUE#NOTICES lease queue (notifications/notice_queue.py): the sweep
only queues them, the post-notices job delivers each once even with two workers at once; missed and
lost (lease ran out) sends notify the author and assignees like failed ones, with their own wording;
people who left the brand hear nothing; a post marked published by hand tells the others, never the
person who marked it; a read mark in the future is clamped to now; a mail send raising never breaks the
decision that caused the notice."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from chalicelib.brands.members import repo as member_repo
from chalicelib.content import repo as post_repo
from chalicelib.core import mail as mailer
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Upstream
from chalicelib.core.jobs import load_all
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import activity_repo, notice_queue, post_events
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.models import AttemptItem, TargetItem
from tests.support import mail
from tests.support.posts import approve_post, body, call, new_post
from tests.support.sweep import at, states


def run_notices() -> dict:
    return load_all()["post-notices"].run()


def mails(outbox, user, subject_part: str) -> list:
    return [m for m in mail.messages(outbox) if user.email.lower() in str(m["To"]).lower()
            and subject_part in str(m["Subject"])]


def activity(client, user) -> list[dict]:
    r = call(client, "get", "/v1/me/activity", user)
    assert r.status_code == 200, r.body
    return body(r)["items"]


def test_post_notices_is_a_scheduled_job():
    import app

    assert load_all()["post-notices"] in app.SCHEDULED


def test_two_workers_deliver_a_queued_notice_once_and_a_held_lease_is_respected(client, team):
    post = approve_post(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    [target] = target_repo.for_post(post["id"])
    post_events.after_outcome(target, "failed", "bad", 1)
    [item] = notice_queue.pending(post["id"])
    delivered: list[tuple] = []

    def slow_deliver(found):
        delivered.append((found.post_id, found.kind, found.ref))
        time.sleep(0.3)  # the other worker meets the item meanwhile

    # a worker holds the lease: the job finds nothing due until it runs out
    assert notice_queue.NOTICES.claim(item, utcnow() + timedelta(minutes=5), "held-by-another-worker")
    notice_queue.run_due(slow_deliver)  # other tests' notices may be due in the shared queue: only this one counts
    assert (item.post_id, item.kind, item.ref) not in delivered
    delivered.clear()
    later = utcnow() + timedelta(minutes=6)
    results: list[dict] = []
    workers = [threading.Thread(target=lambda: results.append(notice_queue.run_due(slow_deliver, later)))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert delivered.count((item.post_id, item.kind, item.ref)) == 1  # once, although two workers ran
    assert len(delivered) == len(set(delivered))  # and no other notice twice either
    assert sum(r["sent"] for r in results) == len(delivered)
    assert notice_queue.pending(post["id"]) == []
    run_notices()  # sent: nothing more
    assert delivered.count((item.post_id, item.kind, item.ref)) == 1


def test_a_missed_send_tells_author_and_assignee_through_the_job(client, team, outbox):
    post = approve_post(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    publish_sweep.run(at("2026-12-01T11:01:00"), rate_limits=False)
    assert states(post["id"]) == {team["x"]: "missed"}
    assert mails(outbox, team["copywriter"], "Missed its time") == []  # queued, not sent by the sweep
    run_notices()
    run_notices()
    for who in ("copywriter", "designer"):
        [message] = mails(outbox, team[who], "Missed its time: Autumn menu")
        assert "its time passed" in mail.text_of(message)
        [item] = [i for i in activity(client, team[who]) if i["kind"] == "failed"]
        assert "its time passed long ago" in item["text"]
    # the manager is neither author nor assignee: the alert, once
    assert len(mails(outbox, team["smm_manager"], "Missed its time: Autumn menu")) == 1


def test_a_lost_send_lease_expired_tells_author_as_unconfirmed(client, team, outbox):
    post = approve_post(client, team, channel_ids=[team["tg"]])
    [target] = target_repo.for_post(post["id"])
    lease_end = "2026-12-01T09:05:00.000000Z"
    attempt = AttemptItem(f"POST#{post['id']}", target_repo.attempt_sk(team["tg"], 1), outcome="sending",
                          target_id=target.id, number=1, started_at=iso(utcnow()))
    # as a claim leaves it: publishing, its lease in the queue, the attempt `sending` (the worker then died)
    target.update(actions=[TargetItem.state.set("publishing"), TargetItem.attempts.set(1),
                           *target_repo.TARGETS.move(lease_end, target.id)], condition=TargetItem.state == "scheduled")
    attempt.save()
    publish_sweep.run(at("2026-12-01T09:06:00"), rate_limits=False)
    assert states(post["id"]) == {team["tg"]: "unconfirmed"}
    assert mails(outbox, team["copywriter"], "Check the network") == []  # queued by the sweep, not sent
    run_notices()
    [message] = mails(outbox, team["copywriter"], "Check the network: Autumn menu")
    assert "not sure whether" in mail.text_of(message)
    [item] = [i for i in activity(client, team["copywriter"]) if i["kind"] == "failed"]
    assert "not sure whether" in item["text"]


def test_someone_who_left_the_brand_hears_nothing(client, team, outbox):
    approve_post(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    designer = user_repo.get(team["designer"].id)
    member_repo.set_roles(Actor(None, "test", "job"), team["brand"].id, designer, [])
    publish_sweep.run(at("2026-12-01T11:01:00"), rate_limits=False)
    run_notices()
    assert len(mails(outbox, team["copywriter"], "Missed its time")) == 1
    assert mails(outbox, team["designer"], "Missed its time") == []
    assert not [i for i in activity_repo.page(designer.id, None, 50).items if i.kind == "failed"]


def test_marked_published_by_hand_tells_the_others_not_the_marker(client, team, outbox):
    post = approve_post(client, team, channel_ids=[team["x"]], assignee_ids=[team["designer"].id])
    publish_sweep.run(at("2026-12-01T09:00:30"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    r = call(client, "post", f"/v1/targets/{target.id}/mark-published", team["designer"],
             {"url": "https://x.com/acme/status/1"})
    assert r.status_code == 200, r.body
    run_notices()
    assert len(mails(outbox, team["copywriter"], "Published: Autumn menu")) == 1
    assert mails(outbox, team["designer"], "Published: Autumn menu") == []


def test_a_read_mark_in_the_future_is_clamped_to_now(client, team):
    future = iso(utcnow() + timedelta(days=3))
    r = call(client, "post", "/v1/me/activity/read", team["copywriter"], {"until": future})
    assert r.status_code == 200, r.body
    assert body(r)["read_until"] < future
    assert body(r)["read_until"] <= iso(utcnow())
    # a notice that arrives afterwards is unread
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "reject", "comment": "No"})
    assert r.status_code == 200, r.body
    [item] = activity(client, team["copywriter"])
    assert item["unread"] is True


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_a_mail_send_that_raises_leaves_the_decision_at_200(client, team, outbox, monkeypatch, decision):
    original = mailer.send
    refused: list[str] = []

    def broken(message):
        if message.to == team["copywriter"].email:  # the author's notice
            refused.append(message.subject)
            raise Upstream("The mail server did not accept the message.")
        return original(message)

    monkeypatch.setattr(mailer, "send", broken)
    post = new_post(client, team)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": decision, "comment": "Shorter, please"})
    assert r.status_code == 200, r.body
    assert refused, "the author's notice was never attempted"
    assert post_repo.get(post["id"], consistent=True).status in ("changes_requested", "rejected", "draft")
    assert [i["kind"] for i in activity(client, team["copywriter"])] in (["changes_requested"], ["rejected"])
