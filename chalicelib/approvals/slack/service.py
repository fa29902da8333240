"""Approvals in Slack: the request (DM per approver, or one message in the brand's channel), notices,
and the answers that come back through `POST /slack/interactions`.

Sending (called by the reminder/notification engine):
  deliver_request(...)  Block Kit with Approve / Request changes (button values are signed action
                        tokens, approvals/tokens.py) and an Open link. Returns markers sent:
                        "slack:<user id>" per DM, "slack:channel" for a channel message.
(Short notices, the same for every feature, are notifications/notices.py.)
Slack being off for the brand, or no token configured, sends nothing and is not an error. A Slack
error for one person is logged (Slack's error code only) and does not stop the others.

Receiving (the route has verified Slack's signature already):
  handle(payload, brand_id=…)  block_actions (Approve; Request changes opens a modal) and
                        view_submission (the modal's comment). Decisions go through
                        approval_actions.act — the same service as the email link page — as the
                        Greenlight user linked to the Slack member who clicked, once the payload's
                        workspace (team id) is the app's and the member's link's (else 401).
                        A decision needs a token addressed to the person who clicked: a DM's buttons
                        work only for the person it was sent to; a channel message's "Answer" button
                        sends whichever approver of the stage pressed it their own buttons (ephemeral,
                        chat.postEphemeral in the brand's channel), and their answer is then announced in
                        that channel. The answered message changes only through its response_url.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime

from chalicelib.approvals import tokens as action_tokens
from chalicelib.approvals.slack import blocks
from chalicelib.brands import repo as brand_repo
from chalicelib.content import repo as post_repo
from chalicelib.content.rules import channel_text
from chalicelib.content.rules import workflow as wf
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import parse_utc, utcnow
from chalicelib.core.errors import BadRequest, DomainError, Forbidden, NotFound, Unauthenticated, ValidationFailed
from chalicelib.core.i18n import translate
from chalicelib.core.plain import plain
from chalicelib.core.settings import get_settings
from chalicelib.identity import repo as user_repo
from chalicelib.notifications import notices, slack
from chalicelib.notifications import rules as preferences

log = logging.getLogger(__name__)
CHANNEL_MARKER = "slack:channel"


# --- sending -----------------------------------------------------------------------------------

def _request_message(post, brand, *, language: str, zone: str, kind: str, stage_index: int,
                     deadline: datetime | None, user_id: str, now: datetime, facts) -> tuple[str, list]:
    content, channels, stages, author = facts
    expires = action_tokens.expiry_for(deadline, now, get_settings().LINK_TTL_HOURS)

    def token(action: str) -> str:
        return action_tokens.make(post.id, int(post.version), stage_index, user_id, action, expires)


    texts = channel_text.texts_as_published(content, channels)
    message = blocks.RequestMessage(
        language=language, kind=kind, brand=brand.name, title=content.get("title") or post.title or "",
        stage=stages[stage_index]["name"] if stage_index < len(stages) else "", stage_number=stage_index + 1,
        stage_count=len(stages), version=int(post.version), author=author.name if author else "",
        channels=[(t.channel, t.platform, t.text) for t in texts] or [("", "", content.get("body") or "")],
        publish_time=schedule.local_label(post.publish_at, zone) if post.publish_at else "",
        deadline=schedule.local_label(deadline, zone) if deadline else "",
        approve_value=token("approve") if user_id else "", changes_value=token("request_changes") if user_id else "",
        answer_value="" if user_id else token("open"), open_url=action_tokens.url(token("open")),
        anyone=not user_id)
    return blocks.request_blocks(message)


def _post_facts(post):
    """(content of the current version, its channels, the approval stages, the author): read once per call."""
    from chalicelib.brands.channels import repo as channel_repo

    snapshot = post_repo.get_version(post.id, int(post.version))
    content = plain(snapshot.content) if snapshot else {}
    channels = [c for c in (channel_repo.get(cid) for cid in content.get("channel_ids") or []) if c is not None]
    stages = post_repo.approval_of(post).get("stages") or []
    author = user_repo.get(post.author_id) if getattr(post, "author_id", None) else None
    return content, channels, stages, author


def deliver_request(post, brand, users: list, *, kind: str, stage_index: int, deadline: datetime | None,
                    already: set[str]) -> set[str]:
    """Ask (kind "ask") or remind (kind "remind") approvers in Slack. Returns the markers sent."""
    mode = slack.mode(brand)
    if mode == "off":
        return set()
    token = slack.bot_token(brand)
    if not token:
        return set()
    now = utcnow()
    facts = _post_facts(post)
    sent: set[str] = set()
    if mode == "channel":
        settings = plain(brand.settings) or {}
        channel_id = settings.get("slack_channel_id")
        if CHANNEL_MARKER in already or not channel_id:
            return sent
        text, message_blocks = _request_message(
            post, brand, language=i18n.normalize(settings.get("default_language")), zone=brand.timezone, kind=kind,
            stage_index=stage_index, deadline=deadline, user_id="", now=now, facts=facts)
        try:
            slack.post_message(token, channel_id, text, message_blocks)
            sent.add(CHANNEL_MARKER)
        except slack.SlackError as exc:
            log.warning("Slack %s failed for brand %s channel: %s", exc.method, brand.id, exc.code)
        return sent
    for user in users:
        if notices.marker(user) in already or not preferences.of(user).slack:
            continue
        text, message_blocks = _request_message(
            post, brand, language=i18n.normalize(user.language), zone=preferences.zone_of(user, brand.timezone),
            kind=kind, stage_index=stage_index, deadline=deadline, user_id=user.id, now=now, facts=facts)
        if notices.dm(token, user, text, message_blocks):
            sent.add(notices.marker(user))
    return sent


# --- receiving ---------------------------------------------------------------------------------

class NotLinked(Forbidden):
    code = "slack_not_linked"

    def __init__(self):
        super().__init__("This Slack account is not linked to a Greenlight user.")


class NotForYou(Forbidden):
    code = "slack_not_for_you"

    def __init__(self):
        super().__init__("This request was sent to another person.")


class WrongTeam(Unauthenticated):
    """A signed payload from a Slack workspace other than the app's, or than the clicker's link: 401."""

    code = "slack_wrong_team"

    def __init__(self):
        super().__init__("This request comes from another Slack workspace.")


class Shared(Exception):
    """A channel message's button (a token addressed to no one): never a decision by itself."""

    def __init__(self, claims, post):
        super().__init__("shared button")
        self.claims, self.post = claims, post


class WrongApp(Forbidden):
    code = "slack_wrong_app"

    def __init__(self):
        super().__init__("This post belongs to another brand's Slack app.")


@dataclasses.dataclass
class Clicked:
    slack_user: str
    user: object | None
    language: str
    channel: str | None
    ts: str | None
    response_url: str | None
    brand_id: str | None  # the endpoint's brand (its own Slack app) or None (workspace app)


def _text(value, limit: int = 4000) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _team_of(payload: dict) -> str | None:
    team = payload.get("team") if isinstance(payload.get("team"), dict) else {}
    user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
    return _text(team.get("id") or user.get("team_id"), 40)


def _who(slack_user: str, brand_id: str | None, channel, ts, response_url, team: str | None) -> Clicked:
    """The Greenlight user behind a Slack member, once the payload's workspace is the one the app is
    installed in (the brand's own app: its slack_team_id; the workspace app: SLACK_TEAM_ID) and the one
    the member was linked in. Nothing known to compare with, or any difference: WrongTeam (401)."""
    link = user_repo.slack_link(slack_user)
    brand = brand_repo.get(brand_id) if brand_id else None
    known = {t for t in (slack.team_id(brand), link.slack_team_id if link else None) if t}
    if link is not None or known:
        if not team or not known or any(t != team for t in known):
            log.warning("Slack payload refused: team does not match the app or the member's link")
            raise WrongTeam()
    user_id = link.user_id if link else None
    user = user_repo.get(user_id) if user_id else None
    if user is not None and user.status != "active":
        user = None  # a deactivated person acts on nothing
    language = i18n.normalize(user.language if user else get_settings().DEFAULT_LANGUAGE)
    return Clicked(slack_user, user, language, channel, ts, response_url, brand_id)


def _claims_for(value: str, who: Clicked):
    """(claims addressed to the clicking person, the post). A channel message's token (addressed to no
    one) raises Shared: it only ever gets the clicker their own buttons. Refusals are DomainErrors."""
    if who.user is None:
        raise NotLinked()
    claims = action_tokens.read(value or "", utcnow())
    post = post_repo.get(claims.post_id, consistent=True)
    if post is None:
        raise NotFound("This post no longer exists.")
    if who.brand_id and post.brand_id != who.brand_id:
        raise WrongApp()
    if not claims.user_id:
        raise Shared(claims, post)
    if claims.user_id != who.user.id:
        raise NotForYou()
    return claims, post


def _decided_by(decisions: list, language: str) -> str:
    parts = []
    for d in decisions[:5]:
        person = user_repo.get(d.user_id)
        name = person.name if person else d.user_label
        parts.append(blocks.outcome_line(language, d.decision, name, int(d.version)))
    return "\n".join(parts)


def refusal_text(exc: DomainError, language: str) -> str:
    from chalicelib.approvals.links.service import AlreadyDecided, NotWaiting, StaleVersion

    if isinstance(exc, NotLinked):
        return translate("slack.refused.not_linked", language, url=f"{get_settings().PUBLIC_BASE_URL}/me")
    if isinstance(exc, NotForYou):
        return translate("slack.refused.not_for_you", language)
    if isinstance(exc, WrongApp):
        return translate("slack.refused.wrong_app", language)
    if isinstance(exc, AlreadyDecided):
        who = _decided_by(exc.decisions, language)
        return translate("slack.refused.already_decided", language) + (f"\n{who}" if who else "")
    if isinstance(exc, StaleVersion):
        return translate("slack.refused.stale", language, version=exc.current_version)
    if isinstance(exc, NotWaiting):
        return translate("slack.refused.not_waiting", language)
    if isinstance(exc, action_tokens.ExpiredLink):
        return translate("slack.refused.expired", language)
    if isinstance(exc, action_tokens.TamperedLink):
        return translate("slack.refused.tampered", language)
    if isinstance(exc, Forbidden):
        return translate("slack.refused.forbidden", language)
    if isinstance(exc, NotFound):
        return translate("slack.refused.not_found", language)
    return translate("slack.refused.other", language, reason=blocks.esc(exc.message))


def _ephemeral(who: Clicked, text: str) -> None:
    if who.response_url:
        slack.respond(who.response_url, {"response_type": "ephemeral", "replace_original": False, "text": text})


def _update(post, who: Clicked, line: str, original_blocks: list | None) -> None:
    """Show the decision on the message that was answered, through its response_url (which can change
    that message only — never a channel and timestamp a payload names)."""
    new_blocks = blocks.with_outcome(original_blocks, line, fallback_title=post.title or "")
    if who.response_url:
        slack.respond(who.response_url, {"replace_original": True, "text": line.split("\n", 1)[0],
                                         "blocks": new_blocks})


def _send_own_buttons(shared: Shared, who: Clicked) -> None:
    """Someone pressed a channel message's button: if they are an approver the stage still waits for,
    send them the request with buttons addressed to them, as a message only they see in the brand's
    channel (chat.postEphemeral with the brand's bot token, never to a URL the payload names)."""
    from chalicelib.approvals.links.service import NotWaiting, StaleVersion

    post, claims = shared.post, shared.claims
    state = post_repo.state_of(post)
    if int(post.version) != claims.version:
        raise StaleVersion(int(post.version))
    if state.status is not wf.Status.in_review or state.stage_index != claims.stage:
        raise NotWaiting(post.status)
    if who.user.id not in state.current_stage.approvers:
        raise Forbidden("You are not an approver of this stage.")
    brand = brand_repo.get(post.brand_id)
    channel = (plain(brand.settings) or {}).get("slack_channel_id")
    token = slack.bot_token(brand)
    if not token or not channel or who.channel != channel:
        raise Forbidden("This request was not posted in this brand's Slack channel.")
    deadline = parse_utc(post_repo.approval_of(post).get("deadline"))
    text, message_blocks = _request_message(
        post, brand, language=who.language, zone=preferences.zone_of(who.user, brand.timezone), kind="ask",
        stage_index=claims.stage, deadline=deadline, user_id=who.user.id, now=utcnow(), facts=_post_facts(post))
    try:
        slack.post_ephemeral(token, channel, who.slack_user, text, message_blocks)
    except slack.SlackError as exc:
        log.warning("Slack chat.postEphemeral failed: %s", exc.code)


def _announce(post, line_for) -> None:
    """In channel mode, tell the brand's channel what an approver answered (a new message in the
    configured channel, in the brand's language)."""
    brand = brand_repo.get(post.brand_id)
    settings = plain(brand.settings) or {}
    channel, token = settings.get("slack_channel_id"), slack.bot_token(brand)
    if slack.mode(brand) != "channel" or not channel or not token:
        return
    language = i18n.normalize(settings.get("default_language"))
    title = blocks.esc(post.title or "—")
    try:
        slack.post_message(token, channel, f"*{title}*\n{line_for(language)}")
    except slack.SlackError as exc:
        log.warning("Slack channel notice failed: %s", exc.code)


def _block_actions(payload: dict, brand_id: str | None, request_id: str | None) -> dict | None:
    actions = payload.get("actions")
    user = payload.get("user")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict) or not isinstance(user, dict):
        raise BadRequest("block_actions without actions or user.")
    action = actions[0]
    action_id = action.get("action_id")
    if action_id not in (blocks.ACTION_APPROVE, blocks.ACTION_CHANGES, blocks.ACTION_ANSWER):
        return None  # the Open link button and anything else: nothing to do
    slack_user = _text(user.get("id"), 40)
    if not slack_user:
        raise BadRequest("block_actions without a user id.")
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    channel_obj = payload.get("channel") if isinstance(payload.get("channel"), dict) else {}
    who = _who(slack_user, brand_id, _text(container.get("channel_id") or channel_obj.get("id"), 40),
               _text(container.get("message_ts") or message.get("ts"), 40), _text(payload.get("response_url"), 2000),
               _team_of(payload))
    value = _text(action.get("value"), 2000) or ""
    original_blocks = message.get("blocks") if isinstance(message.get("blocks"), list) else None
    try:
        if action_id == blocks.ACTION_APPROVE:
            from chalicelib.approvals.links import service as approval_actions

            claims, _ = _claims_for(value, who)
            post = approval_actions.act(claims, "approve", None, via="slack", request_id=request_id)
            line = blocks.outcome_line(who.language, "approve", who.user.name, claims.version)
            _update(post, who, line, original_blocks)
            _announce(post, lambda language: blocks.outcome_line(language, "approve", who.user.name, claims.version))
            return None
        if action_id == blocks.ACTION_ANSWER:
            _claims_for(value, who)
            raise NotForYou()  # an Answer button always carries a shared token
        _open_changes_modal(payload, value, who)
    except Shared as shared:
        try:
            _send_own_buttons(shared, who)
        except DomainError as exc:
            _ephemeral(who, refusal_text(exc, who.language))
    except DomainError as exc:
        _ephemeral(who, refusal_text(exc, who.language))
    return None


def _open_changes_modal(payload: dict, value: str, who: Clicked) -> None:
    from chalicelib.approvals.links import service as approval_actions

    trigger = _text(payload.get("trigger_id"), 200)
    if not trigger:
        raise BadRequest("block_actions without a trigger_id.")
    claims, post = _claims_for(value, who)
    view = approval_actions.inspect(claims)  # ask for a comment only when the answer can still count
    if view.state == "used":
        raise approval_actions.AlreadyDecided(view.decisions)
    if view.state == "stale":
        raise approval_actions.StaleVersion(int(post.version))
    if view.state != "open":
        raise approval_actions.NotWaiting(post.status)
    where = {"t": value, "c": who.channel, "ts": who.ts}
    metadata = json.dumps({**where, "r": who.response_url}, separators=(",", ":"))
    if len(metadata) > 3000:
        metadata = json.dumps(where, separators=(",", ":"))
    token = slack.bot_token(brand_repo.get(post.brand_id))
    if not token:
        raise Forbidden("Slack is not configured for this brand.")
    try:
        slack.open_view(token, trigger, blocks.changes_modal(who.language, metadata, view.content.get("title") or
                                                             post.title or ""))
    except slack.SlackError as exc:
        log.warning("Slack views.open failed: %s", exc.code)
        _ephemeral(who, translate("slack.refused.modal_failed", who.language, url=action_tokens.url(value)))


def _view_submission(payload: dict, brand_id: str | None, request_id: str | None) -> dict | None:
    from chalicelib.approvals.links import service as approval_actions

    view = payload.get("view")
    user = payload.get("user")
    if not isinstance(view, dict) or not isinstance(user, dict) or not _text(user.get("id"), 40):
        raise BadRequest("view_submission without a view or user.")
    if view.get("callback_id") != blocks.MODAL_CALLBACK:
        return None
    try:
        meta = json.loads(view.get("private_metadata") or "")
        values = view["state"]["values"]
        comment = values[blocks.COMMENT_BLOCK][blocks.COMMENT_ACTION].get("value") or ""
        if not isinstance(meta, dict) or not isinstance(comment, str):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BadRequest("view_submission with an unexpected shape.") from None
    who = _who(user["id"], brand_id, _text(meta.get("c"), 40), _text(meta.get("ts"), 40), _text(meta.get("r"), 2000),
               _team_of(payload))
    if not comment.strip():
        return {"response_action": "errors",
                "errors": {blocks.COMMENT_BLOCK: translate("slack.modal.comment_required", who.language)}}
    value = _text(meta.get("t"), 2000) or ""
    try:
        claims, _ = _claims_for(value, who)
        post = approval_actions.act(claims, "request_changes", comment, via="slack", request_id=request_id)
    except Shared:  # a modal is opened only for addressed tokens; a forged one decides nothing
        return {"response_action": "update", "view": blocks.notice_modal(
            who.language, refusal_text(NotForYou(), who.language))}
    except ValidationFailed as exc:
        return {"response_action": "errors", "errors": {blocks.COMMENT_BLOCK: exc.message[:150]}}
    except DomainError as exc:
        return {"response_action": "update", "view": blocks.notice_modal(who.language, refusal_text(exc, who.language))}
    line = blocks.outcome_line(who.language, "request_changes", who.user.name, claims.version, comment)
    _update(post, who, line, None)
    _announce(post, lambda language: blocks.outcome_line(language, "request_changes", who.user.name, claims.version,
                                                         comment))
    return None


def handle(payload: dict, *, brand_id: str | None = None, request_id: str | None = None) -> dict | None:
    """One verified interaction payload. Returns the JSON body to answer with (None: empty 200).
    Malformed payloads raise BadRequest; refusals are told to the person in Slack, not raised."""
    if not isinstance(payload, dict):
        raise BadRequest("The payload is not a JSON object.")
    kind = payload.get("type")
    if kind == "block_actions":
        return _block_actions(payload, brand_id, request_id)
    if kind == "view_submission":
        return _view_submission(payload, brand_id, request_id)
    return None  # view_closed, shortcuts …: acknowledged, nothing to do


def signing_secret_for(brand_id: str | None) -> str | None:
    """The secret that signs requests to /slack/interactions[/<brand_id>]; NotFound for an unknown brand."""
    if brand_id is None:
        return slack.signing_secret(None)
    brand = brand_repo.get(brand_id)
    if brand is None:
        raise NotFound("No such brand.")
    return slack.signing_secret(brand)
