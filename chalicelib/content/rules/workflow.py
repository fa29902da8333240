"""The post approval workflow as pure functions over an immutable state. No I/O.

    draft ──submit──▶ in_review(stage 0 … n-1) ──last stage approves──▶ approved ─(publish time)─▶ scheduled
      ▲                  │  request_changes                 │ reject
      │                  ▼                                  ▼
      └──edit/submit── changes_requested                 rejected
    any status ──archive──▶ archived;   hold / release: a flag that keeps a post from publishing

Editing the content of a post that is in review, approved or scheduled makes a new version, voids
the decisions on older versions and sends the post back to the first stage.

A decision names the version it was made on; a decision on any other version is refused with the
current one. The services persist a state change with a condition on the post's `revision`
(optimistic locking), so two actors can never both move the same state.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from chalicelib.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed


class Status(str, Enum):
    draft = "draft"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    scheduled = "scheduled"
    rejected = "rejected"
    archived = "archived"
    # publishing (next issue) — listed so stored values always parse
    publishing = "publishing"
    published = "published"
    partially_published = "partially_published"
    failed = "failed"
    unconfirmed = "unconfirmed"
    missed = "missed"


class Decision(str, Enum):
    approve = "approve"
    request_changes = "request_changes"
    reject = "reject"


class Rule(str, Enum):
    any = "any"  # one approver of the stage is enough
    all = "all"  # every approver of the stage must approve


class StageMoved(InvalidTransition):
    """Someone else's decision moved the post on while this approver decided: the approver was
    allowed, they lost a race. Says where the post is now, so a client can show it."""

    code = "stage_moved"

    def __init__(self, state: "PostState"):
        current = state.current_stage
        where = f"stage {state.stage_index + 1} ({current.name})" if current else state.status.value
        super().__init__(f"Someone else decided first: the post has moved on and is now at {where}.",
                         status=state.status.value, stage=state.stage_index if current else None,
                         stage_name=current.name if current else None, current_version=state.version)


EDITABLE = {Status.draft, Status.changes_requested, Status.in_review, Status.approved, Status.scheduled,
            Status.rejected}
REAPPROVE_ON_EDIT = {Status.in_review, Status.approved, Status.scheduled}
SUBMITTABLE = {Status.draft, Status.changes_requested}
DECIDED = {Status.approved, Status.scheduled, Status.changes_requested, Status.rejected}  # where decisions lead
ARCHIVABLE = set(Status) - {Status.archived, Status.publishing}


@dataclass(frozen=True)
class Stage:
    name: str
    rule: Rule
    approvers: frozenset[str]  # user ids, resolved from the chain's users and roles when the stage starts
    lead_hours: int = 0


@dataclass(frozen=True)
class Vote:
    user_id: str
    decision: Decision
    version: int
    stage: int


@dataclass(frozen=True)
class PostState:
    status: Status
    version: int
    author_id: str
    has_publish_time: bool = False
    hold: bool = False
    stages: tuple[Stage, ...] = ()
    stage_index: int = 0
    votes: tuple[Vote, ...] = ()  # decisions on the current version (older ones are voided)
    # Who wrote the text under review: the author of the current version, and everyone who wrote a
    # version since the post was last submitted. None of them may approve it (unless the brand allows).
    version_author: str | None = None
    round_authors: frozenset[str] = frozenset()

    @property
    def authors(self) -> frozenset[str]:
        """The post's author, the current version's author and every author of a version in this round."""
        return frozenset({self.author_id, *([self.version_author] if self.version_author else []),
                          *self.round_authors})

    @property
    def current_stage(self) -> Stage | None:
        if self.status is Status.in_review and self.stage_index < len(self.stages):
            return self.stages[self.stage_index]
        return None

    def approvals_in_stage(self) -> set[str]:
        return {v.user_id for v in self.votes
                if v.stage == self.stage_index and v.decision is Decision.approve and v.version == self.version}

    def waiting_for(self) -> set[str]:
        """Who still has to decide in the current stage (any: everyone eligible until one approves)."""
        stage = self.current_stage
        if stage is None:
            return set()
        return set(stage.approvers) - self.approvals_in_stage()


@dataclass(frozen=True)
class Outcome:
    state: PostState
    events: tuple[str, ...] = field(default=())  # "stage_started:1", "approved", "scheduled", …


def _finish_approval(state: PostState) -> PostState:
    status = Status.scheduled if state.has_publish_time else Status.approved
    return replace(state, status=status, stage_index=len(state.stages))


def submit(state: PostState, stages: tuple[Stage, ...], *, approve_without_chain: bool) -> Outcome:
    """Send a draft (or a post sent back for changes) into review at the first stage."""
    if state.status not in SUBMITTABLE:
        raise InvalidTransition(f"A post that is {state.status.value} cannot be submitted.")
    if not stages:
        if not approve_without_chain:
            raise InvalidTransition("This brand has no approval chain for this kind of post; ask an SMM "
                                    "manager to set one up (or allow approval without a chain).")
        done = _finish_approval(replace(state, stages=(), stage_index=0, votes=()))
        return Outcome(done, ("approved", *(("scheduled",) if done.status is Status.scheduled else ())))
    for index, stage in enumerate(stages):
        if not stage.approvers:
            raise ValidationFailed(f"Stage {index + 1} ({stage.name}) has nobody who may approve it.",
                                   details=[{"field": f"stages.{index}", "message": "no approvers"}])
    round_authors = frozenset({state.version_author or state.author_id})  # a new round: the text as submitted
    started = replace(state, status=Status.in_review, stages=stages, stage_index=0, votes=(),
                      round_authors=round_authors)
    return Outcome(started, ("stage_started:0",))


def may_decide(state: PostState, user_id: str, *, authors_may_approve: bool) -> bool:
    stage = state.current_stage
    if stage is None or user_id not in stage.approvers:
        return False
    if user_id in state.authors and not authors_may_approve:
        return False
    return user_id not in {v.user_id for v in state.votes if v.stage == state.stage_index}


def decide(state: PostState, user_id: str, version: int, decision: Decision, *,
           authors_may_approve: bool) -> Outcome:
    """Record one approver's decision on one version. An approver of a stage that another approver's
    decision has moved the post past, on this version, who has not decided themselves, gets
    StageMoved, not a refusal: they were allowed, they were late."""
    if state.status is Status.in_review:
        passed = state.stages[:state.stage_index]
    else:
        passed = state.stages if state.status in DECIDED else ()
    voted = any(v.user_id == user_id and v.version == state.version for v in state.votes)
    late = version == state.version and not voted and any(user_id in stage.approvers for stage in passed)
    if state.status is not Status.in_review:
        if late:
            raise StageMoved(state)
        raise InvalidTransition(f"The post is {state.status.value}, not waiting for a decision.",
                                current_version=state.version, status=state.status.value)
    if version != state.version:
        raise Conflict("This decision is about an older version; the post has changed since.",
                       current_version=state.version)
    stage = state.current_stage
    if user_id not in stage.approvers:
        if late:
            raise StageMoved(state)
        raise Forbidden("You are not an approver of the current stage.")
    if user_id in state.authors and not authors_may_approve:
        raise Forbidden("You wrote a version of this text in this round, so you cannot approve it in this brand.")
    if user_id in {v.user_id for v in state.votes if v.stage == state.stage_index}:
        raise Conflict("You have already decided on this stage.", current_version=state.version)
    vote = Vote(user_id=user_id, decision=decision, version=version, stage=state.stage_index)
    state = replace(state, votes=state.votes + (vote,))
    if decision is Decision.request_changes:
        return Outcome(replace(state, status=Status.changes_requested), ("changes_requested",))
    if decision is Decision.reject:
        return Outcome(replace(state, status=Status.rejected), ("rejected",))
    required = set(stage.approvers) - (set(state.authors) if not authors_may_approve else set())
    stage_done = stage.rule is Rule.any or required <= state.approvals_in_stage()
    if not stage_done:
        return Outcome(state, ("vote_recorded",))
    if state.stage_index + 1 < len(state.stages):
        nxt = state.stage_index + 1
        return Outcome(replace(state, stage_index=nxt), (f"stage_started:{nxt}",))
    done = _finish_approval(state)
    return Outcome(done, ("approved", *(("scheduled",) if done.status is Status.scheduled else ())))


def edit(state: PostState, *, content_changed: bool, has_publish_time: bool, editor: str | None = None) -> Outcome:
    """A saved edit. New content = new version (written by `editor`, who joins the round's authors);
    a post past drafting goes back to the first stage."""
    if state.status not in EDITABLE:
        raise InvalidTransition(f"A post that is {state.status.value} cannot be edited.")
    if content_changed and editor:
        state = replace(state, version_author=editor, round_authors=state.round_authors | {editor})
    if not content_changed:
        state = replace(state, has_publish_time=has_publish_time)
        if state.status in (Status.approved, Status.scheduled):  # only the time moved (or was cleared)
            state = replace(state, status=Status.scheduled if has_publish_time else Status.approved)
        return Outcome(state, ())
    new = replace(state, version=state.version + 1, has_publish_time=has_publish_time, votes=())
    if state.status in REAPPROVE_ON_EDIT and state.stages:
        return Outcome(replace(new, status=Status.in_review, stage_index=0), ("reapproval:0",))
    if state.status in REAPPROVE_ON_EDIT:  # approved without a chain: the new text needs a new submit
        return Outcome(replace(new, status=Status.draft, stage_index=0), ("back_to_draft",))
    if state.status is Status.rejected:
        return Outcome(replace(new, status=Status.draft, stages=(), stage_index=0), ())
    return Outcome(new, ())


def set_hold(state: PostState, hold: bool) -> Outcome:
    if state.status is Status.archived:
        raise InvalidTransition("An archived post cannot be held or released.")
    if state.hold == hold:
        return Outcome(state, ())
    return Outcome(replace(state, hold=hold), ("held" if hold else "released",))


def archive(state: PostState) -> Outcome:
    if state.status not in ARCHIVABLE:
        raise InvalidTransition(f"A post that is {state.status.value} cannot be archived.")
    return Outcome(replace(state, status=Status.archived), ("archived",))


def publishable(state: PostState) -> bool:
    """Approved on its current version, not on hold (the publishing issue builds on this)."""
    return state.status is Status.scheduled and not state.hold and all(
        v.version == state.version for v in state.votes)
