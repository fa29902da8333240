"""Job `publish-due` (every minute): publish every target whose time has come (services/publish_sweep.py)."""
from __future__ import annotations

LAMBDA_TIMEOUT_SECONDS = 60  # .chalice/config.json lambda_functions.publish_due
BUDGET_SECONDS = LAMBDA_TIMEOUT_SECONDS - 15  # no claim or send starts later than BUDGET - 15 s (the send timeout)


def run() -> dict:
    from chalicelib.services import publish_sweep

    return publish_sweep.run(time_budget_seconds=BUDGET_SECONDS)
