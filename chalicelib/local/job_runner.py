"""Fire the scheduled jobs locally, on the cadence EventBridge would (`make run` starts this).

Each job first runs one interval after start (or at once with --now), then every interval.
A failing run is logged and the loop goes on. SIGTERM / SIGINT stop it cleanly between runs.

    python -m chalicelib.local.job_runner [--tick SECONDS] [--now]
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from typing import Callable

from chalicelib.core.jobs import JOBS, Job, load_all
from chalicelib.core.stage_env import apply_stage_environment

log = logging.getLogger("greenlight.job_runner")


def load_jobs() -> dict[str, Job]:
    """Every job of the app (importing app.py imports each feature's jobs.py)."""
    return load_all()


def run_job(job: Job) -> dict | None:
    """Run one job, print its summary; an error is logged, not raised."""
    started = time.monotonic()
    try:
        summary = job.run()
    except Exception:  # noqa: BLE001 - one bad run must not stop the others
        log.exception("job %s failed", job.name)
        return None
    print(f"[job] {job.name} ({time.monotonic() - started:.2f}s): {summary}", flush=True)
    return summary


class StopFlag:
    """Set from a signal handler. (threading.Event.set takes a lock the interrupted main thread
    may hold inside Event.wait, so it is not safe there; a plain attribute is.)"""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


def run_loop(stop: StopFlag | threading.Event, tick: float = 1.0, now: bool = False,
             jobs: dict[str, Job] = JOBS, clock: Callable[[], float] = time.monotonic) -> None:
    """Run due jobs until `stop.is_set()`. Jobs registered while running are picked up."""
    due: dict[str, float] = {}
    while not stop.is_set():
        current = clock()
        for name, job in list(jobs.items()):
            if name not in due:  # first sight: run now or one interval from now
                due[name] = current if now else current + job.every_minutes * 60
            if current >= due[name] and not stop.is_set():
                run_job(job)
                due[name] = current + job.every_minutes * 60
        for name in set(due) - set(jobs):  # unregistered meanwhile
            del due[name]
        until = time.monotonic() + tick
        while not stop.is_set() and time.monotonic() < until:  # short naps: a stop is seen fast
            time.sleep(min(0.1, tick))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between due-checks")
    parser.add_argument("--now", action="store_true", help="run every job once at start")
    args = parser.parse_args(argv)

    apply_stage_environment()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    jobs = load_jobs()

    stop = StopFlag()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    schedule = ", ".join(f"{j.name} every {j.every_minutes} min" for j in jobs.values()) or "none"
    print(f"Job runner started; jobs: {schedule}", flush=True)
    run_loop(stop, tick=args.tick, now=args.now, jobs=jobs)
    print("Job runner stopped", flush=True)


if __name__ == "__main__":
    main()
