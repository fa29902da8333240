"""Telling people about publication targets: failed, unconfirmed and missed targets alert the post's
assignees and the brand's SMM managers (email, and Slack when the brand has it); a target on a
network without an adapter sends its assignees a task with the text and media to publish by hand.
A failing alert is logged and never stops the sweep.

The sweep itself no longer calls alert(): a failed, unconfirmed or missed send queues a notice
(notifications/notice_queue.py) and the post-notices job tells the author and assignees and alerts
the managers (notifications/post_events.deliver, alert_managers), off the sweep's threads. alert()
stays for a caller that must alert at once (and its Slack escaping is tested)."""
from __future__ import annotations

import logging

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.members import service as members
from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import notices
from chalicelib.publishing.models import TargetItem

log = logging.getLogger(__name__)


def _recipients(post: PostItem, *, authors_told_elsewhere: bool = False) -> list:
    people = {u.id: u for u in members.managers(post.brand_id)}
    if authors_told_elsewhere:  # the author and assignees get their own notice (notifications/post_events.py)
        for user_id in {post.author_id, *(post.assignee_ids or [])}:
            people.pop(user_id, None)
        return list(people.values())
    assignees = list(post.assignee_ids or []) or [post.author_id]
    people.update(user_repo.batch_get(assignees))
    return list(people.values())


def alert(target: TargetItem, state: str, error: str, *, authors_told_elsewhere: bool = False) -> None:
    """failed, unconfirmed, missed: email (and Slack) the post's assignees and the brand's SMM managers
    (authors_told_elsewhere: the managers only, who are neither the post's author nor an assignee)."""
    try:
        post = post_repo.get(target.post_id)
        if post is None:
            return
        brand = brand_repo.get(post.brand_id)
        channel = channel_repo.get(target.channel_id)
        params = {"title": post.title or "—", "channel": channel.name if channel else target.channel_id,
                  "error": error or "—"}
        lines = [(f"publish_notice.{state}", params), (f"publish_notice.{state}_what_now", {})]
        people = _recipients(post, authors_told_elsewhere=authors_told_elsewhere)
        for user in people:
            try:
                notices.email_notice(user, subject_key=f"email.publish_{state}.subject", lines=lines, post=post,
                                     brand=brand)
            except Exception:
                log.warning("publishing alert email failed", extra={"user": user.id, "target": target.id})
        notices.slack_notice(brand, people, lambda user: notices.notice_text(user, lines, post), already=set())
    except Exception:
        log.exception("publishing alert failed", extra={"target": target.id})


def manual_task(post: PostItem, target: TargetItem) -> None:
    """A network without an adapter: the assignees get the text and media to publish by hand."""
    from chalicelib.publishing.service import outgoing_for

    try:
        brand = brand_repo.get(post.brand_id)
        outgoing = outgoing_for(target)
        assignees = user_repo.batch_get(list(post.assignee_ids or []) or [post.author_id])
        from chalicelib.media.display import page_link  # uploaded files: a link to sign in and open them

        media = ", ".join(page_link(post.brand_id, m) for m in outgoing.media) or "—"
        lines = [("publish_notice.manual", {"title": post.title or "—", "channel": outgoing.channel_name}),
                 ("publish_notice.manual_text", {"text": outgoing.text}),
                 ("publish_notice.manual_media", {"media": media}),
                 ("publish_notice.manual_what_now", {})]
        for user in assignees.values():
            notices.email_notice(user, subject_key="email.publish_manual.subject", lines=lines, post=post,
                                 brand=brand)
    except Exception:
        log.exception("manual publishing task could not be sent", extra={"target": target.id})
