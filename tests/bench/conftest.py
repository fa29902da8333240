"""Benchmarks: `make bench` (pytest tests/bench -s); not part of `make test`.

Each benchmark prints `[bench] ...` lines and adds its numbers to build/bench.json (merged with the
file's previous content, so running one benchmark keeps the other's last numbers).
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time

import pytest

from tests.bench.helpers import line
from tests.conftest import PROJECT_DIR

RESULTS_FILE = PROJECT_DIR / "build" / "bench.json"


@pytest.fixture(scope="session")
def bench_results():
    results: dict = {}
    yield results
    if not results:
        return
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        merged = json.loads(RESULTS_FILE.read_text())
    except (OSError, ValueError):
        merged = {}
    merged.update(results)
    merged["_meta"] = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "python": sys.version.split()[0],
                       "machine": platform.machine(), "cpus": os.cpu_count(), "platform": platform.platform()}
    RESULTS_FILE.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    line(f"results written to {RESULTS_FILE.relative_to(PROJECT_DIR)}")
