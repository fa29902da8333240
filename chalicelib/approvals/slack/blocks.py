"""Block Kit for the approval loop, built as plain dicts (no I/O): the request message, the message
after a decision, the "request changes" modal. Every text is translated for the reader; user
content is escaped for mrkdwn. Slack's limits are respected (section text 3000, button 75, header 150).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.i18n import translate
from chalicelib.core.slack_text import escape as esc  # the one mrkdwn escape (service.py uses blocks.esc)

ACTION_APPROVE = "gl_approve"
ACTION_CHANGES = "gl_request_changes"
ACTION_OPEN = "gl_open"
ACTION_ANSWER = "gl_answer"  # a channel message: ask Greenlight for my own buttons
ACTIONS_BLOCK = "gl_actions"
MODAL_CALLBACK = "gl_changes_modal"
COMMENT_BLOCK = "gl_comment"
COMMENT_ACTION = "comment"
OUTCOME_BLOCK = "gl_outcome"
PREVIEW_CHARS = 2500


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int = 75) -> dict:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(mrkdwn, 3000)}}


@dataclass
class RequestMessage:
    """What an approval request shows (already in the reader's zone)."""

    language: str
    kind: str  # ask | remind
    brand: str
    title: str
    stage: str
    stage_number: int
    stage_count: int
    version: int
    author: str
    channels: list = field(default_factory=list)  # [(channel name, platform, text as published)]
    publish_time: str = ""
    deadline: str = ""
    approve_value: str = ""
    changes_value: str = ""
    open_url: str = ""
    anyone: bool = False  # channel message: any approver of the stage may answer
    answer_value: str = ""  # channel message: the shared token behind "Answer" (addressed to no one)


def request_blocks(m: RequestMessage) -> tuple[str, list[dict]]:
    """(fallback text for notifications, blocks)."""
    lang = m.language
    title = m.title or "—"
    header = translate("slack.request.header_remind", lang) if m.kind == "remind" else \
        translate("slack.request.header_ask", lang)
    fallback = translate("slack.request.fallback", lang, brand=esc(m.brand), title=esc(title))  # mrkdwn too
    facts = [
        translate("slack.request.brand", lang, brand=esc(m.brand)),
        translate("slack.request.stage", lang, stage=esc(m.stage), number=m.stage_number, count=m.stage_count),
        translate("slack.request.version", lang, version=m.version),
    ]
    if m.author:
        facts.append(translate("slack.request.author", lang, author=esc(m.author)))
    if m.channels:
        facts.append(translate("slack.request.channels", lang,
                               channels=esc(", ".join(f"{name} ({platform})" for name, platform, _ in m.channels))))
    facts.append(translate("slack.request.publish_time", lang, time=esc(m.publish_time)) if m.publish_time
                 else translate("slack.request.no_publish_time", lang))
    if m.deadline:
        facts.append(translate("slack.request.deadline", lang, time=esc(m.deadline)))
    blocks: list[dict] = [
        {"type": "header", "text": _plain(_cut(header, 150), 150)},
        _section(f"*{esc(title)}*\n" + "\n".join(facts)),
    ]
    previews = m.channels or [("", "", "")]
    seen: set[str] = set()
    budget = PREVIEW_CHARS
    for name, platform, text in previews[:5]:
        if text in seen or budget <= 0:
            continue
        seen.add(text)
        label = translate("slack.request.preview", lang) if len(set(t for *_, t in previews)) <= 1 else \
            translate("slack.request.preview_for", lang, channel=esc(name))
        body = _cut(text or "", budget)
        budget -= len(body)
        quoted = "\n".join("> " + line for line in esc(body).splitlines()) or "> —"
        blocks.append(_section(f"*{label}*\n{quoted}"))
    if m.anyone:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": translate("slack.request.anyone", lang)}]})
    open_button = {"type": "button", "action_id": ACTION_OPEN, "url": m.open_url,
                   "text": _plain(translate("slack.button.open", lang))}
    if m.anyone:  # a decision needs a token addressed to the person: "Answer" sends them their own buttons
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": [
            {"type": "button", "action_id": ACTION_ANSWER, "style": "primary", "value": m.answer_value,
             "text": _plain(translate("slack.button.answer", lang))}, open_button]})
        return fallback, blocks
    blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": [
        {"type": "button", "action_id": ACTION_APPROVE, "style": "primary", "value": m.approve_value,
         "text": _plain(translate("slack.button.approve", lang))},
        {"type": "button", "action_id": ACTION_CHANGES, "value": m.changes_value,
         "text": _plain(translate("slack.button.request_changes", lang))},
        open_button,
    ]})
    return fallback, blocks


def outcome_line(language: str, decision: str, name: str, version: int, comment: str | None = None) -> str:
    if decision == "approve":
        line = translate("slack.outcome.approved", language, name=esc(name), version=version)
    elif decision == "reject":
        line = translate("slack.outcome.rejected", language, name=esc(name), version=version)
    else:
        line = translate("slack.outcome.changes", language, name=esc(name), version=version)
    if comment:
        line += "\n" + "\n".join("> " + part for part in esc(_cut(comment, 1500)).splitlines())
    return line


def with_outcome(blocks: list | None, line: str, *, fallback_title: str = "") -> list[dict]:
    """The answered message with the decision line added (earlier outcome lines kept) and its buttons
    removed: a message's buttons are one person's, and that person has answered."""
    kept = [b for b in (blocks or []) if isinstance(b, dict) and b.get("type") != "actions"]
    if not kept and fallback_title:
        kept = [_section(f"*{esc(fallback_title)}*")]
    outcome = {"type": "section", "block_id": f"{OUTCOME_BLOCK}_{len(kept)}",
               "text": {"type": "mrkdwn", "text": _cut(line, 3000)}}
    return (kept + [outcome])[:50]


def changes_modal(language: str, private_metadata: str, title: str) -> dict:
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": private_metadata,
        "title": _plain(translate("slack.modal.title", language), 24),
        "submit": _plain(translate("slack.modal.submit", language), 24),
        "close": _plain(translate("slack.modal.close", language), 24),
        "blocks": [
            _section(translate("slack.modal.intro", language, title=esc(title or "—"))),
            {"type": "input", "block_id": COMMENT_BLOCK,
             "label": _plain(translate("slack.modal.comment_label", language), 2000),
             "element": {"type": "plain_text_input", "action_id": COMMENT_ACTION, "multiline": True,
                         "max_length": 3000,
                         "placeholder": _plain(translate("slack.modal.comment_placeholder", language), 150)}},
        ],
    }


def notice_modal(language: str, text: str) -> dict:
    """A modal that only says something (a refusal after the comment was sent)."""
    return {"type": "modal", "callback_id": "gl_notice",
            "title": _plain(translate("slack.modal.title", language), 24),
            "close": _plain(translate("slack.modal.close", language), 24),
            "blocks": [_section(text)]}
