"""Text for Slack, pure: every value a person typed (a title, a name, a brand, a comment, an error
text, a stage) is escaped before it goes into mrkdwn or the `text` of chat.postMessage, so that
`<https://evil|Open in Greenlight>` or `<!channel>` in a title shows as typed instead of becoming a
link or a mention. Slack has three control characters: & < > (its docs: "Escaping text").

    escape(value) -> Mrkdwn                  & < > as &amp; &lt; &gt;  (None → "")
    link(url, label=None) -> Mrkdwn          <url|label>: the label escaped, the URL made harmless
    translate(key, language, **params)       a translation whose text values are escaped first, so the
                                             template's own mrkdwn (and a link() value) still works

Escape the values, never a finished text: a text already escaped (a `Mrkdwn`) is not escaped twice.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from chalicelib.core import i18n

_LINKABLE = re.compile(r"(?:https?://|mailto:)[^\s]", re.IGNORECASE)
_URL_UNSAFE = re.compile(r"[<>|\"\s\x00-\x1f\x7f]")


class Mrkdwn(str):
    """Text that is already safe for Slack's mrkdwn (escaped values, our own links)."""


def escape(value) -> Mrkdwn:
    """A value as literal text in mrkdwn: & < > become entities. Already safe text is left as it is."""
    if isinstance(value, Mrkdwn):
        return value
    text = "" if value is None else str(value)
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def safe_url(url) -> str | None:
    """The URL as it may stand inside <…> in mrkdwn, or None when it is not an http(s)/mailto URL.
    `<`, `>`, `|`, quotes, spaces and controls are percent-encoded (they would end the link or start a
    label), `&` becomes &amp; as Slack expects."""
    text = "" if url is None else str(url)
    if not _LINKABLE.match(text):
        return None
    text = _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), text)
    return text.replace("&", "&amp;")


def link(url, label=None) -> Mrkdwn:
    """Our own link: <url> or <url|label>, the label escaped (on one line). Not a linkable URL: the
    label (else the URL) as plain escaped text, never a link."""
    target = safe_url(url)
    if label is None or isinstance(label, Mrkdwn):
        shown = label
    else:
        shown = escape(str(label).replace("\r", " ").replace("\n", " "))
    if target is None:
        return shown if shown is not None else escape(url)
    return Mrkdwn(f"<{target}|{shown}>" if shown else f"<{target}>")


def escape_params(params: dict) -> dict:
    """Text values escaped (numbers and other values as they are, so format specs still apply)."""
    return {name: escape(value) if isinstance(value, str) else value for name, value in params.items()}


def translate(key: str, language: str | None = None, **params) -> Mrkdwn:
    """i18n.translate for Slack: the template is ours (its mrkdwn stays), the values are escaped."""
    return Mrkdwn(i18n.translate(key, language, **escape_params(params)))
