"""Short notices to people, the same for every feature: a subject and a few translated lines about a
post (an approval overdue, a post held, a publication failed …), by email and as a Slack DM, each in
the recipient's language and only where their preferences allow. Also the Slack DM itself (`dm`),
which finds a person's Slack member id by email once and links it for next time.

    email_notice(user, subject_key=…, lines=[(key, params), …], post=…, brand=…) -> sent?
    slack_notice(brand, users, render, already=markers) -> markers sent ("slack:<user id>")
    notice_text(user, lines, post) -> the same lines as one Slack mrkdwn text, every value escaped

Slack being off for the brand, or no token configured, sends nothing and is not an error. A Slack
error for one person is logged (Slack's error code only) and does not stop the others.
"""
from __future__ import annotations

import logging

from chalicelib.core import i18n, slack_text
from chalicelib.core import mail as mailer
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Conflict
from chalicelib.core.rendering import render
from chalicelib.core.settings import get_settings
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import rules as preferences
from chalicelib.notifications import slack

log = logging.getLogger(__name__)
LOOKUP_ACTOR = Actor(None, "slack email lookup", "slack")


def marker(user) -> str:
    return f"slack:{user.id}"


def member_id(token: str, user) -> str | None:
    """The person's Slack member id: linked, else found by email (and linked, with its workspace, for
    next time). A link made before team ids were kept learns its team here, from the same lookup."""
    linked = getattr(user, "slack_user_id", None)
    if linked:
        link = user_repo.slack_link(linked)
        if link is None or link.slack_team_id or not user.email:
            return linked
    if not user.email:
        return None
    found = slack.lookup_by_email(token, user.email)
    if not found:
        return linked  # a link made before team ids: kept as it is (its clicks need SLACK_TEAM_ID)
    member, team = found
    if linked and member != linked:
        return linked  # Slack has another member for the address now: the person re-links on /me
    try:
        user_repo.link_slack(LOOKUP_ACTOR, user, member, via="lookup", team_id=team)
    except Conflict:
        log.warning("Slack member found by email for user %s is linked to another user", user.id)
        return linked
    return member


def dm(token: str, user, text: str, message_blocks: list | None) -> bool:
    try:
        member = member_id(token, user)
        if not member:
            return False
        channel = slack.open_dm(token, member)
        slack.post_message(token, channel, text, message_blocks)
        return True
    except slack.SlackError as exc:
        log.warning("Slack %s failed for user %s: %s", exc.method, user.id, exc.code)
        return False


def slack_notice(brand, users: list, text_for, *, already: set[str]) -> set[str]:
    """DM each person text_for(user): translated mrkdwn whose values are already escaped
    (core/slack_text.py: notice_text, digest.slack_text do). brand None: the workspace token."""
    if brand is not None and slack.mode(brand) == "off":
        return set()
    token = slack.bot_token(brand)
    if not token:
        return set()
    sent: set[str] = set()
    for user in users:
        if marker(user) in already or not preferences.of(user).slack:
            continue
        try:
            text = text_for(user)
        except Exception:  # noqa: BLE001 - one person's text must not stop the others
            log.exception("Slack notice text failed for user %s", user.id)
            continue
        if text and dm(token, user, text, None):
            sent.add(marker(user))
    return sent


def email_notice(user, *, subject_key: str, lines: list[tuple[str, dict]], post=None, brand=None) -> bool:
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
    """The same notice as one Slack text (mrkdwn): the values (titles, names, errors …) escaped before
    they go into the translated lines, then the post's link."""
    language = i18n.normalize(user.language)
    text = "\n".join(slack_text.translate(key, language, **params) for key, params in lines)
    if post is not None:
        text += "\n" + slack_text.link(f"{get_settings().PUBLIC_BASE_URL}/posts/{post.id}")
    return text
