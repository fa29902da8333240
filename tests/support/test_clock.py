"""The test world's clock: every test run lives on 2026-11-28 (the day its fixed dates were written
against), ticking in real time from the moment the run starts.

Tests hard-code publish times such as 2026-12-01T10:00, and the post form refuses a publish time in
the past; without a pinned clock those tests would start failing once the real date passed them.
So the run travels (time_machine, tick=True) to START when it begins, and every process it starts
(`chalice local`, `run-job` workers) travels to the same instant on the same tick through
`python -m tests.support.clocked <module> …`: `ENV` carries "<START epoch>:<real epoch at run start>",
so a process started later lands at START + the time the run has taken so far.

A test that needs another instant travels again inside this one (time_machine nests).
"""
from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone

START = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)
ENV = "GREENLIGHT_TEST_CLOCK"


def _now_from(anchor: str) -> float:
    fake_start, real_start = (float(part) for part in anchor.split(":"))
    return fake_start + (time.time() - real_start)


def pin() -> None:
    """Travel this process to the run's clock (setting it up on the first call of the run)."""
    import time_machine

    if not os.environ.get(ENV):
        os.environ[ENV] = f"{START.timestamp()}:{time.time()}"
    time_machine.travel(_now_from(os.environ[ENV]), tick=True).start()


def python_module(module: str, *args: str) -> list[str]:
    """The command that runs `python -m module args…` on the run's clock."""
    return [sys.executable, "-m", "tests.support.clocked", module, *args]
