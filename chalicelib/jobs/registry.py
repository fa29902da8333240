"""Every scheduled job, in one list.

`app.py` registers each job as an EventBridge schedule (`@app.schedule`); the local runner under
`make run` fires the same handlers on the same cadence; `python -m chalicelib.cli run-job NAME`
fires one once. A job handler takes no arguments and returns a small JSON-able summary.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Job:
    name: str                       # CLI name, kebab-case: "publish-due"
    every_minutes: int              # EventBridge Rate(every_minutes, MINUTES)
    description: str
    handler_path: str               # "module:function", imported only when the job runs

    def run(self) -> dict:
        import importlib

        module_name, _, func_name = self.handler_path.partition(":")
        handler: Callable[[], dict] = getattr(importlib.import_module(module_name), func_name)
        return handler()


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    if job.name in JOBS:
        raise ValueError(f"job {job.name!r} registered twice")
    JOBS[job.name] = job
    return job
