"""An edit or archive while a target is being sent (claimed, `publishing`) is refused with 409 — also when
the claim is committed between the edit's read of the targets and its write (the edit's transaction is
refused, the change is decided again and now sees the claim): the claimed target is left alone and
version 1 goes out once. A failed target of an older version is sent again at the new version once the
post is approved again."""
from __future__ import annotations

import sys
import threading
import time

from chalicelib.content import repo as post_repo
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.models import TargetItem
from tests.support.fake_api import Fault
from tests.support.posts import approve_post as approve
from tests.support.posts import body, call
from tests.support.sweep import at, states


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_edit_while_a_target_is_being_sent_is_refused(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["hook"]])
    fakes["hook"].fail_next(Fault.delay(1.5))
    sweep = threading.Thread(target=publish_sweep.run, args=(at("2026-12-01T09:00:10"),),
                             kwargs={"rate_limits": False})
    sweep.start()
    try:
        _wait_for(lambda: states(post["id"]) == {channels["hook"]: "publishing"})
        r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "Changed"})
        assert r.status_code == 409, r.body
        assert "being published right now" in r.body.decode()
        r = call(client, "post", f"/v1/posts/{post['id']}/archive", team["smm_manager"])
        assert r.status_code == 409 and "being published right now" in r.body.decode(), r.body
    finally:
        sweep.join()
    assert states(post["id"]) == {channels["hook"]: "published"}
    saved = post_repo.get(post["id"], consistent=True)
    assert int(saved.version) == 1 and saved.status == "published"
    assert len(fakes["hook"].deliveries()) == 1


def test_a_claim_between_the_edits_read_and_write_refuses_the_edit_and_v1_goes_out_once(
        client, team, channels, fakes, monkeypatch):
    post = approve(client, team, channel_ids=[channels["hook"]])
    fakes["hook"].fail_next(Fault.delay(1.5))
    original = target_repo.for_post
    raced: list[threading.Thread] = []

    def for_post_then_claim(post_id):
        found = original(post_id)
        if not raced and sys._getframe(1).f_code.co_name == "cancel_ops":
            # the edit has read the targets (all `scheduled`): the sweep claims one before the edit writes
            sweep = threading.Thread(target=publish_sweep.run, args=(at("2026-12-01T09:00:10"),),
                                     kwargs={"rate_limits": False})
            raced.append(sweep)
            sweep.start()
            _wait_for(lambda: [t for t in original(post_id) if t.state == "publishing"])  # claimed, sending
        return found

    monkeypatch.setattr(target_repo, "for_post", for_post_then_claim)
    try:
        r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "Changed"})
    finally:
        for sweep in raced:
            sweep.join()
    monkeypatch.setattr(target_repo, "for_post", original)
    assert raced, "the edit never read the targets to cancel them"
    assert r.status_code == 409, r.body  # decided again on a fresh read: being published right now
    assert "being published right now" in r.body.decode()
    saved = post_repo.get(post["id"], consistent=True)
    assert int(saved.version) == 1 and saved.body == "Pumpkin latte is back!"
    [target] = target_repo.for_post(post["id"])
    assert target.state == "published" and int(target.version) == 1
    publish_sweep.run(at("2026-12-01T09:02:10"), rate_limits=False)
    assert len(fakes["hook"].deliveries()) == 1  # version 1, once


def _as_if(target, state: str) -> None:
    """The target ended in `state` but the post's status was not brought in line (a lost refresh)."""
    target.update(actions=[TargetItem.state.set(state), *target_repo.TARGETS.dequeue()])


def test_a_failed_target_of_an_older_version_goes_out_at_the_new_version(client, team, channels, fakes):
    post = approve(client, team, channel_ids=[channels["hook"]])
    [target] = target_repo.for_post(post["id"])
    _as_if(target, "failed")
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "body": "Fixed text"})
    assert r.status_code == 200, r.body
    version = body(r)["version"]
    assert version == 2 and states(post["id"]) == {channels["hook"]: "failed"}  # nothing to cancel
    for who in ("content_manager", "smm_manager"):
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who],
                 {"version": version, "decision": "approve"})
        assert r.status_code == 200, r.body
    [target] = target_repo.for_post(post["id"])
    assert target.state == "scheduled" and int(target.version) == version
    assert target.gsi2pk == target_repo.TARGETS.name
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    assert states(post["id"]) == {channels["hook"]: "published"}
    assert len(fakes["hook"].deliveries()) == 1 and "Fixed text" in str(fakes["hook"].deliveries()[-1])
    assert post_repo.get(post["id"], consistent=True).status == "published"


def test_a_scheduled_post_with_nothing_left_to_send_takes_its_status_from_its_targets(client, team, channels):
    post = approve(client, team, channel_ids=[channels["hook"]])
    [target] = target_repo.for_post(post["id"])
    _as_if(target, "published")
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"version": 1, "publish_at": "2026-12-01T11:00"})  # only the time: stays approved, scheduled
    assert r.status_code == 200, r.body
    assert post_repo.get(post["id"], consistent=True).status == "published"
    assert states(post["id"]) == {channels["hook"]: "published"}
