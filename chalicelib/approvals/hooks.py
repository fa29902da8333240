"""What approvals adds to every post change (plugged into content/hooks.py by app.py).

In the change's transaction: when the change sets the post's approval map (submit, a decision, an
edit that restarts review, a new publish time), the current stage's deadline, the review index and
the follow-up tasks (approvals/followups.py). After such a change, a post in review gets what became
due right away (the ask of a new stage), the job being the safety net (approvals/reminders.deliver_now).
Light at import: the work is imported when a post changes.
"""
from __future__ import annotations


def in_transaction(change) -> list:
    if "approval" not in change.values:
        return []
    from chalicelib.approvals import followups

    return followups.plan(change)


def after_commit(change, post) -> None:
    """A change that set the approval map of a post now in review may have made an ask due."""
    if "approval" in change.values and post.status == "in_review":
        from chalicelib.approvals import reminders

        reminders.deliver_now(post.id)
