"""What a post change means for approval follow-up: the current stage's deadline, the review index
entry, and the tasks (ask, remind, escalate) written in the same transaction as the change.

Planned with every post change that sets the approval map (approvals/hooks.py), in its
transaction. Rounds make the tasks' keys unique and let the job tell a live task from a stale one
without deleting anything:

  stage_round     new whenever a stage starts (submit, advance, re-approval after an edit);
                  "ask" tasks belong to it
  deadline_round  new whenever a stage starts or its deadline moves (publish time changed);
                  "remind" and "escalate" tasks belong to it
A task whose round is no longer the post's (or whose post left review) is dropped when it comes due.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.approvals import rules as deadlines
from chalicelib.approvals.models import TaskItem
from chalicelib.approvals.repo import TASKS, tail
from chalicelib.content import repo
from chalicelib.content.rules.workflow import PostState, Status
from chalicelib.core.clock import iso, parse_utc
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings


def _task(post_id: str, brand_id: str, state: PostState, round_id: str, step: deadlines.FollowUp,
          deadline: str | None, now: datetime) -> TaskItem:
    sk = f"TASK#{round_id}#{step.kind}#{step.offset_hours or 0}"
    due = iso(step.due)
    return TaskItem(f"POST#{post_id}", sk, gsi2pk=TASKS.name, gsi2sk=TASKS.key(step.due, tail(post_id, sk)),
                    kind=step.kind, post_id=post_id, brand_id=brand_id, version=state.version,
                    stage=state.stage_index, deadline=deadline, offset_hours=step.offset_hours, due_at=due,
                    state="pending", attempts=0, sent=[], created_at=iso(now))


def plan(change) -> list[TaskItem]:
    """The follow-ups of a post change that sets the approval map (content/hooks.PostChange): fills
    the map's follow-up keys, puts the review index on the change's values, returns the new tasks."""
    index, tasks = apply(change.post, change.state, change.events, change.values["approval"], brand=change.brand,
                         publish_at=change.value("publish_at"), due_at=change.value("due_at"),
                         zone=change.value("timezone"), now=change.now)
    change.values.update(index)
    return tasks


def apply(post, state: PostState, events: tuple[str, ...], approval: dict, *, brand, publish_at: str | None,
          due_at: str | None, zone: str | None, now: datetime) -> tuple[dict, list[TaskItem]]:
    """Fill the follow-up keys of `approval` (the new approval map) for the new state; return the
    index values to set on the post and the new tasks."""
    if state.status is not Status.in_review or state.current_stage is None:
        approval.update(deadline=None)
        return {"gsi2pk": None, "gsi2sk": None}, []
    stage = state.current_stage
    deadline_at = deadlines.stage_deadline(publish_at=publish_at, due_at=due_at, zone=zone or brand.timezone,
                                           lead_hours=stage.lead_hours)
    deadline = iso(deadline_at) if deadline_at else None
    started = any(e.startswith(("stage_started:", "reapproval:")) for e in events)
    offsets = get_settings().reminder_offsets
    steps: list[deadlines.FollowUp] = []
    if started or not approval.get("stage_round"):
        approval.update(stage_round=new_id(), deadline_round=new_id(), stage_started_at=iso(now), deadline=deadline)
        steps = deadlines.plan(deadline_at, now, offsets, ask=True)
    elif deadline_at != parse_utc(approval.get("deadline")):  # as instants: older items store "…:00Z"
        approval.update(deadline_round=new_id(), deadline=deadline)
        steps = deadlines.plan(deadline_at, now, offsets, ask=False)
    tasks = [_task(post.id, post.brand_id, state,
                   approval["stage_round"] if step.kind == "ask" else approval["deadline_round"], step, deadline, now)
             for step in steps]
    return {"gsi2pk": repo.review_pk(post.brand_id), "gsi2sk": repo.review_sk(deadline, post.id)}, tasks


def is_live(task: TaskItem, post) -> bool:
    """Is this task still about the post as it is now?"""
    if post is None or post.status != Status.in_review.value or int(post.version) != int(task.version):
        return False
    approval = repo.approval_of(post)
    if int(approval.get("stage_index") or 0) != int(task.stage):
        return False
    round_id = task.sk.split("#")[1]
    wanted = approval.get("stage_round") if task.kind == "ask" else approval.get("deadline_round")
    return round_id == wanted
