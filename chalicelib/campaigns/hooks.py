"""What campaigns add to every post change (plugged into content/hooks.py by app.py, after approvals,
publishing and deals): when the change sets the post's `campaign_id` to another value (a new post made
with one, an edit, a CSV import row), the campaign's member entries follow in the change's own
transaction — the new campaign's put, the old one's deleted (members.py).

The new campaign must exist, be of the post's brand and be active: otherwise the change is refused
before anything is written (422 naming `campaign_id`). Posts of a campaign archived later stay its
members. Light at import: the work is imported when a post's campaign changes.
"""
from __future__ import annotations

CREATED = "created"  # the event content gives a new post's change (its `post` is the post being made)


def in_transaction(change) -> list:
    old = None if CREATED in (change.events or ()) else change.post.campaign_id
    new = change.value("campaign_id")
    if old == new:
        return []
    from chalicelib.campaigns import members
    from chalicelib.core.errors import ValidationFailed

    if new:
        problem = members.attach_problem(change.post.brand_id, new)
        if problem:
            raise ValidationFailed(problem, details=[{"field": "campaign_id", "message": problem}])
    return members.moves(members.POST, change.post.id, old, new, change.post.brand_id)


def after_commit(change, post) -> None:
    """Nothing: the member entry is written with the post."""
