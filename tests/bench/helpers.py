"""Small helpers shared by the benchmarks."""
from __future__ import annotations

import os
import statistics

STRICT = os.environ.get("BENCH_STRICT", "1") != "0"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(seconds: list[float]) -> dict:
    """Milliseconds, rounded for humans."""
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3), "p90_ms": round(percentile(ms, 0.9), 3),
            "min_ms": round(min(ms), 3), "max_ms": round(max(ms), 3)}


def line(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


def check_goal(name: str, value: float, goal: float, explain: str) -> None:
    """Print the verdict; fail the benchmark when the goal is missed (unless BENCH_STRICT=0)."""
    line(f"{name}: {value:.2f} (goal <= {goal}) {'OK' if value <= goal else 'MISSED'}")
    if STRICT:
        assert value <= goal, f"{name} = {value:.2f} > goal {goal}\n{explain}"
