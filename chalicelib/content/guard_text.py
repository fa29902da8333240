"""The words for network-limit problems, guardrails and clashes, in the reader's language.

The rules (content/rules/limits.py, guardrails.py) give a code and its values; this turns them into a
sentence with `chalicelib.core.i18n` (keys `limits.*`, `guard.*` in core/i18n/<lang>/post_form.json),
numbers written the way the language writes them (4,096 / 4 096).
"""
from __future__ import annotations

from chalicelib.core import i18n


def number(value, language: str | None) -> str:
    if not isinstance(value, int):
        return str(value)
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if i18n.normalize(language) == "ru" else text


def limit_message(key: str, params: dict, language: str | None, channel: str | None = None) -> str:
    """`key` is a Problem's key (too_long, too_long_bytes, caption_too_long, …); params its `params`."""
    shown = {name: number(value, language) for name, value in params.items()}
    text = i18n.translate(f"limits.{key}", language, **shown)
    return f"{channel}: {text}" if channel else text


def detail_message(detail: dict, language: str | None) -> str:
    """One problem of a refused change (a ValidationFailed detail) in `language`: a network or media limit
    (its `key` and `params` → `limits.<key>`, the channel's name first), a guardrail (its `code` →
    `guard.<code>` with `params`); else the message the service gave ("" when none). The one translation
    of service problems the pages share (the post form, the calendar's move)."""
    key, code, params = detail.get("key"), detail.get("code"), detail.get("params")
    if key and isinstance(params, dict):
        try:
            return limit_message(key, params, language, detail.get("channel"))
        except (KeyError, IndexError, ValueError):
            pass
    if code and f"guard.{code}" in i18n.catalog(i18n.normalize(language)):
        try:
            return guard_message(code, params if isinstance(params, dict) else {}, language)
        except (KeyError, IndexError, ValueError):
            pass
    return str(detail.get("message") or "")


def summary(language: str | None) -> str:
    return i18n.translate("limits.summary", language)


def guard_message(code: str, params: dict, language: str | None) -> str:
    return i18n.translate(f"guard.{code}", language, **params)


def clash_message(clash, channel_name: str, wall: str, zone: str, language: str | None) -> str:
    title = clash.title or i18n.translate("post.untitled", language)
    return i18n.translate("guard.clash", language, channel=channel_name, title=title, post_id=clash.post_id,
                          wall=wall.replace("T", " "), zone=zone, minutes=clash.minutes)
