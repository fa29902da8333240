"""Job `publish-due` (every minute): publish every target whose time has come (services/publishing.py)."""
from __future__ import annotations

LAMBDA_TIMEOUT_SECONDS = 60  # .chalice/config.json lambda_functions.publish_due
BUDGET_SECONDS = LAMBDA_TIMEOUT_SECONDS - 15  # stop claiming early enough for the last sends to finish


def run() -> dict:
    from chalicelib.services import publishing

    return publishing.run(time_budget_seconds=BUDGET_SECONDS)
