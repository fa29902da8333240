"""Acting on a signed approval token (email links `/a/<token>`, Slack buttons): look without
changing anything, decide once, or ask for a fresh link.

The decision goes through approvals/service.decide — the same rules as the web page — as the approver
the token names, on the version and stage it names, with a LinkUseItem in the same transaction.
Every outcome other than a recorded decision is an exception with a status code the pages show:

  AlreadyDecided 409  this approver already decided on that version and stage (shows who decided what)
  StaleVersion   409  the post changed since the approver was asked (the page shows the diff)
  NotWaiting     409  the post is no longer waiting for this approver (stage moved on, approved, …)
  ExpiredLink    410  (approvals/tokens.py) — a new link can be requested
  TamperedLink   400  (approvals/tokens.py)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.approvals.models import LinkUseItem
from chalicelib.approvals.tokens import ActionClaims
from chalicelib.brands import repo as brand_repo
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.content import repo as post_repo
from chalicelib.content.rules import diff
from chalicelib.content.rules import workflow as wf
from chalicelib.core.clock import parse_utc, utcnow
from chalicelib.core.db import throttle
from chalicelib.core.db.reads import get_item
from chalicelib.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from chalicelib.core.plain import plain
from chalicelib.identity import repo as user_repo

RENEW_EVERY = timedelta(minutes=10)  # "send me a new link" at most this often per approver and post


class AlreadyDecided(Conflict):
    code = "already_decided"

    def __init__(self, decisions: list):
        super().__init__("This link has already been used: a decision was recorded.")
        self.decisions = decisions


class StaleVersion(Conflict):
    code = "stale_version"

    def __init__(self, current_version: int):
        super().__init__("The post has changed since you were asked to approve it.", current_version=current_version)
        self.current_version = current_version


class NotWaiting(Conflict):
    code = "not_waiting"

    def __init__(self, status: str):
        super().__init__("This post is no longer waiting for your decision.", status=status)
        self.status = status


@dataclass
class ActionView:
    claims: ActionClaims
    post: object
    brand: object
    approver: object
    content: dict  # the content of the version the approver was asked about
    stage_name: str
    deadline: datetime | None
    asked_by: object | None  # the author
    decisions: list  # decisions on that version and stage
    state: str  # open | used | stale | not_waiting
    channels: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # stale: the diff from the asked version to the current one
    comments: list = field(default_factory=list)  # external comments only


def _load(claims: ActionClaims):
    post = post_repo.get(claims.post_id, consistent=True)
    approver = user_repo.get(claims.user_id) if claims.user_id else None
    if post is None or (claims.user_id and approver is None) or post.status == wf.Status.archived.value:
        raise NotFound("This post no longer exists.")
    return post, approver


def _stage_decisions(post_id: str, version: int, stage: int) -> list:
    return [d for d in post_repo.decisions(post_id) if int(d.version) == version and int(d.stage) == stage]


def _used(claims: ActionClaims, decisions: list) -> bool:
    if any(d.user_id == claims.user_id for d in decisions):
        return True
    from chalicelib.approvals.service import link_use_sk

    return get_item(LinkUseItem, f"POST#{claims.post_id}",
                    link_use_sk(claims.version, claims.stage, claims.user_id), consistent=True) is not None


def state_of(claims: ActionClaims, post, decisions: list) -> str:
    if claims.user_id and _used(claims, decisions):
        return "used"
    if int(post.version) != claims.version:
        return "stale"
    state = post_repo.state_of(post)
    if state.status is not wf.Status.in_review or state.stage_index != claims.stage:
        return "not_waiting"
    if claims.user_id and claims.user_id not in state.current_stage.approvers:
        return "not_waiting"
    return "open"


def inspect(claims: ActionClaims) -> ActionView:
    """Everything a link page shows. Reads only."""
    post, approver = _load(claims)
    decisions = _stage_decisions(post.id, claims.version, claims.stage)
    state = state_of(claims, post, decisions)
    snapshot = post_repo.get_version(post.id, claims.version)
    content = plain(snapshot.content) if snapshot else {}
    approval = post_repo.approval_of(post)
    stages = approval.get("stages") or []
    stage_name = stages[claims.stage]["name"] if claims.stage < len(stages) else ""
    channels = [c for c in (channel_repo.get(cid) for cid in content.get("channel_ids") or []) if c is not None]
    changes = []
    if state == "stale":
        current = post_repo.get_version(post.id, int(post.version))
        if snapshot and current:
            changes = diff.diff_versions(plain(snapshot.content), plain(current.content))
    comments = [c for c in post_repo.comments(post.id, None, 50).items if c.visibility == "external"]
    deadline = parse_utc(approval.get("deadline")) if int(approval.get("stage_index") or 0) == claims.stage else None
    return ActionView(claims=claims, post=post, brand=brand_repo.get(post.brand_id), approver=approver,
                      content=content, stage_name=stage_name, deadline=deadline,
                      asked_by=user_repo.get(post.author_id), decisions=decisions, state=state, channels=channels,
                      changes=changes, comments=comments)


def act(claims: ActionClaims, decision: str, comment: str | None, *, via: str, request_id: str | None = None):
    """Record the approver's decision once. Returns the post after the decision."""
    from pydantic import ValidationError

    from chalicelib.approvals import service as approvals
    from chalicelib.content.schemas import DecisionIn
    from chalicelib.identity.principal import Principal

    if claims.action != "open" and decision != claims.action:
        raise Forbidden("This link is for another answer; use the button for the answer you want.")
    if not claims.user_id:
        raise Forbidden("Say who you are: this request is not addressed to one person.")
    post, approver = _load(claims)
    decisions = _stage_decisions(post.id, claims.version, claims.stage)
    state = state_of(claims, post, decisions)
    if state == "used":
        raise AlreadyDecided(decisions)
    if state == "stale":
        raise StaleVersion(int(post.version))
    if state == "not_waiting":
        raise NotWaiting(post.status)
    try:
        data = DecisionIn(version=claims.version, decision=decision, comment=(comment or "").strip() or None)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ValidationFailed(message[:1].upper() + message[1:] + ".",
                               details=[{"field": "comment", "message": message}]) from None
    principal = Principal.from_user(approver, via=via, request_id=request_id)
    try:
        return approvals.decide(principal, post.id, data, via=via, stage=claims.stage, link_use=True)
    except InvalidTransition:
        fresh = post_repo.get(post.id, consistent=True)
        raise NotWaiting(fresh.status if fresh else "archived") from None
    except Conflict as exc:
        fresh = post_repo.get(post.id, consistent=True)
        if fresh is not None and int(fresh.version) != claims.version:
            raise StaleVersion(int(fresh.version)) from None
        raise AlreadyDecided(_stage_decisions(post.id, claims.version, claims.stage)) from exc


def request_new_link(claims: ActionClaims, now: datetime | None = None) -> bool:
    """Email the approver a fresh request for the post as it is now, if it still waits for them.
    True when a mail went out; False when there is nothing to ask or one was sent a moment ago."""
    now = now or utcnow()
    post, approver = _load(claims)
    state = post_repo.state_of(post)
    if approver is None or state.status is not wf.Status.in_review or claims.user_id not in state.waiting_for():
        return False
    if not throttle.first_in(f"renew#{post.id}#{approver.id}", RENEW_EVERY, now):
        return False
    from chalicelib.approvals import messages as approval_messages

    brand = brand_repo.get(post.brand_id)
    deadline = parse_utc(post_repo.approval_of(post).get("deadline"))
    return approval_messages.send_request_email(post, brand, approver, kind="ask", stage_index=state.stage_index,
                                                deadline=deadline, now=now)
