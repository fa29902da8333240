"""What the features above content add to a post change, in the change's own transaction.

A post change (edit, submit, decide, hold, archive) is one conditional write of the post plus what
the change itself adds (a version snapshot, a decision) and its audit entry. Two features keep
items of their own in step with the post, and must write them in that same transaction:

  approvals    the review index, the current stage's deadline and the follow-up tasks that ask,
               remind and escalate approvers (approvals/hooks.py → approvals/followups.py);
               after the write, it sends at once what the change made due (a new stage's ask)
  publishing   the post's publication targets: created, re-queued or skipped as the post is
               scheduled, edited or held (publishing/hooks.py → publishing/service.py)

Content depends on neither: they are plugged in here by app.py, the composition root, in that
order. Each plugged hook module has `in_transaction(change) -> [items or operations]` (it may add
fields to `change.values`) and `after_commit(change, post)` (the post as saved; never raises). Changing a post in a process
where nothing is plugged in would silently skip them, so it fails instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class PostChange:
    post: Any                      # the post as read, before the change
    values: dict                   # what the change sets on the post; a hook may add its own fields
    state: Any = None              # the workflow state after the change (content/rules/workflow.PostState)
    events: tuple[str, ...] = ()   # what the workflow says happened ("stage_started:1", "approved", …)
    brand: Any = None
    now: datetime | None = None
    actor_id: str | None = None    # who made the change (None: a job)

    def value(self, name: str) -> Any:
        """The post's field as it will be after the change."""
        return self.values[name] if name in self.values else getattr(self.post, name)


_plugged: tuple = ()


def plug(*hooks) -> None:
    """Set the hook modules, in the order they run (app.py does this once)."""
    global _plugged
    _plugged = tuple(hooks)


def in_transaction(change: PostChange) -> list:
    if not _plugged:
        raise RuntimeError("No post-change hooks are plugged in; import app (app.py plugs approvals and "
                           "publishing into content) before changing posts.")
    items: list = []
    for hook in _plugged:
        items.extend(hook.in_transaction(change))
    return items


def after_commit(change: PostChange, post) -> None:
    for hook in _plugged:
        hook.after_commit(change, post)
