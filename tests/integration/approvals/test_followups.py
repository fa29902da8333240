"""Approval follow-ups on DynamoDB Local: the ask email when a stage starts, reminders before the
deadline, escalation and the chain's on-miss policies, idempotent under repeated and concurrent runs."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

from chalicelib.approvals import reminders as approval_tasks
from chalicelib.content import repo as post_repo
from tests.support import mail
from tests.support.posts import body, call, new_post


def submit(client, team, **fields):
    post = new_post(client, team, **fields)
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    return body(r)


def mails_to(outbox, user, subject_part=""):
    return [m for m in mail.messages(outbox) if user.email in str(m["To"]) and subject_part in str(m["Subject"])]


def test_submitting_asks_the_first_stage_by_email_with_action_links(client, team, outbox):
    post = submit(client, team)
    asked = mails_to(outbox, team["content_manager"], "Please approve")
    assert len(asked) == 1
    text = mail.text_of(asked[0])
    assert "Pumpkin latte is back!" in text
    assert "2026-12-01 10:00 (Europe/Berlin)" in text  # publish time in the approver's zone
    assert "2026-11-30 10:00 (Europe/Berlin)" in text  # deadline: publish − 24 h lead
    links = [link for link in mail.links_in(asked[0]) if "/a/" in link]
    assert len(links) == 3  # approve, request changes, open
    assert mails_to(outbox, team["smm_manager"], "Please approve") == []  # stage 2 not yet
    stored = post_repo.get(post["id"], consistent=True)
    assert stored.gsi2pk == f"BRAND#{team['brand'].id}#REVIEW"
    assert post_repo.approval_of(stored)["deadline"] == "2026-11-30T09:00:00.000000Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def set_on_miss(client, team, policy):
    chains = body(call(client, "get", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"]))
    chain = chains["items"][0]
    r = call(client, "patch", f"/v1/approval-chains/{chain['id']}", team["smm_manager"], {"on_miss": policy})
    assert r.status_code == 200, r.body
    assert body(r)["on_miss"] == policy


def test_reminders_go_out_once_at_each_offset_even_when_the_job_runs_twice_and_concurrently(client, team, outbox):
    submit(client, team)  # deadline 2026-11-30T09:00Z; reminders 24 h and 2 h before
    manager = team["content_manager"]
    approval_tasks.run(at("2026-11-29T08:59:00"))
    assert mails_to(outbox, manager, "Reminder") == []
    threads = [threading.Thread(target=approval_tasks.run, args=(at("2026-11-29T09:00:30"),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    approval_tasks.run(at("2026-11-29T09:01:00"))
    assert len(mails_to(outbox, manager, "Reminder")) == 1
    approval_tasks.run(at("2026-11-30T07:00:00"))
    approval_tasks.run(at("2026-11-30T07:05:00"))
    reminders = mails_to(outbox, manager, "Reminder")
    assert len(reminders) == 2
    assert "/a/" in mail.text_of(reminders[-1])


def test_a_decision_drops_the_reminders_of_the_stage_it_closed(client, team, outbox):
    post = submit(client, team)
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    assert len(mails_to(outbox, team["smm_manager"], "Please approve")) == 1  # stage 2 asked at once
    approval_tasks.run(at("2026-11-29T09:01:00"))
    assert mails_to(outbox, team["content_manager"], "Reminder") == []
    # stage 2 (lead 4 h): deadline 2026-12-01T05:00Z, reminder 2 h before
    approval_tasks.run(at("2026-12-01T03:00:30"))
    assert len(mails_to(outbox, team["smm_manager"], "Reminder")) == 1


def test_missed_deadline_with_notify_escalates_to_smm_managers_once(client, team, outbox):
    submit(client, team)
    approval_tasks.run(at("2026-11-30T09:00:30"))
    approval_tasks.run(at("2026-11-30T09:10:00"))
    overdue = mails_to(outbox, team["smm_manager"], "Approval overdue")
    assert len(overdue) == 1
    text = mail.text_of(overdue[0])
    late_approver = team["content_manager"].email.split("@")[0]  # factories name people after their address
    assert f"Still waiting for: {late_approver}." in text, text  # names the late approver
    assert "Nothing was changed automatically" in text


def test_missed_deadline_with_hold_puts_the_post_on_hold_and_tells_the_author(client, team, outbox):
    set_on_miss(client, team, "hold")
    post = submit(client, team)
    approval_tasks.run(at("2026-11-30T09:00:30"))
    stored = post_repo.get(post["id"], consistent=True)
    assert stored.hold is True and stored.status == "in_review"
    assert len(mails_to(outbox, team["smm_manager"], "On hold")) == 1
    assert len(mails_to(outbox, team["copywriter"], "On hold")) == 1
    entries = body(call(client, "get", f"/v1/audit?brand_id={team['brand'].id}&entity=post&id={post['id']}",
                        team["smm_manager"]))["items"]
    assert any(e["action"] == "hold" and e["via"] == "job" for e in entries)


def test_missed_deadline_with_next_slot_moves_the_post_and_replans_the_deadline(client, team, outbox):
    set_on_miss(client, team, "next_slot")
    busy = new_post(client, team, title="Already there", publish_at="2026-12-01T12:00")  # takes 12:00 Berlin on TG
    post = submit(client, team)
    approval_tasks.run(at("2026-11-30T09:00:30"))
    stored = post_repo.get(post["id"], consistent=True)
    # earliest: now + 24 h lead + 1 h = 2026-12-01 10:00:30Z -> 11:00Z (12:00 Berlin) is busy -> 13:00 Berlin
    assert stored.publish_wall == "2026-12-01T13:00" and stored.publish_at == "2026-12-01T12:00:00.000000Z"
    assert stored.status == "in_review" and not stored.hold
    assert post_repo.approval_of(stored)["deadline"] == "2026-11-30T12:00:00.000000Z"
    assert len(mails_to(outbox, team["copywriter"], "Moved")) == 1
    assert busy["id"] != post["id"]
    # the new deadline has its own escalation
    approval_tasks.run(at("2026-11-30T12:00:30"))
    assert len(mails_to(outbox, team["smm_manager"], "Moved")) == 2


def test_a_throttled_claim_leaves_the_task_for_the_next_run(client, team, outbox):
    """DynamoDB Local never throttles: Stubber makes the claim fail the way AWS does."""
    from botocore.stub import Stubber

    from chalicelib.approvals.models import TaskItem

    post = submit(client, team)
    when = at("2026-11-29T09:00:30")
    from chalicelib.approvals.repo import TASKS

    mine = [t for page in TASKS.due(when) for t in page if t.kind == "remind" and t.post_id == post["id"]]
    assert len(mine) == 1
    with Stubber(TaskItem._get_connection().connection.client) as stub:
        for _ in range(20):
            stub.add_client_error("update_item", "ProvisionedThroughputExceededException", http_status_code=400)
        summary = {"sent": 0, "dropped": 0, "retry": 0, "skipped": 0}
        approval_tasks._run(mine, when, summary, None)
    assert summary.get("error") == 1
    assert mails_to(outbox, team["content_manager"], "Reminder") == []
    approval_tasks.run(when)  # the next run
    assert len(mails_to(outbox, team["content_manager"], "Reminder")) == 1


def test_archiving_a_post_in_review_takes_it_out_of_review_and_drops_its_follow_ups(client, team, outbox):
    post = submit(client, team)
    assert [p.id for p in post_repo.list_in_review(team["brand"].id)] == [post["id"]]
    r = call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"])
    assert r.status_code == 200 and body(r)["status"] == "archived"
    assert post_repo.list_in_review(team["brand"].id) == []  # not "overdue" in anyone's digest
    assert post_repo.approval_of(post_repo.get(post["id"], consistent=True))["deadline"] is None
    approval_tasks.run(at("2026-11-30T09:00:30"))  # the reminder and the escalation come due: dropped
    assert mails_to(outbox, team["content_manager"], "Reminder") == []
    assert mails_to(outbox, team["smm_manager"], "Approval overdue") == []
