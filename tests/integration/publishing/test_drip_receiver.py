"""Slow-drip replies (security issue, item 6): a hostile webhook receiver that answers one byte at a
time (tests/support/drip.py) must not hold a send past the outbound guard's deadline. The send gives
up at the deadline as Ambiguous — the request went out — so the sweep leaves the target
`unconfirmed`, sends it once, and returns on time.

The deadline is shortened to 1 s here (monkeypatch, as the other tests shorten timeouts); the drip
servers run on loopback, which the guard lets through only because each puts its host:port on the
OUTBOUND_ALLOW_PRIVATE allow-list while it runs (tests/support/drip.py). The margins are generous: a guard that does not give up would take the drip's whole
lifetime (60 s).
"""
from __future__ import annotations

import time

import pytest

from chalicelib.core.net import guard as safe_http
from chalicelib.core.net.outcomes import Ambiguous
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from chalicelib.publishing.channels import webhook
from chalicelib.publishing.channels.contract import Outgoing
from tests.support.drip import DripServer
from tests.support.posts import approve_post as approve
from tests.support.posts import body, call
from tests.support.sweep import at, states

DEADLINE = 1.0
SEND_MARGIN = 3.0
SWEEP_MARGIN = 6.0  # the sweep also claims, records and mails (DynamoDB Local) around the send


@pytest.fixture
def short_deadline(monkeypatch):
    monkeypatch.setattr(safe_http, "DEADLINE", DEADLINE)


def drip_channel(client, team, url: str) -> str:
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/channels", team["smm_manager"],
             {"platform": "webhook", "name": "Drip", "handle": url})
    assert r.status_code == 201, r.body
    return body(r)["id"]


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_a_webhook_send_to_a_drip_receiver_returns_within_its_deadline(mode, short_deadline):
    with DripServer(mode) as drip:
        outgoing = Outgoing(target_id="tgt-drip", post_id="post-1", version=1, platform="webhook",
                            channel_name="Drip", external_id=None, handle=drip.url + "/hook", credentials_ref=None,
                            title="T", text="Hello", media=(), links=(), publish_at="2026-12-01T09:00:00Z",
                            brand_id="brand-1")
        started = time.monotonic()
        with pytest.raises(Ambiguous) as info:
            webhook.send(outgoing)
        elapsed = time.monotonic() - started
        assert drip.requests == 1
    assert elapsed < DEADLINE + SEND_MARGIN, elapsed
    assert "no complete answer within 1 s" in info.value.reason


# publish time (Berlin), then in UTC: the queue settled just before, the run, a run 5 minutes later.
# Times no other test uses: the queue is shared by the whole session.
RUNS = {"body": ("2026-12-09T11:07", "2026-12-09T10:06:30", "2026-12-09T10:07:10", "2026-12-09T10:12:10"),
        "headers": ("2026-12-09T11:37", "2026-12-09T10:36:30", "2026-12-09T10:37:10", "2026-12-09T10:42:10")}


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_the_sweep_gives_a_drip_receiver_up_unconfirmed_and_finishes_on_time(client, team, short_deadline, mode):
    publish_at, settle_at, run_at, later = RUNS[mode]
    with DripServer(mode) as drip:
        channel = drip_channel(client, team, drip.url + "/hook")
        post = approve(client, team, channel_ids=[channel], publish_at=publish_at)
        publish_sweep.run(at(settle_at), rate_limits=False)  # settle what other tests left due
        started = time.monotonic()
        summary = publish_sweep.run(at(run_at), rate_limits=False)
        elapsed = time.monotonic() - started
        publish_sweep.run(at(later), rate_limits=False)
        sends = drip.requests
    assert states(post["id"]) == {channel: "unconfirmed"}
    assert summary.get("unconfirmed") == 1, summary
    assert sends == 1  # never sent again by itself: a person decides
    assert elapsed < DEADLINE + SWEEP_MARGIN, elapsed
    [target] = target_repo.for_post(post["id"])
    assert "no complete answer within 1 s" in (target.last_error or "")
