"""What publishing adds to every post change (plugged into content/hooks.py by app.py): the
post's publication targets follow it in the same transaction — created when it is scheduled,
re-queued when its time or approved text changes, skipped when a channel leaves it, cancelled
when the post stops being scheduled (an edit that needs approval again, archived) and scheduled
afresh at the new version when it is scheduled again (publishing/service.schedule_ops, cancel_ops).
Light at import: the work is imported when a post changes.
"""
from __future__ import annotations


def in_transaction(change) -> list:
    from chalicelib.publishing import service

    return service.schedule_ops(change.post, change.values)


def after_commit(change, post) -> None:
    """The publish-due job takes scheduled targets from its queue; a scheduled post none of whose
    targets waits any more (all went out before) gets its status from them."""
    import logging

    from chalicelib.publishing import service

    try:
        service.settle_after_schedule(post)
    except Exception:  # noqa: BLE001 - never breaks the change; the next change or sweep settles it
        logging.getLogger(__name__).exception("the post's status could not be settled", extra={"post": post.id})
