"""Publication targets: one per post and channel, created and re-queued with the post (schedule_ops,
part of every post change's transaction), the post's status derived from them, and what people do
with targets that need them (retry, resolve, mark published). Rules in publishing/rules.py; keys in
publishing/repo.py; the `publish-due` sweep in publishing/sweep.py.
"""
from __future__ import annotations

import logging
import time as _time
from collections import defaultdict
from datetime import datetime

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.content.rules.channel_text import text_for_channel
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict, InvalidTransition, NotFound
from chalicelib.core.plain import plain
from chalicelib.identity.rules import Permission
from chalicelib.publishing import repo, rules
from chalicelib.publishing.models import TargetItem
from chalicelib.publishing.rules import TargetState

log = logging.getLogger(__name__)
JOB_ACTOR = Actor(None, "publish-due", "job")
# Targets that schedule_ops (re)queues when the post is scheduled: none of them has gone out.
REQUEUED_STATES = (TargetState.scheduled.value, TargetState.cancelled.value, TargetState.skipped.value)
# ... and these, when they are of an older version than the one now scheduled (nothing of them went out).
RETRIED_STATES = (TargetState.failed.value, TargetState.missed.value)

# --- targets follow the post ---------------------------------------------------------------------

def schedule_ops(post: PostItem, values: dict) -> list:
    """Operations for the post's transaction when, after `values`, it is scheduled and not on hold:
    create the targets it lacks, (re)queue the scheduled ones (and the cancelled or skipped ones, and
    the failed or missed ones of an older version: none went out) at the publish time and version, skip those whose channel left the post. A
    scheduled post that stops being scheduled cancels its waiting targets (cancel_ops). Nothing else
    when the post is not publishable (on hold: the claim refuses its targets until it is released)."""
    def new(name):
        return values[name] if name in values else getattr(post, name)

    if post.status == "scheduled" and (new("status") not in rules.PUBLICATION_STATUSES or not new("publish_at")):
        return cancel_ops(post)
    if new("status") != "scheduled" or new("hold") or not new("publish_at"):
        return []
    version, publish_at, channel_ids = int(new("version")), new("publish_at"), list(new("channel_ids") or [])
    approved = {"variants": plain(new("variants")) or {}, "body": new("body") or ""}
    title, media, links = new("title") or "", plain(new("media")) or [], list(new("links") or [])

    def text_for(channel_id: str) -> str:
        return text_for_channel(approved, channel_id)

    solo = len(channel_ids) == 1
    existing = {t.channel_id: t for t in repo.for_post(post.id)}
    now = iso(utcnow())
    ops = []
    for channel_id in channel_ids:
        target = existing.get(channel_id)
        tid = repo.target_id(post.id, channel_id)
        if target is None:
            channel = channel_repo.get(channel_id)
            item = TargetItem(f"POST#{post.id}", f"TARGET#{channel_id}", gsi2pk=repo.TARGETS.name,
                              gsi2sk=repo.TARGETS.key(publish_at, tid), id=tid, post_id=post.id,
                              brand_id=post.brand_id, channel_id=channel_id,
                              platform=channel.platform if channel else "manual", state="scheduled",
                              version=version, publish_at=publish_at, attempts=0, created_at=now, updated_at=now,
                              title=title, text=text_for(channel_id), media=media, links=links, solo=solo)
            ops.append(_put(item))
        elif target.state in REQUEUED_STATES or (target.state in RETRIED_STATES and int(target.version) < version):
            # scheduled: the new time/text; cancelled (an edit superseded it) or skipped (the channel left and
            # came back): nothing of it ever went out, so it is scheduled afresh at this version; failed or
            # missed on an older version: nothing went out either, and the new version is approved to go
            restart = [] if target.state == TargetState.scheduled.value else [
                TargetItem.state.set("scheduled"), TargetItem.window_start.remove(), TargetItem.lease_until.remove(),
                TargetItem.last_error.remove()]
            ops.append(_update(target, [*restart, TargetItem.version.set(version),
                                        TargetItem.publish_at.set(publish_at),
                                        TargetItem.title.set(title), TargetItem.text.set(text_for(channel_id)),
                                        TargetItem.media.set(media), TargetItem.links.set(links),
                                        TargetItem.solo.set(solo), *repo.TARGETS.enqueue(publish_at, tid),
                                        TargetItem.updated_at.set(now)],
                               (TargetItem.state == target.state) & (TargetItem.updated_at == target.updated_at)))
    for channel_id, target in existing.items():
        if channel_id not in channel_ids and target.state == TargetState.scheduled.value:
            ops.append(_update(target, [TargetItem.state.set("skipped"), *repo.TARGETS.dequeue(),
                                        TargetItem.updated_at.set(now)],
                               (TargetItem.state == "scheduled") & (TargetItem.updated_at == target.updated_at)))
    return ops


def settle_after_schedule(post: PostItem) -> None:
    """After a change that left the post scheduled: if none of its targets waits to go out (all published,
    unconfirmed …), the post would stay `scheduled` for ever; its status follows its targets instead."""
    if post is None or post.status != "scheduled" or post.hold:
        return
    states = [t.state for t in repo.for_post(post.id)]
    if states and not any(s in (TargetState.scheduled.value, TargetState.publishing.value) for s in states):
        refresh_post_status(post.id)


def cancel_ops(post: PostItem) -> list:
    """Operations for the post's transaction when a scheduled post stops being scheduled (its content
    edited into a new version that needs approval again, its publish time cleared, or archived): each
    target still waiting to go out is cancelled and leaves the queue, conditional on being exactly as
    read (still `scheduled`, not claimed meanwhile). If the publish-due job claimed one between the read
    and the write, the post's transaction is refused and the change is decided again on a fresh read
    (content/service.apply_change): the claimed target is then left alone — its claim checked that the
    post was approved on its version, so that version goes out exactly once — and a target publishing
    or published is never touched: while one of its targets is being sent (claimed, `publishing`) the change
    is refused with a Conflict ("try again in a minute"), so an edit never lands half-way through a
    send and the approved version goes out exactly once. (The claim, in turn, checks the post's status and version in its own
    transaction, so once the edit is written no old-version target can be claimed.) A cancelled
    target is scheduled afresh, at the new version, when the post is scheduled again."""
    now = iso(utcnow())
    targets = repo.for_post(post.id)
    if any(t.state == TargetState.publishing.value and not t.manual for t in targets):
        raise Conflict("This post is being published right now; try again in a minute.")
    ops = []
    for target in targets:
        if target.state != TargetState.scheduled.value:
            continue
        ops.append(_update(target, [TargetItem.state.set("cancelled"), *repo.TARGETS.dequeue(),
                                    TargetItem.lease_until.remove(), TargetItem.updated_at.set(now)],
                           (TargetItem.state == "scheduled") & (TargetItem.updated_at == target.updated_at)))
    return ops


def _put(item):
    return lambda tx: tx.save(item, condition=TargetItem.pk.does_not_exist())


def _update(target, actions, condition):
    return lambda tx: tx.update(target, actions, condition=condition)


# --- what goes out --------------------------------------------------------------------------------

def outgoing_for(target: TargetItem, channel=None):
    """What an adapter sends for a target: the text, title, media and links copied onto it when it was
    scheduled (older targets: from the approved version's snapshot) and the channel's address."""
    from chalicelib.publishing.channels.contract import Outgoing

    channel = channel or channel_repo.get(target.channel_id)
    if target.text is not None:
        content = {"title": target.title, "media": plain(target.media) or [], "links": list(target.links or [])}
        text = target.text
    else:
        snapshot = post_repo.get_version(target.post_id, int(target.version))
        content = plain(snapshot.content) if snapshot else {}
        text = text_for_channel(content, target.channel_id)
    return Outgoing(
        target_id=target.id, post_id=target.post_id, version=int(target.version), platform=target.platform,
        channel_name=channel.name if channel else "", external_id=channel.external_id if channel else None,
        handle=channel.handle if channel else None, credentials_ref=channel.credentials_ref if channel else None,
        title=content.get("title") or "", text=text or "", media=tuple(content.get("media") or ()),
        links=tuple(content.get("links") or ()), publish_at=target.publish_at, brand_id=target.brand_id,
        user_credentials_ref=getattr(channel, "user_credentials_ref", None) if channel else None)


# --- the post follows its targets -----------------------------------------------------------------

def refresh_post_status(post_id: str, *, post: PostItem | None = None, known: dict[str, str] | None = None) -> None:
    """Set the post's status from its targets (optimistic on the post's revision). A caller that
    holds the post as read and the state of every one of its channels (a one-channel post it just
    published) passes them, which saves two reads; on a race it reads again."""
    for _ in range(20):
        if post is None:
            post = post_repo.get(post_id, consistent=True)
        if post is None or post.status not in rules.PUBLICATION_STATUSES:
            return
        if known is not None and set(known) == set(post.channel_ids or []):
            states = list(known.values())
        else:
            states = [t.state for t in repo.for_post(post_id)]
        derived = rules.derive_post_status(states)
        if derived is None or derived == post.status:
            return
        try:
            post_repo.save(JOB_ACTOR, post, {"status": derived, "updated_at": iso(utcnow())},
                           Change(post.brand_id, "post", post.id, "publish:status", {"status": post.status},
                                  {"status": derived}, int(post.version)))
            return
        except WriteConflict:
            post, known = None, None
            _time.sleep(0.01)
    log.warning("the post's status could not be brought in line with its targets; the next change will",
                extra={"post": post_id})


# --- people acting on targets --------------------------------------------------------------------

def _target_for(principal, target_id: str) -> tuple[TargetItem, PostItem]:
    target = repo.get(target_id)
    if target is None:
        raise NotFound("No such publication target.")
    post = post_repo.get(target.post_id, consistent=True)
    if post is None:
        raise NotFound("No such publication target.")
    principal.require(post.brand_id, Permission.edit_posts, what="publication target")
    return target, post


def list_targets(principal, post_id: str) -> tuple[PostItem, list[TargetItem], dict]:
    post = post_repo.get(post_id)
    if post is None:
        raise NotFound("No such post.")
    principal.require(post.brand_id, Permission.view_posts, what="post")
    attempts = defaultdict(list)
    for item in repo.attempts(post_id):
        attempts[item.sk.split("#")[1]].append(item)
    return post, repo.for_post(post_id), attempts


def _person_change(principal, target: TargetItem, actions: list, condition, action: str, after: dict) -> None:
    try:
        transact(principal.actor, Change(target.brand_id, "post", target.post_id, action,
                                         {"state": target.state}, {"channel": target.channel_id, **after},
                                         int(target.version)),
                 lambda tx: tx.update(target, actions, condition=condition))
    except WriteConflict:
        raise Conflict("The target changed meanwhile; reload and try again.") from None
    refresh_post_status(target.post_id)


def is_current(target: TargetItem, post: PostItem) -> bool:
    """The target publishes the post as approved now: the same version, and the post in a publishing status."""
    return int(target.version) == int(post.version) and post.status in rules.PUBLICATION_STATUSES


def _require_current(target: TargetItem, post: PostItem) -> None:
    """Sending again is only for the version that is approved now (the claim would refuse any other)."""
    if not is_current(target, post):
        raise InvalidTransition(f"This publication is of version {int(target.version)}; the post has changed since "
                                f"(version {int(post.version)}, {post.status}), so it is not sent again.",
                                state=target.state, reason="superseded", current_version=int(post.version))


def _requeue_actions(target: TargetItem, now: datetime) -> list:
    return [TargetItem.state.set("scheduled"), TargetItem.window_start.set(iso(now)),
            *repo.TARGETS.enqueue(now, target.id), TargetItem.lease_until.remove(), TargetItem.updated_at.set(iso(now))]


def retry(principal, target_id: str) -> TargetItem:
    """Send a failed (or missed) target again now. Published targets are never re-sent."""
    target, post = _target_for(principal, target_id)
    if target.state not in (TargetState.failed.value, TargetState.missed.value):
        raise InvalidTransition(f"Only a failed or missed target can be retried; this one is {target.state}.",
                                state=target.state)
    if post.hold:
        raise InvalidTransition("The post is on hold; release it first.")
    _require_current(target, post)
    _person_change(principal, target, _requeue_actions(target, utcnow()), TargetItem.state == target.state,
                   "publish:retry", {})
    return repo.get(target_id)


def resolve(principal, target_id: str, outcome: str, url: str | None) -> TargetItem:
    """An unconfirmed target: a person checked the network. "published" (with the link) closes it;
    "resend" sends it again now."""
    target, post = _target_for(principal, target_id)
    if target.state != TargetState.unconfirmed.value:
        raise InvalidTransition(f"Only an unconfirmed target can be resolved; this one is {target.state}.",
                                state=target.state)
    now = utcnow()
    if outcome == "published":
        actions = [TargetItem.state.set("published"), TargetItem.published_at.set(iso(now)),
                   TargetItem.resolved_by.set(principal.user_id), TargetItem.updated_at.set(iso(now))]
        if url:
            actions.append(TargetItem.url.set(url))
        _person_change(principal, target, actions, TargetItem.state == "unconfirmed", "publish:resolved",
                       {"outcome": "published", "url": url})
        _tell_published(principal, target)
    else:
        if post.hold:
            raise InvalidTransition("The post is on hold; release it first.")
        _require_current(target, post)
        _person_change(principal, target, _requeue_actions(target, now) + [TargetItem.resolved_by.set(principal.user_id)],
                       TargetItem.state == "unconfirmed", "publish:resend", {"outcome": "resend"})
    return repo.get(target_id)


def mark_published(principal, target_id: str, url: str) -> TargetItem:
    """A manual target (a network without an adapter) was published by hand at `url`."""
    target, _post = _target_for(principal, target_id)
    if not (target.manual and target.state == TargetState.publishing.value):
        raise InvalidTransition("Only a target waiting to be published by hand can be marked published "
                                f"(this one is {target.state}).", state=target.state)
    now = utcnow()
    _person_change(principal, target, [TargetItem.state.set("published"), TargetItem.url.set(url),
                                       TargetItem.published_at.set(iso(now)),
                                       TargetItem.resolved_by.set(principal.user_id),
                                       TargetItem.updated_at.set(iso(now))],
                   (TargetItem.state == "publishing") & (TargetItem.manual == True),  # noqa: E712
                   "publish:marked_published", {"url": url})
    _tell_published(principal, target)
    return repo.get(target_id)


def _tell_published(principal, target: TargetItem) -> None:
    """A person marked a target published: the post's author and assignees hear of it like of any
    publication (queued: notifications/notice_queue.py; once the whole post is published), never the
    person who marked it."""
    from chalicelib.notifications import post_events

    post_events.after_outcome(target, "published", actor_id=principal.user_id)
