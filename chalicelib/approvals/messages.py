"""The emails of the approval loop: the request (and its reminders) to an approver, and notices
(deadline missed, post held, post moved) to managers and authors. Slack versions are built by
approvals/slack/service.py. Every text is in the recipient's language, times in their zone.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.approvals import tokens as action_tokens
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.content import repo as post_repo
from chalicelib.content.rules import channel_text
from chalicelib.core import i18n, schedule
from chalicelib.core import mail as mailer
from chalicelib.core.plain import plain
from chalicelib.core.rendering import render
from chalicelib.core.settings import get_settings
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import rules as preferences


def request_links(post, user_id: str, stage_index: int, deadline: datetime | None, now: datetime) -> dict[str, str]:
    expires = action_tokens.expiry_for(deadline, now, get_settings().LINK_TTL_HOURS)
    return {action: action_tokens.url(action_tokens.make(post.id, int(post.version), stage_index, user_id, action,
                                                         expires))
            for action in ("approve", "request_changes", "open")} | {"expires": expires}


def send_request_email(post, brand, user, *, kind: str, stage_index: int, deadline: datetime | None,
                       now: datetime) -> bool:
    """The approval request (kind "ask") or a reminder (kind "remind") to one approver."""
    if not preferences.of(user).email:
        return False
    language = i18n.normalize(user.language)
    zone = preferences.zone_of(user, brand.timezone)
    snapshot = post_repo.get_version(post.id, int(post.version))
    content = plain(snapshot.content) if snapshot else {}
    channels = [c for c in (channel_repo.get(cid) for cid in content.get("channel_ids") or []) if c is not None]
    links = request_links(post, user.id, stage_index, deadline, now)
    approval = post_repo.approval_of(post)
    stages = approval.get("stages") or []
    author = user_repo.get(post.author_id)
    params = dict(
        name=user.name, brand=brand.name, title=content.get("title") or post.title or "",
        kind=kind, stage=stages[stage_index]["name"] if stage_index < len(stages) else "",
        stage_number=stage_index + 1, stage_count=len(stages), version=int(post.version),
        author=(author.name if author else ""), channels=channels,
        texts=channel_text.texts_as_published(content, channels), media=content.get("media") or [],
        links_out=content.get("links") or [],
        publish_time=schedule.local_label(post.publish_at, zone) if post.publish_at else "",
        deadline=schedule.local_label(deadline, zone) if deadline else "",
        expires=schedule.local_label(links["expires"], zone), approve_link=links["approve"],
        changes_link=links["request_changes"], open_link=links["open"],
    )
    subject_key = "email.approval_request.subject" if kind == "ask" else "email.approval_reminder.subject"
    subject = i18n.translate(subject_key, language, brand=brand.name, title=params["title"] or "—")
    mailer.send(mailer.OutgoingEmail(
        to=user.email, subject=subject,
        text=render("email/approval_request.txt", language, subject=subject, **params),
        html=render("email/approval_request.html", language, subject=subject, **params),
        headers={"X-Greenlight-Post": post.id},
    ))
    return True
