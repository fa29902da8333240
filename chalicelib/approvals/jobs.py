"""Approvals' job: `approval-reminders` (every 15 minutes) asks, reminds and escalates approvers and
applies the chain's on-miss policy (approvals/reminders.py)."""
from __future__ import annotations

from chalicelib.core.jobs import Job, register

LAMBDA_BUDGET_SECONDS = 600  # the schedule Lambda gets 15 minutes; stop claiming well before


def approval_reminders() -> dict:
    from chalicelib.approvals import reminders

    return reminders.run(time_budget_seconds=LAMBDA_BUDGET_SECONDS)


APPROVAL_REMINDERS = register(Job("approval-reminders", 15,
                                  "Ask, remind and escalate approvers; apply the chain's on-miss policy",
                                  approval_reminders))
