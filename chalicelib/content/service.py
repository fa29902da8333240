"""Posts: drafting, versions, the approval workflow, hold/archive, comments and history.

Every change reads the post, lets the pure rules (content/rules/workflow.py) decide, and writes the result
conditional on the post's revision; if someone else changed the post in between, it reads again
and re-decides (so 20 approvers deciding at once each land exactly once, on the state they saw).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.brands.service import get as get_brand
from chalicelib.content import guard_text, guards, hooks, repo
from chalicelib.content.models import CommentItem, PostItem, PostVersionItem
from chalicelib.content.rules import diff, limits
from chalicelib.content.rules import workflow as wf
from chalicelib.core import schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.pages import Page
from chalicelib.core.db.writes import Change, WriteConflict
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

CONTENT_FIELDS = ("title", "body", "channel_ids", "variants", "media", "links")  # what approvers sign off on
PLAN_FIELDS = ("content_type", "tags", "assignee_ids", "campaign_id", "due_at")  # planning, no re-approval
RETRIES = 40


@dataclass
class Step:
    """What one change of a post decided: the values to set (conditional on the revision read), the
    audit entry, the items it adds, and what the hooks need (the workflow state after it, its events,
    the brand)."""

    values: dict
    change: Change
    items: list = field(default_factory=list)
    state: wf.PostState | None = None
    events: tuple[str, ...] = ()
    brand: object | None = None


# --- reading -------------------------------------------------------------------------------------

def get(principal: Principal, post_id: str, *, consistent: bool = False) -> PostItem:
    post = repo.get(post_id, consistent=consistent)
    if post is None:
        raise NotFound("No such post.")
    principal.require(post.brand_id, Permission.view_posts, what="post")
    return post


def sees(principal: Principal, post) -> bool:
    """The team sees every post of its brand; a client approver only those they are or were asked
    to approve."""
    if principal.can(post.brand_id, Permission.view_posts):
        return True
    return principal.can(post.brand_id, Permission.view_asked_posts) and principal.user_id in repo.asked_of(post)


def require_on_post(principal: Principal, post, permission: Permission) -> None:
    """`permission` in the post's brand, on a post the person may see (else 404: ids do not leak)."""
    if not sees(principal, post):
        if principal.can(post.brand_id, Permission.view_asked_posts):
            raise NotFound("No such post.")  # a client approver: posts not put to them do not exist for them
        principal.require(post.brand_id, Permission.view_posts, what="post")  # 404 outside the brand, else 403
    principal.require(post.brand_id, permission, what="post")


def content_of(post) -> dict:
    return {
        "title": post.title or "", "body": post.body or "", "channel_ids": list(post.channel_ids or []),
        "variants": plain(post.variants) or {}, "media": plain(post.media) or [],
        "links": list(post.links or []),
    }


def list_posts(principal: Principal, query):
    principal.require(query.brand_id, Permission.view_posts)
    condition = None
    if query.status:
        condition = PostItem.status == query.status
    if query.channel_id:
        c = PostItem.channel_ids.contains(query.channel_id)
        condition = c if condition is None else condition & c
    if query.assignee_id:
        c = PostItem.assignee_ids.contains(query.assignee_id)
        condition = c if condition is None else condition & c
    start = _bound(query.from_)
    end = _bound(query.to)
    if start and end and start >= end:
        return Page(items=[], cursor=None)  # an empty range (DynamoDB refuses BETWEEN with bounds reversed)
    return repo.list_calendar(query.brand_id, start, end, query.cursor, query.limit, condition)


def _bound(text: str | None) -> str | None:
    """A range bound of the API (UTC date or date and time, validated by the schema) as stored."""
    if not text:
        return None
    return iso(parse_utc(text))


# --- validation of what a post refers to ---------------------------------------------------------

def _channels(brand_id: str, channel_ids: list[str]) -> list:
    found = []
    for index, channel_id in enumerate(channel_ids):
        channel = channel_repo.get(channel_id)
        if channel is None or channel.brand_id != brand_id:
            raise ValidationFailed("A channel of this post does not exist in the brand.",
                                   details=[{"field": f"channel_ids.{index}", "message": "unknown channel"}])
        found.append(channel)
    return found


def _check_assignees(brand_id: str, assignee_ids: list[str]) -> None:
    for index, user_id in enumerate(assignee_ids):
        if member_repo.get(brand_id, user_id) is None:
            raise ValidationFailed("An assignee is not a member of the brand.",
                                   details=[{"field": f"assignee_ids.{index}", "message": "not a member"}])


def _check_limits(content: dict, channels: list, brand_id: str | None = None, language: str | None = None,
                  known_keys=frozenset()) -> None:
    from chalicelib.media import service as media_service  # media: other brand's files, per-network types/sizes/counts

    problems = []
    variants = content.get("variants") or {}
    for channel_id in variants:
        if channel_id not in content["channel_ids"]:
            problems.append({"field": f"variants.{channel_id}", "message": "a variant for a channel the post does not target"})
    for channel in channels:
        variant = variants.get(channel.id)
        text = variant["body"] if variant else content["body"]
        where = f"variants.{channel.id}.body" if variant else "body"
        media = content.get("media") or []
        for problem in limits.check(text, channel.platform, has_media=bool(media), media_count=len(media),
                                    title=content.get("title") or None):
            if problem.code == "too_many_media":
                continue  # media_service.post_problems says it (translated, with the other media limits)
            problems.append({"field": where if problem.field in ("text", "body", "caption") else problem.field,
                             "message": guard_text.limit_message(problem.key or problem.code, problem.params,
                                                                 language, channel.name),
                             "code": problem.code, "limit": problem.limit, "actual": problem.actual,
                             "key": problem.key or problem.code, "params": problem.params, "channel": channel.name})
    # new uploads are probed in the store and their type/size/kind replaced by what is stored
    problems += media_service.post_problems(brand_id, content.get("media") or [], channels, known_keys)
    if problems:
        raise ValidationFailed(guard_text.summary(language), details=problems)


def _timing(brand, channels: list, wall: str | None, zone: str | None) -> tuple[dict, list[str]]:
    """publish_wall/timezone/publish_at (UTC) for storage, plus notices (DST adjustments)."""
    if not wall:
        return {"publish_wall": None, "timezone": zone, "publish_at": None}, []
    zone = guards.post_zone(zone, channels, brand)
    try:
        resolved = schedule.resolve(wall, zone)
    except ValueError as exc:
        raise ValidationFailed(str(exc), details=[{"field": "publish_at", "message": str(exc)}]) from None
    notices = [resolved.note] if resolved.note else []
    return {"publish_wall": resolved.wall, "timezone": resolved.zone, "publish_at": iso(resolved.utc)}, notices


def _plain_fields(data) -> dict:
    values = data.model_dump(mode="json", exclude_unset=True)
    if values.get("media"):  # each item whole, with its defaults (an unset alt is "", never missing)
        values["media"] = [m.model_dump(mode="json") for m in data.media]
    values.pop("version", None)
    values.pop("brand_id", None)
    return values


# --- create and edit -----------------------------------------------------------------------------

def create(principal: Principal, data) -> tuple[PostItem, list[str]]:
    post, snapshot, notices = _prepared(principal, data)
    change = _created(post)
    repo.create(principal.actor, post, snapshot, new_items=hooks.in_transaction(change))
    hooks.after_commit(change, post)
    return post, notices + _clash_notices(principal, post)


def _created(post: PostItem) -> hooks.PostChange:
    """A new post's change for the hooks: `post` is the post being made, the event `created`."""
    return hooks.PostChange(post, {}, events=("created",), now=utcnow())


def prepare_create(principal: Principal, data) -> tuple[PostItem, PostVersionItem, list[str]]:
    """Every check of a create, the hooks' included, nothing written (the CSV import checks all rows
    before writing any)."""
    post, snapshot, notices = _prepared(principal, data)
    hooks.in_transaction(_created(post))
    return post, snapshot, notices


def _prepared(principal: Principal, data) -> tuple[PostItem, PostVersionItem, list[str]]:
    principal.require(data.brand_id, Permission.edit_posts)
    brand = get_brand(principal, data.brand_id)
    channels = _channels(brand.id, data.channel_ids)
    _check_assignees(brand.id, data.assignee_ids)
    values = data.model_dump(mode="json")
    content = {k: values[k] for k in CONTENT_FIELDS}
    _check_limits(content, channels, brand.id, principal.language)
    timing, notices = guards.plan_time(_timing, brand, channels, data.publish_at, data.timezone,
                                       publish_now=data.publish_now, language=principal.language)
    post_id, now = new_id(), iso(utcnow())
    content_hash = diff.content_hash(content)
    post = PostItem(*repo.post_key(post_id), gsi1pk=repo.calendar_pk(brand.id),
                    gsi1sk=repo.calendar_sk(timing["publish_at"], post_id), id=post_id, brand_id=brand.id,
                    author_id=principal.user_id, status=wf.Status.draft.value, hold=False, version=1,
                    content_hash=content_hash, approval={}, created_at=now, updated_at=now,
                    **content, **{k: values[k] for k in PLAN_FIELDS}, **timing)
    snapshot = PostVersionItem(f"POST#{post_id}", repo.version_sk(1), post_id=post_id, version=1, content=content,
                               content_hash=content_hash, author_id=principal.user_id, created_at=now)
    return post, snapshot, notices


def update(principal: Principal, post_id: str, data, if_match: int | None, *,
           dry_run: bool = False) -> tuple[PostItem, list[str]]:
    expected = data.version if data.version is not None else if_match
    if expected is None:
        raise ValidationFailed("Say which version you edited: send it as 'version' or in the If-Match header.",
                               details=[{"field": "version", "message": "required"}])
    changes = _plain_fields(data)
    notices: list[str] = []

    def step(post):
        nonlocal notices
        principal.require(post.brand_id, Permission.edit_posts, what="post")
        if post.version != expected:
            raise Conflict("The post changed since you opened it.", current_version=post.version)
        brand = get_brand(principal, post.brand_id)
        content = content_of(post)
        content.update({k: v for k, v in changes.items() if k in CONTENT_FIELDS})
        channels = _channels(post.brand_id, content["channel_ids"])
        if "assignee_ids" in changes:
            _check_assignees(post.brand_id, changes["assignee_ids"])
        _check_limits(content, channels, post.brand_id, principal.language,
                      {m.get("key") for m in plain(post.media) or [] if isinstance(m, dict) and m.get("key")})
        wall = changes["publish_at"] if "publish_at" in changes else post.publish_wall
        zone = changes["timezone"] if "timezone" in changes else post.timezone
        if changes.get("publish_now"):
            wall = changes.get("publish_at")  # publish now replaces the stored time (a given one is refused)
        timing, notices = guards.plan_time(_timing, brand, channels, wall, zone,
                                           publish_now=changes.get("publish_now"), language=principal.language,
                                           previous=post.publish_at, was_now=bool(post.publish_now))
        new_hash = diff.content_hash(content)
        content_changed = new_hash != post.content_hash
        outcome = wf.edit(repo.state_of(post), content_changed=content_changed,
                          has_publish_time=bool(timing["publish_at"]), editor=principal.user_id)
        state = outcome.state
        values = {**{k: v for k, v in changes.items() if k in PLAN_FIELDS}, **timing,
                  "gsi1sk": repo.calendar_sk(timing["publish_at"], post.id),
                  "status": state.status.value, "version": state.version, "updated_at": iso(utcnow())}
        new_items = []
        previous = repo.approval_of(post)
        if content_changed:
            values.update(content)
            values["content_hash"] = new_hash
            values["approval"] = repo.approval_map(state, previous.get("chain_id"), previous)
            new_items.append(PostVersionItem(f"POST#{post.id}", repo.version_sk(state.version), post_id=post.id,
                                             version=state.version, content=content, content_hash=new_hash,
                                             author_id=principal.user_id, created_at=iso(utcnow())))
        elif state.status.value != post.status or state.status is wf.Status.in_review:
            values["approval"] = repo.approval_map(state, previous.get("chain_id"), previous)
        before, after = _audited(post, values, changes)
        change = Change(post.brand_id, "post", post.id, "update", before, after, state.version)
        return Step(values, change, new_items, state, outcome.events, brand)

    post = apply_change(principal, post_id, step, dry_run=dry_run)
    return post, notices if dry_run else notices + _clash_notices(principal, post)


def _clash_notices(principal: Principal, post) -> list[str]:
    """Other posts on the same channel too close to this one (guardrails): said, never refused."""
    brand = get_brand(principal, post.brand_id)
    return guards.clash_notices(post, brand, _channels(post.brand_id, list(post.channel_ids or [])),
                                principal.language)


def _attr(name: str) -> str:
    """The stored attribute behind a field of the API (publish_at is the wall time a person gave)."""
    return "publish_wall" if name == "publish_at" else name


def _audited(post, values: dict, changes: dict) -> tuple[dict, dict]:
    """The audit entry of an edit: each field the edit changed (and the status) with its real value
    before and after, as the API takes it (publish_at as the local wall time)."""
    before, after = {}, {}
    for name in [k for k in changes if k in values or _attr(k) in values] + ["status"]:
        old, new = plain(getattr(post, _attr(name))), plain(values.get(_attr(name), values.get(name)))
        if old != new or name == "status":
            before[name], after[name] = old, new
    return before, after


# --- hold, archive, and the write every change goes through --------------------------------------

def set_hold(principal: Principal, post_id: str, hold: bool) -> PostItem:
    def step(post):
        require_on_post(principal, post, Permission.hold_posts)
        if not hold and post.hold and post.held_by != principal.user_id:
            if not principal.can(post.brand_id, Permission.release_posts):
                raise Forbidden("Only a manager may lift a hold someone else set.")
        state = wf.set_hold(repo.state_of(post), hold).state
        change = Change(post.brand_id, "post", post.id, "hold" if hold else "release", {"hold": post.hold},
                        {"hold": state.hold}, post.version)
        values = {"hold": state.hold, "updated_at": iso(utcnow())}
        if not state.hold and post.hold and state.status is wf.Status.scheduled:
            values.update(guards.now_on_approval(post, None, utcnow()))  # "publish now": when it can go out
        if state.hold != bool(post.hold):
            values["held_by"] = principal.user_id if state.hold else None
        return Step(values, change, state=state)

    return apply_change(principal, post_id, step)


def archive(principal: Principal, post_id: str) -> PostItem:
    def step(post):
        if post.author_id != principal.user_id:
            principal.require(post.brand_id, Permission.archive_posts, what="post")
        else:
            principal.require(post.brand_id, Permission.view_posts, what="post")
        outcome = wf.archive(repo.state_of(post))
        change = Change(post.brand_id, "post", post.id, "archive", {"status": post.status},
                        {"status": outcome.state.status.value}, post.version)
        values = {"status": outcome.state.status.value, "updated_at": iso(utcnow())}
        if post.status == wf.Status.in_review.value:  # it leaves review: out of the review index, no follow-ups
            previous = repo.approval_of(post)
            values["approval"] = repo.approval_map(outcome.state, previous.get("chain_id"), previous)
        return Step(values, change, state=outcome.state, events=outcome.events)

    return apply_change(principal, post_id, step)


def apply_change(principal: Principal, post_id: str, step, *, dry_run: bool = False) -> PostItem:
    """Read → decide (`step(post) -> Step`) → write conditional on the revision read, with what the
    plugged-in hooks add (content/hooks.py) in the same transaction; on a race, read again and decide
    again (so 20 approvers deciding at once each land exactly once, on the state they saw).
    dry_run: only decide (every check runs, the hooks' too), write nothing."""
    for attempt in range(RETRIES):
        post = repo.get(post_id, consistent=True)
        if post is None or (not principal.is_admin and post.brand_id not in principal.brands):
            raise NotFound("No such post.")
        decided = step(post)
        change = hooks.PostChange(post, decided.values, decided.state, decided.events, decided.brand, utcnow(),
                                   actor_id=principal.user_id)
        items = [*decided.items, *hooks.in_transaction(change)]  # the hooks check too (a 422 before any write)
        if dry_run:
            return post
        try:
            repo.save(principal.actor, post, decided.values, decided.change, new_items=items)
        except WriteConflict:
            time.sleep(random.uniform(0.005, 0.03) * min(attempt + 1, 5))
            continue
        saved = repo.get(post_id, consistent=True)
        hooks.after_commit(change, saved)
        return saved
    raise Conflict("Too many people are changing this post at once; try again.")


# --- comments, versions, history -----------------------------------------------------------------

def _sees_internal(principal: Principal, brand_id: str) -> bool:
    return principal.can(brand_id, Permission.comment_internal)


def add_comment(principal: Principal, post_id: str, text: str, visibility: str) -> CommentItem:
    post = repo.get(post_id)
    if post is None or (not principal.is_admin and post.brand_id not in principal.brands):
        raise NotFound("No such post.")
    permission = Permission.comment_internal if visibility == "internal" else Permission.comment_external
    require_on_post(principal, post, permission)
    comment_id = new_id()
    comment = CommentItem(f"POST#{post.id}", f"COMMENT#{comment_id}", id=comment_id, post_id=post.id,
                          author_id=principal.user_id, author_label=principal.name or principal.email,
                          visibility=visibility, text=text, version=post.version, at=iso(utcnow()))
    repo.add_comment(principal.actor, post.brand_id, comment)
    return comment


def list_comments(principal: Principal, post_id: str, cursor: str | None, limit: int | None):
    post = repo.get(post_id)
    if post is None or (not principal.is_admin and post.brand_id not in principal.brands):
        raise NotFound("No such post.")
    require_on_post(principal, post, Permission.comment_external)
    page = repo.comments(post_id, cursor, limit)
    if not _sees_internal(principal, post.brand_id):
        page.items = [c for c in page.items if c.visibility == "external"]
    return page


def version(principal: Principal, post_id: str, number: int) -> PostVersionItem:
    get(principal, post_id)
    item = repo.get_version(post_id, number)
    if item is None:
        raise NotFound("No such version of this post.")
    return item


def version_diff(principal: Principal, post_id: str, old: int, new: int) -> list:
    a, b = version(principal, post_id, old), version(principal, post_id, new)
    return diff.diff_versions(plain(a.content), plain(b.content))


def history(principal: Principal, post_id: str) -> dict:
    from chalicelib.audit import repo as audit_repo

    post = get(principal, post_id)
    entries = audit_repo.list_entries(post.brand_id, "post", post_id, None, 100).items
    return {"versions": repo.versions(post_id), "decisions": repo.decisions(post_id), "audit": entries}

