"""Every scheduled job, in one registry.

Each feature declares its jobs in its own `jobs.py` (`register(Job(...))`); importing `app.py`
imports those modules, so the registry is complete wherever the app is. `app.py` turns each job into
an EventBridge schedule (`@app.schedule`); the local runner under `make run` fires the same
handlers on the same cadence; `python -m chalicelib.cli run-job NAME` fires one once. A handler
takes no arguments, imports what it needs when it runs (nothing heavy at import time) and returns a
small JSON-able summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Job:
    name: str                       # CLI name, kebab-case: "publish-due"
    every_minutes: int              # EventBridge Rate(every_minutes, MINUTES)
    description: str
    handler: Callable[[], dict]

    def run(self) -> dict:
        return self.handler()


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    if job.name in JOBS and JOBS[job.name] != job:
        raise ValueError(f"job {job.name!r} registered twice")
    JOBS[job.name] = job
    return job


def load_all() -> dict[str, Job]:
    """Every job of the app: importing the composition root (app.py) imports each feature's jobs."""
    import app  # noqa: F401 - app.py lives beside chalicelib/ (the project root is on sys.path)

    return JOBS
