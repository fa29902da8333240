"""Notifications' job: `daily-digest` (hourly) sends each person who wants one their daily digest
at their local hour (notifications/digest.py)."""
from __future__ import annotations

from chalicelib.core.jobs import Job, register


def daily_digest() -> dict:
    from chalicelib.notifications import digest

    return digest.run_due()


DAILY_DIGEST = register(Job("daily-digest", 60,
                            "Send each person who wants one their daily digest at their local hour", daily_digest))
