"""What publishing adds to every post change (plugged into content/hooks.py by app.py): the
post's publication targets follow it in the same transaction — created when it is scheduled,
re-queued when its time or approved text changes, skipped when a channel leaves it
(publishing/service.schedule_ops). Light at import: the work is imported when a post changes.
"""
from __future__ import annotations


def in_transaction(change) -> list:
    from chalicelib.publishing import service

    return service.schedule_ops(change.post, change.values)


def after_commit(change, post) -> None:
    """Nothing: the publish-due job takes scheduled targets from its queue."""
