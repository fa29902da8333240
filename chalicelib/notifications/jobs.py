"""Notifications' jobs: `daily-digest` (hourly) sends each person who wants one their daily digest
at their local hour (notifications/digest.py); `post-notices` (every minute) delivers the publishing
notices the sweep queued (notifications/notice_queue.py)."""
from __future__ import annotations

from chalicelib.core.jobs import Job, register


def daily_digest() -> dict:
    from chalicelib.notifications import digest

    return digest.run_due()


DAILY_DIGEST = register(Job("daily-digest", 60,
                            "Send each person who wants one their daily digest at their local hour", daily_digest))


def post_notices() -> dict:
    from chalicelib.notifications import notice_queue, post_events

    return notice_queue.run_due(post_events.deliver)


POST_NOTICES = register(Job("post-notices", 1,
                            "Deliver the queued publishing notices (published, failed, unconfirmed, missed) to "
                            "each post's author and assignees", post_notices))
