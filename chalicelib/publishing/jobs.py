"""Publishing's job: `publish-due` (every minute) publishes every target whose time has come
(publishing/sweep.py)."""
from __future__ import annotations

from chalicelib.core.jobs import Job, register

LAMBDA_TIMEOUT_SECONDS = 60  # .chalice/config.json lambda_functions.publish_due
# no claim or send starts later than BUDGET - sweep.SEND_TIMEOUT_SECONDS (15 s), a send with uploaded
# media not later than BUDGET - sweep.MEDIA_SEND_TIMEOUT_SECONDS (30 s)
BUDGET_SECONDS = LAMBDA_TIMEOUT_SECONDS - 15


def publish_due() -> dict:
    from chalicelib.publishing import sweep

    return sweep.run(time_budget_seconds=BUDGET_SECONDS)


PUBLISH_DUE = register(Job("publish-due", 1, "Publish every approved post whose time has come, once per channel",
                           publish_due))
