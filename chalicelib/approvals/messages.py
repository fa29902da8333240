"""The emails of the approval loop: the request (and its reminders) to an approver, and notices
(deadline missed, post held, post moved) to managers and authors. Slack versions are built by
approvals/slack/service.py. Every text is in the recipient's language, times in their zone.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from chalicelib.core import i18n
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.content import repo as post_repo
from chalicelib.identity import repo as user_repo
from chalicelib.core.db.reads import plain
from chalicelib.core import schedule
from chalicelib.content.rules.channel_text import text_for_channel
from chalicelib.core import mail as mailer
from chalicelib.core.rendering import render
from chalicelib.approvals.links import tokens as action_tokens
from chalicelib.notifications import rules as preferences
from chalicelib.core.settings import get_settings

log = logging.getLogger(__name__)
PREVIEW_CHARS = 4000


@dataclass(frozen=True)
class ChannelText:
    channel: str
    platform: str
    text: str


def local_time(utc_text_or_dt, zone: str) -> str:
    """'2026-11-27 10:00 (Europe/Berlin)' for an instant, in a zone."""
    if utc_text_or_dt is None:
        return ""
    instant = utc_text_or_dt if isinstance(utc_text_or_dt, datetime) else \
        datetime.fromisoformat(str(utc_text_or_dt).replace("Z", "+00:00"))
    return f"{schedule.to_wall(instant, zone).replace('T', ' ')} ({zone})"


def texts_as_published(content: dict, channels: list) -> list[ChannelText]:
    """What goes out on each channel: its variant, else the common text."""
    return [ChannelText(channel.name, channel.platform, text_for_channel(content, channel.id)[:PREVIEW_CHARS])
            for channel in channels]


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
        texts=texts_as_published(content, channels), media=content.get("media") or [],
        links_out=content.get("links") or [],
        publish_time=local_time(post.publish_at, zone) if post.publish_at else "",
        deadline=local_time(deadline, zone) if deadline else "",
        expires=local_time(links["expires"], zone), approve_link=links["approve"],
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


def send_notice_email(user, *, subject_key: str, lines: list[tuple[str, dict]], post=None, brand=None) -> bool:
    """A short notice: a subject key and lines as (key, params), translated for the recipient."""
    if not preferences.of(user).email:
        return False
    language = i18n.normalize(user.language)
    title = (post.title or "") if post is not None else ""
    subject = i18n.translate(subject_key, language, brand=brand.name if brand else "", title=title or "—")
    texts = [i18n.translate(key, language, **params) for key, params in lines]
    link = f"{get_settings().PUBLIC_BASE_URL}/posts/{post.id}" if post is not None else ""
    mailer.send(mailer.OutgoingEmail(
        to=user.email, subject=subject,
        text=render("email/approval_notice.txt", language, subject=subject, name=user.name, lines=texts, link=link),
        html=render("email/approval_notice.html", language, subject=subject, name=user.name, lines=texts, link=link),
        headers={"X-Greenlight-Post": post.id} if post is not None else {},
    ))
    return True


def notice_text(user, lines: list[tuple[str, dict]], post=None) -> str:
    """The same notice as one plain text (Slack)."""
    language = i18n.normalize(user.language)
    text = "\n".join(i18n.translate(key, language, **params) for key, params in lines)
    if post is not None:
        text += f"\n{get_settings().PUBLIC_BASE_URL}/posts/{post.id}"
    return text
