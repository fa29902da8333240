"""Job `approval-reminders` (every 15 minutes): ask, remind and escalate approvers (services/approval_tasks.py)."""
from __future__ import annotations

LAMBDA_BUDGET_SECONDS = 600  # the schedule Lambda gets 15 minutes; stop claiming well before


def run() -> dict:
    from chalicelib.services import approval_tasks

    return approval_tasks.run(time_budget_seconds=LAMBDA_BUDGET_SECONDS)
