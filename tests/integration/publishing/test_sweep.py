"""The publish-due sweep on DynamoDB Local against fake Telegram, VK and webhook servers on loopback:
one send per channel with the right text, 429 honoured, ambiguous sends never repeated, a worker
killed mid-send leaves the target unconfirmed, partial failure and retry of the failed channel only,
throttled claims never lost, DST edge times."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.content import repo as post_repo
from chalicelib.core import schedule
from chalicelib.core.net import guard as safe_http
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from tests.conftest import PROJECT_DIR
from tests.support import test_clock
from tests.support.fake_api import Fault
from tests.support.posts import approve_post as approve
from tests.support.posts import body, call
from tests.support.sweep import at, states


def test_a_due_post_goes_out_once_per_channel_with_the_right_text(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["tg"], channels["vk"], channels["hook"]],
                   body="Pumpkin latte <b>is</b> back & warm", variants={channels["vk"]: {"body": "VK: latte"}})
    publish_sweep.run(at("2026-12-01T08:59:59"), rate_limits=False)  # a second early: nothing of it goes
    assert set(states(post["id"]).values()) == {"scheduled"} and fakes["telegram"].calls == []
    publish_sweep.run(at("2026-12-01T09:00:20"), rate_limits=False)
    publish_sweep.run(at("2026-12-01T09:01:20"), rate_limits=False)  # nothing is sent twice
    assert set(states(post["id"]).values()) == {"published"}
    [tg] = fakes["telegram"].sent("sendMessage")
    assert tg.body["text"] == "Pumpkin latte &lt;b&gt;is&lt;/b&gt; back &amp; warm" and tg.body["parse_mode"] == "HTML"
    [vk] = fakes["vk"].calls
    assert vk.body["message"] == "VK: latte" and vk.body["owner_id"] == "-123" and vk.body["from_group"] == "1"
    [hook] = fakes["hook"].deliveries()
    assert hook.verified and hook.idempotency_key == target_repo.target_id(post["id"], channels["hook"])
    assert hook.body["text"] == "Pumpkin latte <b>is</b> back & warm"
    stored = post_repo.get(post["id"], consistent=True)
    assert stored.status == "published"
    listed = body(call(client, "get", f"/v1/posts/{post['id']}/targets", team["smm_manager"]))["items"]
    tg_target = next(t for t in listed if t["channel_id"] == channels["tg"])
    assert tg_target["url"].startswith("https://t.me/acme/") and tg_target["attempts"][0]["outcome"] == "published"


def test_429_is_honoured_and_the_post_goes_out_once_after_the_wait(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["tg"]])
    fakes["telegram"].rate_limit(30)
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "scheduled" and target.last_error
    assert target.gsi2sk.startswith("2026-12-01T09:00:40.000000Z")  # retry_after 30 s from the refusal
    publish_sweep.run(at("2026-12-01T09:00:20"), rate_limits=False)  # still waiting
    assert len(fakes["telegram"].calls) == 1
    publish_sweep.run(at("2026-12-01T09:01:00"), rate_limits=False)
    assert states(post["id"]) == {channels["tg"]: "published"}
    assert len(fakes["telegram"].calls) == 2  # the refused one and the one that went out


def test_a_timeout_after_sending_is_unconfirmed_and_never_sent_again(client, team, channels, fakes, monkeypatch, outbox):
    monkeypatch.setattr(safe_http, "READ_TIMEOUT", 0.5)
    post = approve(client, team, channel_ids=[channels["hook"]])
    fakes["hook"].fail_next(Fault.delay(2))
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    publish_sweep.run(at("2026-12-01T09:10:00"), rate_limits=False)
    assert states(post["id"]) == {channels["hook"]: "unconfirmed"}
    assert len(fakes["hook"].deliveries()) == 1
    assert post_repo.get(post["id"], consistent=True).status == "unconfirmed"
    from chalicelib.core.jobs import load_all
    from tests.support import mail

    load_all()["post-notices"].run()  # the sweep queued the notice; the job alerts the managers
    assert [m for m in mail.messages(outbox) if "may or may not have gone out" in str(m["Subject"])
            and team["smm_manager"].email in str(m["To"])]
    # a person checks the channel: it did go out
    target_id = target_repo.target_id(post["id"], channels["hook"])
    r = call(client, "post", f"/v1/targets/{target_id}/resolve", team["smm_manager"],
             {"outcome": "published", "url": "https://example.org/live/1"})
    assert r.status_code == 200 and body(r)["state"] == "published"
    assert post_repo.get(post["id"], consistent=True).status == "published"


def test_partial_failure_and_retry_sends_only_the_failed_channel(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["tg"], channels["hook"]])
    fakes["hook"].fail_next(Fault.of_status(400, {"error": "bad"}))
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    assert states(post["id"]) == {channels["tg"]: "published", channels["hook"]: "failed"}
    assert post_repo.get(post["id"], consistent=True).status == "partially_published"
    tg_target = target_repo.target_id(post["id"], channels["tg"])
    assert call(client, "post", f"/v1/targets/{tg_target}/retry", team["smm_manager"]).status_code == 409
    hook_target = target_repo.target_id(post["id"], channels["hook"])
    r = call(client, "post", f"/v1/targets/{hook_target}/retry", team["smm_manager"])
    assert r.status_code == 200, r.body
    publish_sweep.run(utc_now_plus(seconds=5), rate_limits=False)
    assert states(post["id"]) == {channels["tg"]: "published", channels["hook"]: "published"}
    assert len(fakes["telegram"].calls) == 1 and len(fakes["hook"].deliveries()) == 2
    assert post_repo.get(post["id"], consistent=True).status == "published"


def utc_now_plus(**delta) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


def test_an_edit_after_publishing_is_refused_and_never_republishes(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["tg"]])
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "New text"})
    assert r.status_code == 409
    publish_sweep.run(at("2026-12-01T09:02:10"), rate_limits=False)
    assert len(fakes["telegram"].calls) == 1


def test_an_edit_before_the_time_re_enters_approval_and_nothing_goes_out(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["tg"]])
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "Changed"})
    assert r.status_code == 200 and body(r)["status"] == "in_review"
    # the edit cancels the waiting target in its own transaction (out of the queue: never sent as version 1)
    assert states(post["id"]) == {channels["tg"]: "cancelled"}
    assert all(t.gsi2pk is None for t in target_repo.for_post(post["id"]))
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    assert fakes["telegram"].calls == [] and states(post["id"]) == {channels["tg"]: "cancelled"}


def test_a_throttled_or_conflicting_claim_is_skipped_and_picked_up_later(client, team, channels, fakes):
    """DynamoDB Local never throttles a transaction: Stubber makes the claim fail the way AWS does."""
    from botocore.stub import Stubber

    from chalicelib.core.db import connection as db_connection

    # a time no other test uses, so that this post's target is the only one due in these runs
    post = approve(client, team, channel_ids=[channels["tg"]], publish_at="2026-12-05T14:17")
    # The queue is shared by the whole test session: settle whatever other tests left due before ours.
    publish_sweep.run(at("2026-12-05T13:16:00"), rate_limits=False)
    for code in ("ThrottlingException", "TransactionConflictException"):
        with Stubber(db_connection.connection().client) as stub:
            stub.add_client_error("transact_write_items", service_error_code=code, http_status_code=400)
            summary = publish_sweep.run(at("2026-12-05T13:17:10"), rate_limits=False, concurrency=1)
        assert summary == {"taken": 1} and fakes["telegram"].calls == []
        [target] = target_repo.for_post(post["id"])
        assert target.state == "scheduled" and target.gsi2pk == target_repo.TARGETS.name  # still queued: not lost
    publish_sweep.run(at("2026-12-05T13:18:10"), rate_limits=False)
    assert states(post["id"]) == {channels["tg"]: "published"} and len(fakes["telegram"].calls) == 1


@pytest.mark.parametrize("zone, wall, instant", [
    ("Europe/Berlin", "2027-03-28T02:30", "2027-03-28T01:30:00.000000Z"),    # spring forward: 02:30 is 03:30 CEST
    ("Europe/Berlin", "2027-10-31T02:30", "2027-10-31T00:30:00.000000Z"),    # fall back: the first 02:30 (CEST)
    ("America/New_York", "2027-03-14T02:30", "2027-03-14T07:30:00.000000Z"),  # spring forward: 03:30 EDT
    ("America/New_York", "2027-11-07T01:30", "2027-11-07T05:30:00.000000Z"),  # fall back: the first 01:30 (EDT)
])
def test_dst_edge_times_go_out_at_a_defined_instant_once(client, team, channels, fakes, zone, wall, instant):
    post = approve(client, team, channel_ids=[channels["tg"]], publish_at=wall, timezone=zone)
    assert post["publish_at_utc"] == instant
    due = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    publish_sweep.run(due - timedelta(seconds=1), rate_limits=False)
    assert states(post["id"]) == {channels["tg"]: "scheduled"} and fakes["telegram"].calls == []
    publish_sweep.run(due + timedelta(seconds=1), rate_limits=False)
    publish_sweep.run(due + timedelta(hours=1), rate_limits=False)  # the repeated hour does not send again
    assert states(post["id"]) == {channels["tg"]: "published"} and len(fakes["telegram"].calls) == 1


def test_a_worker_killed_mid_send_leaves_the_target_unconfirmed_and_it_is_not_resent(client, team, channels, fakes):
    """A real `run-job publish-due` process is killed while the fake channel holds its request."""
    now = datetime.now(UTC)
    wall = schedule.to_wall(now, "Europe/Berlin")  # this minute: due now, well inside the window
    post = approve(client, team, channel_ids=[channels["hook"]], publish_at=wall, timezone="Europe/Berlin")
    fakes["hook"].fail_next(Fault.delay(60))
    worker = subprocess.Popen(test_clock.python_module("chalicelib.cli", "run-job", "publish-due"), cwd=PROJECT_DIR,
                              env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not fakes["hook"].deliveries() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert fakes["hook"].deliveries(), "the worker never sent"
        [target] = target_repo.for_post(post["id"])
        assert target.state == "publishing"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    publish_sweep.run(datetime.now(UTC) + timedelta(seconds=30), rate_limits=False)  # lease not over yet
    assert states(post["id"]) == {channels["hook"]: "publishing"}
    publish_sweep.run(datetime.now(UTC) + timedelta(minutes=6), rate_limits=False)
    assert states(post["id"]) == {channels["hook"]: "unconfirmed"}
    [attempt] = target_repo.attempts(post["id"], channels["hook"])
    assert attempt.outcome == "unconfirmed"
    assert len(fakes["hook"].deliveries()) == 1
