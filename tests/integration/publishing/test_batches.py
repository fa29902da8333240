"""The sweep claims and records many targets per transaction (DynamoDB Local, fake webhook on
loopback): one target refused in a batch never holds back the others; a run that runs out of time
releases what it has not sent, and the next run sends it, once; a post changed while its only
channel was sending keeps the change."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.content import repo as post_repo
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.channels import dispatch as adapters
from tests.support.posts import approve_post as approve
from tests.support.posts import call
from tests.support.sweep import states


def _due(post: dict) -> datetime:
    """The post's publish time in UTC; the queue is shared by the whole test session, so whatever
    other tests left due before it is sent first."""
    due = datetime.fromisoformat(post["publish_at_utc"].replace("Z", "+00:00"))
    publish_sweep.run(due - timedelta(minutes=1), rate_limits=False)
    return due


def test_one_held_post_in_a_batch_is_parked_and_the_others_go_out(client, team, channels, fakes):
    posts = [approve(client, team, channel_ids=[channels["hook"]], publish_at="2026-12-06T10:07") for _ in range(4)]
    held = posts[1]
    assert call(client, "post", f"/v1/posts/{held['id']}/hold", team["smm_manager"]).status_code == 200
    due = _due(posts[0])
    publish_sweep.run(due + timedelta(seconds=10), rate_limits=False)
    sent = fakes["hook"].sends_by_target()
    for post in posts:
        [target] = target_repo.for_post(post["id"])
        if post is held:
            assert target.state == "scheduled" and target.gsi2pk is None  # parked until released
            assert sent.get(target.id, 0) == 0 and target_repo.attempts(post["id"]) == []
        else:
            assert target.state == "published" and sent[target.id] == 1
            assert post_repo.get(post["id"]).status == "published"
    assert call(client, "post", f"/v1/posts/{held['id']}/release", team["smm_manager"]).status_code == 200
    publish_sweep.run(due + timedelta(minutes=1), rate_limits=False)
    sent = fakes["hook"].sends_by_target()
    assert {sent[target_repo.for_post(p["id"])[0].id] for p in posts} == {1}


def test_a_run_out_of_time_releases_what_it_has_not_sent_and_the_next_run_sends_it_once(client, team, channels,
                                                                                        fakes):
    posts = [approve(client, team, channel_ids=[channels["hook"]], publish_at="2026-12-06T11:13") for _ in range(6)]
    due = _due(posts[0])
    # A budget of 18 s leaves 3 s for starting sends (the last 15 s are for finishing them); six sends
    # of 1 s each, one at a time, cannot all start in that time, however slow or fast the machine is.
    fakes["hook"].latency = 1.0
    publish_sweep.run(due + timedelta(seconds=10), rate_limits=False, concurrency=1, time_budget_seconds=18)
    sent = fakes["hook"].sends_by_target()
    published = [p for p in posts if states(p["id"]) == {channels["hook"]: "published"}]
    released = [p for p in posts if p not in published]
    assert published and released
    for post in released:
        [target] = target_repo.for_post(post["id"])
        assert target.state == "scheduled" and int(target.attempts) == 0 and target.lease_until is None
        assert target.gsi2pk == target_repo.TARGETS.name and target.gsi2sk == target_repo.TARGETS.key(target.publish_at, target.id)
        assert target_repo.attempts(post["id"]) == [] and sent.get(target.id, 0) == 0  # nothing was tried
        assert post_repo.get(post["id"]).status == "scheduled"
    fakes["hook"].latency = 0
    publish_sweep.run(due + timedelta(minutes=1), rate_limits=False)
    sent = fakes["hook"].sends_by_target()
    for post in posts:
        [target] = target_repo.for_post(post["id"])
        assert target.state == "published" and sent[target.id] == 1
        [attempt] = target_repo.attempts(post["id"])
        assert attempt.outcome == "published" and int(attempt.number) == 1


def test_a_post_edited_while_its_only_channel_sends_is_refused_and_v1_goes_out_once(client, team, channels, fakes,
                                                                                     monkeypatch):
    """An edit while the post's only target is being sent (claimed) is refused with 409 ("being published
    right now"): what was approved goes out once and the post is published on version 1."""
    posts = [approve(client, team, channel_ids=[channels["hook"]], publish_at="2026-12-06T12:21") for _ in range(3)]
    edited = posts[0]
    due = _due(posts[0])
    send = adapters.send
    answers = []

    def edit_then_send(outgoing):
        if outgoing.post_id == edited["id"]:
            answers.append(call(client, "patch", f"/v1/posts/{edited['id']}", team["copywriter"],
                                {"version": 1, "body": "New"}))
        return send(outgoing)

    monkeypatch.setattr(adapters, "send", edit_then_send)
    publish_sweep.run(due + timedelta(seconds=10), rate_limits=False)
    [r] = answers
    assert r.status_code == 409 and "being published right now" in r.body.decode(), r.body
    sent = fakes["hook"].sends_by_target()
    for post in posts:
        [target] = target_repo.for_post(post["id"])
        assert target.state == "published" and sent[target.id] == 1  # what was approved went out, once
        stored = post_repo.get(post["id"])
        assert stored.status == "published" and int(stored.version) == 1
