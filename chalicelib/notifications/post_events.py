"""Notices to a post's author and assignees when something happens to it: approved, changes
requested, rejected, scheduled (content/hooks.py events, plugged in by app.py) and published or
failed (publishing's outcomes: queued, delivered by the post-notices job). Never the person who caused
it, nobody who is no longer a member of the post's brand.

For each recipient, once: the NOTICE# mark and the activity item go in one conditional transaction
(activity_repo.record); only the call that wrote them sends the email and the Slack DM, each in the
recipient's language and zone and only where their preferences (rules.Preferences.wants) allow. A
retried hook or a second sweep finds the mark and sends nothing. A failing notice is logged and never
breaks the change that caused it.

    after_commit(change, post)                         content hook (in_transaction adds nothing)
    after_outcome(target, state, error, attempt)       publishing hook: published / failed / unconfirmed /
                                                       missed: queues the notice (notice_queue.py)
    deliver(item)                                      the post-notices job: tells people of a queued notice
"""
from __future__ import annotations

import logging

from chalicelib.core.plain import plain
from chalicelib.core.settings import get_settings

log = logging.getLogger(__name__)
FAILED_STATES = ("failed", "unconfirmed", "missed")
COMMENTED = {"changes_requested": "request_changes", "rejected": "reject"}  # kind -> the decision that says why


# --- the content hook ----------------------------------------------------------------------------

def in_transaction(change) -> list:
    return []


def _actor_of(change) -> str | None:
    """Who made the change: the door's user (content/hooks.PostChange.actor_id), else the last vote's."""
    actor = getattr(change, "actor_id", None)
    if actor:
        return actor
    votes = getattr(change.state, "votes", None) or ()
    return votes[-1].user_id if votes and set(change.events or ()) & {"approved", "changes_requested",
                                                                       "rejected", "scheduled"} else None


def _decision_comment(post, actor_id: str | None, kind: str) -> str | None:
    """The comment of the decision that made this notice (a post has a handful of decisions)."""
    from chalicelib.content import repo as post_repo

    for decision in reversed(post_repo.decisions(post.id)):
        if decision.user_id == actor_id and decision.decision == COMMENTED[kind] \
                and int(decision.version) == int(post.version):
            return (decision.comment or "").strip()[:500] or None
    return None


def after_commit(change, post) -> None:
    try:
        from chalicelib.notifications import rules

        kinds = rules.event_kinds(change.events, getattr(change.post, "status", None), post.status)
        if not kinds:
            return
        ref = f"v{int(post.version)}.r{int(change.post.revision or 0)}"
        actor_id = _actor_of(change)
        for kind in kinds:
            comment = _decision_comment(post, actor_id, kind) if kind in COMMENTED else None
            tell(post, kind, ref, actor_id=actor_id, brand=change.brand, comment=comment)
    except Exception:  # noqa: BLE001 - a notice never breaks the change
        log.exception("post notices failed", extra={"post": getattr(post, "id", None)})


# --- the publishing hook ------------------------------------------------------------------------

def after_outcome(target, state: str, error: str | None = None, attempt: int | None = None, *,
                  actor_id: str | None = None) -> None:
    """A target's send ended (published / failed / unconfirmed / missed): queue the notice (one write;
    the post-notices job delivers it, never the sweep's threads). `actor_id`: who caused it (marked
    published by hand), never told."""
    try:
        from chalicelib.notifications import notice_queue

        if state == "published":
            version = int(target.version)
            notice_queue.enqueue(target.post_id, "published", f"v{version}", version=version, actor_id=actor_id)
        elif state in FAILED_STATES:
            number = attempt if attempt is not None else int(getattr(target, "attempts", 0) or 0)
            notice_queue.enqueue(target.post_id, "failed", f"{target.id}.a{number}.{state}",
                                 version=int(target.version), target_id=target.id, channel_id=target.channel_id,
                                 target_state=state, error=error, actor_id=actor_id)
    except Exception:  # noqa: BLE001 - a notice never breaks the sweep
        log.exception("publishing notice could not be queued", extra={"target": getattr(target, "id", None)})


def deliver(item) -> None:
    """The post-notices job: tell people of one queued notice (notice_queue.run_due). A failed/unconfirmed/
    missed one tells at once (once per attempt); a published one tells when the whole post is published
    on that version (once per version). Raises only when the post could not be read (the lease runs out
    and the next run tries again)."""
    from chalicelib.brands.channels import repo as channel_repo
    from chalicelib.content import repo as post_repo

    post = post_repo.get(item.post_id, consistent=True)
    if post is None:
        return
    if item.kind == "published":
        if post.status == "published" and (item.version is None or int(post.version) == int(item.version)):
            tell(post, "published", item.ref, actor_id=item.actor_id)
        return
    channel = channel_repo.get(item.channel_id) if item.channel_id else None
    channel_name = channel.name if channel else item.channel_id
    tell(post, "failed", item.ref, actor_id=item.actor_id, channel=channel_name, error=item.error,
         target_state=item.target_state or "failed")
    alert_managers(post, item.ref, item.target_state or "failed", channel_name, item.error)


def alert_managers(post, ref: str, state: str, channel_name: str | None, error: str | None) -> list[str]:
    """The brand's SMM managers who are neither the post's author nor an assignee (those got their own
    notice) hear of a failed / unconfirmed / missed send by email and Slack, once each (a NOTICE# mark
    without an activity item). Returns who was alerted now."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.members import service as members
    from chalicelib.notifications import activity_repo, notices

    told_elsewhere = {post.author_id, *(post.assignee_ids or [])}
    people = [u for u in members.managers(post.brand_id) if u.id not in told_elsewhere]
    fresh = [u for u in people if activity_repo.mark_once(u.id, post.id, "alert", ref)]
    if not fresh:
        return []
    brand = brand_repo.get(post.brand_id)
    params = {"title": post.title or "—", "channel": channel_name or "—", "error": error or "—"}
    lines = [(f"publish_notice.{state}", params), (f"publish_notice.{state}_what_now", {})]
    for user in fresh:
        try:
            notices.email_notice(user, subject_key=f"email.publish_{state}.subject", lines=lines, post=post,
                                 brand=brand)
        except Exception:  # noqa: BLE001 - one person's alert must not stop the others
            log.warning("publishing alert email failed", extra={"user": user.id, "post": post.id})
    try:
        notices.slack_notice(brand, fresh, lambda user: notices.notice_text(user, lines, post), already=set())
    except Exception:  # noqa: BLE001
        log.exception("publishing alert in Slack failed", extra={"post": post.id})
    return [u.id for u in fresh]


# --- telling people ------------------------------------------------------------------------------

def _title(post) -> str:
    text = (post.title or post.body or "").strip()
    return text.splitlines()[0][:120] if text else "—"


def lines_for(user, kind: str, what: dict, zone: str) -> list[tuple[str, dict]]:
    """The notice's lines as (key, params) for one reader (times in their zone)."""
    from chalicelib.core import schedule

    params = {"title": what.get("title") or "—", "actor": what.get("actor_name") or "—",
              "channel": what.get("channel") or "—", "error": what.get("error") or "—"}
    if kind == "failed":
        state = what.get("target_state") or "failed"
        lines = [(f"publish_notice.{state}", params), (f"publish_notice.{state}_what_now", {})]
    elif kind == "scheduled":
        when = schedule.local_label(what.get("publish_at"), zone) if what.get("publish_at") else "—"
        lines = [("post_notice.scheduled", {**params, "when": when})]
    else:
        lines = [(f"post_notice.{kind}", params)]
    if what.get("comment"):
        lines.append(("post_notice.comment", {"comment": what["comment"]}))
    lines.append(("post_notice.why", {"link": f"{get_settings().PUBLIC_BASE_URL}/me"}))
    return lines


def tell(post, kind: str, ref: str, *, actor_id: str | None = None, brand=None, channel: str | None = None,
         error: str | None = None, target_state: str | None = None, comment: str | None = None) -> list[str]:
    """Tell the post's author and assignees (not the actor) about `kind`. Returns who was told now."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.identity import repo as user_repo
    from chalicelib.notifications import activity_repo, notices
    from chalicelib.notifications import rules as preferences

    wanted = preferences.recipients(post.author_id, list(post.assignee_ids or []), actor_id)
    if not wanted:
        return []
    people = user_repo.batch_get(list(dict.fromkeys([*wanted, *([actor_id] if actor_id else [])])))
    actor = people.get(actor_id) if actor_id else None
    brand = brand if brand is not None else brand_repo.get(post.brand_id)
    fallback_zone = (getattr(brand, "timezone", None) if brand is not None else None) or "UTC"
    what = {"title": _title(post), "actor_name": actor.name if actor is not None else None, "channel": channel,
            "error": error, "publish_at": post.publish_at if kind == "scheduled" else None,
            "target_state": target_state, "comment": comment}
    told: list[str] = []
    by_slack: list = []
    for user_id in wanted:
        user = people.get(user_id)
        if user is None or getattr(user, "status", "active") != "active":
            continue
        if post.brand_id not in (plain(getattr(user, "brands", None)) or {}) and not getattr(user, "is_admin", False):
            continue  # no longer on the brand's team: they may not see the post any more
        try:
            if not activity_repo.record(user_id, post.id, kind, ref, brand_id=post.brand_id, title=what["title"],
                                        actor_id=actor_id, actor_name=what["actor_name"], channel=channel,
                                        error=error, publish_at=what["publish_at"], comment=comment,
                                        target_state=target_state if kind == "failed" else None):
                continue  # told already (a retried hook, another sweep)
            told.append(user_id)
            prefs = preferences.of(user)
            zone = preferences.zone_of(user, fallback_zone)
            if prefs.wants(kind, "email"):
                subject = f"email.publish_{target_state}.subject" if kind == "failed" else f"post_notice.{kind}.subject"
                notices.email_notice(user, subject_key=subject, lines=lines_for(user, kind, what, zone), post=post,
                                     brand=brand)
            if prefs.wants(kind, "slack"):
                by_slack.append((user, zone))
        except Exception:  # noqa: BLE001 - one person's notice must not stop the others
            log.exception("post notice failed", extra={"post": post.id, "user": user_id, "kind": kind})
    if by_slack:
        zones = {user.id: zone for user, zone in by_slack}
        try:
            notices.slack_notice(brand, [user for user, _ in by_slack],
                                 lambda user: notices.notice_text(user, lines_for(user, kind, what, zones[user.id]),
                                                                  post), already=set())
        except Exception:  # noqa: BLE001
            log.exception("post notice in Slack failed", extra={"post": post.id, "kind": kind})
    return told
