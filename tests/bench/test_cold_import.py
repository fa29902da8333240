"""Cold start: how much does `import app` cost on top of the packages it cannot avoid?

In fresh interpreters of the same venv, time `import app` against `import chalice, boto3, pynamodb,
pydantic`, interleaved, median of RUNS each. Goal: app / base <= 1.3. Both sides run with compiled
bytecode available (a private PYTHONPYCACHEPREFIX under build/, warmed first), so a shell with
PYTHONDONTWRITEBYTECODE=1 does not charge our own sources' compilation to `import app` only.
Also lists what `python -X importtime -c "import app"` spends the most on, and which packages
`import app` pulls in that the base import does not.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

from tests.bench.helpers import check_goal, line
from tests.conftest import PROJECT_DIR

RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "7"))
GOAL = 1.3
BASE = "chalice, boto3, pynamodb, pydantic"
TIMER = ("import json, sys, time\n"
         "t0 = time.perf_counter()\n"
         "import {what}\n"
         "t1 = time.perf_counter()\n"
         "print(json.dumps({{'seconds': t1 - t0, 'modules': len(sys.modules)}}))\n")
IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


PYCACHE = PROJECT_DIR / "build" / "bench-pycache"


def bench_env() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**environ, "PYTHONPYCACHEPREFIX": str(PYCACHE)}


def run(code: str, *flags: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, *flags, "-c", code], cwd=PROJECT_DIR, env=bench_env(),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def timed_import(what: str) -> dict:
    return json.loads(run(TIMER.format(what=what)).stdout.strip().splitlines()[-1])


def import_times(what: str) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, nesting depth) for every module the import loaded."""
    rows = []
    for text in run(f"import {what}", "-X", "importtime").stderr.splitlines():
        match = IMPORTTIME.match(text)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            rows.append((name, int(self_us), int(cumulative_us), len(indent) // 2))
    return rows


def test_cold_import_of_app_vs_its_base_packages(bench_results):
    timed_import("app"), timed_import(BASE)  # warm-up: writes the bytecode cache, fills the page cache
    app_runs, base_runs = [], []
    for _ in range(RUNS):
        base_runs.append(timed_import(BASE))
        app_runs.append(timed_import("app"))
    app_s = statistics.median(r["seconds"] for r in app_runs)
    base_s = statistics.median(r["seconds"] for r in base_runs)
    ratio = app_s / base_s
    # Each app run next to its base run: slow phases of a noisy machine hit both alike.
    paired = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(app_runs, base_runs))

    app_rows, base_rows = import_times("app"), import_times(BASE)
    base_modules = {name for name, *_ in base_rows}
    top = sorted(app_rows, key=lambda row: row[2], reverse=True)[:10]
    extra_by_package: dict[str, int] = defaultdict(int)
    for name, self_us, _, _ in app_rows:
        if name not in base_modules:
            extra_by_package[name.split(".")[0]] += self_us
    extra = sorted(extra_by_package.items(), key=lambda kv: kv[1], reverse=True)[:10]
    ours = sorted((row for row in app_rows if row[0] == "app" or row[0].startswith("chalicelib")),
                  key=lambda row: row[1], reverse=True)[:10]

    line()
    line(f"cold import, median of {RUNS} fresh interpreters ({sys.executable})")
    line(f"  import app                       {app_s * 1000:8.1f} ms  ({app_runs[-1]['modules']} modules)")
    line(f"  import {BASE}  {base_s * 1000:8.1f} ms  ({base_runs[-1]['modules']} modules)")
    line(f"  ratio of medians {ratio:.2f}, median of paired ratios {paired:.2f}, "
         f"runs app {sorted(round(r['seconds'] * 1000) for r in app_runs)} ms, "
         f"base {sorted(round(r['seconds'] * 1000) for r in base_runs)} ms")
    line("  -X importtime, import app, top 10 by cumulative time:")
    for name, self_us, cumulative_us, depth in top:
        line(f"    {cumulative_us / 1000:8.1f} ms cumulative {self_us / 1000:7.1f} ms self  {'  ' * depth}{name}")
    line("  packages import app loads beyond the base import (self time summed per package):")
    for package, self_us in extra:
        line(f"    {self_us / 1000:8.1f} ms  {package}")
    line("  our own modules, top 10 by self time (module body: model classes, route registration):")
    for name, self_us, _, _ in ours:
        line(f"    {self_us / 1000:8.1f} ms  {name}")
    bench_results["cold_import"] = {
        "runs": RUNS, "app_ms": round(app_s * 1000, 2), "base_ms": round(base_s * 1000, 2),
        "base": BASE, "ratio": round(ratio, 3), "paired_ratio": round(paired, 3), "goal": GOAL,
        "app_modules": app_runs[-1]["modules"], "base_modules": base_runs[-1]["modules"],
        "app_runs_ms": [round(r["seconds"] * 1000, 2) for r in app_runs],
        "base_runs_ms": [round(r["seconds"] * 1000, 2) for r in base_runs],
        "top_cumulative": [{"module": n, "cumulative_ms": round(c / 1000, 2), "self_ms": round(s / 1000, 2)}
                           for n, s, c, _ in top],
        "extra_packages": [{"package": p, "self_ms": round(s / 1000, 2)} for p, s in extra],
        "own_modules": [{"module": n, "self_ms": round(s / 1000, 2)} for n, s, _, _ in ours],
    }
    check_goal("cold import ratio app/base", ratio, GOAL,
               "the heaviest extra packages: " + ", ".join(f"{p} {s / 1000:.1f} ms" for p, s in extra))
