"""Exactly once under concurrency: 8 `run-job publish-due` processes start at the same moment over 500
due targets on DynamoDB Local; the fake webhook receives exactly one delivery per target. Repeated 3
times (a fresh batch each time)."""
from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.core.settings import reset_settings
from chalicelib.publishing import repo as target_repo
from tests.conftest import PROJECT_DIR
from tests.support import test_clock
from tests.support.fake_webhook import FakeWebhook
from tests.support.posts import body, call
from tests.support.publishing import seed_due_targets

PROCESSES = 8
TARGETS = 500
ROUNDS_LIMIT = 6  # each process stops claiming after its time budget; a later round takes the rest


@pytest.fixture(scope="module")
def hook():
    fake = FakeWebhook(secret="concurrency-secret").start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("repetition", [1, 2, 3])
def test_eight_processes_over_500_due_targets_send_each_exactly_once(client, team, hook, repetition):
    hook.clear()
    os.environ["GL_BRAND_CONCURRENCY_HOOK_SECRET"] = "concurrency-secret"
    reset_settings()
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/channels", team["smm_manager"],
             {"platform": "webhook", "name": "Hook", "handle": hook.url + "/hook",
              "credentials_ref": "env:GL_BRAND_CONCURRENCY_HOOK_SECRET"})
    assert r.status_code == 201, r.body
    channel = channel_repo.get(body(r)["id"])
    ids = set(seed_due_targets(team["brand"].id, team["copywriter"].id, channel, TARGETS,
                               datetime.now(UTC) - timedelta(seconds=30)))
    for _ in range(ROUNDS_LIMIT):
        # The job as deployed: default settings (PUBLISH_CONCURRENCY=8), each process on its own.
        workers = [subprocess.Popen(test_clock.python_module("chalicelib.cli", "run-job", "publish-due"),
                                    cwd=PROJECT_DIR, env={**os.environ},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(PROCESSES)]
        for worker in workers:
            _, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err.decode()[-2000:]
        waiting = [t for t in (target_repo.get(i) for i in ids) if t.state in ("scheduled", "publishing")]
        if not waiting:
            break
        time.sleep(0.5)
    received = hook.sends_by_target()
    mine = {tid: received.get(tid, 0) for tid in ids}
    duplicates = {tid: n for tid, n in mine.items() if n > 1}
    missing = [tid for tid, n in mine.items() if n == 0]
    unsent = {tid: (t.state, t.last_error, int(t.attempts or 0)) for tid in missing if (t := target_repo.get(tid))}
    assert duplicates == {} and missing == [], f"duplicates {duplicates}; never sent (state, last error, attempts): {unsent}"
    assert {target_repo.get(i).state for i in ids} == {"published"}
