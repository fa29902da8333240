"""Presence rules: is the post on the contracted account, in the contracted format, public? Pure, no I/O.
(Whether it is there at all — `not_found` — is decided by evaluate.py before any of these.)

- `wrong_account` (fail): the account that published it differs from the contracted one. Both are
  brought to one form first: case ignored, "@" and "www." dropped, a t.me / vk.com address reduced to its
  account, VK's "club123" / "public123" / "event123" read as the owner id "-123" and "id123" as "123".
  They are compared only when they name the same kind of thing — two numeric ids, two hosts (with a dot)
  or two names — because a VK handle cannot be told from an owner id without asking VK, nor a YouTube
  channel from the host of the page: then the rule is not checked. Unknown observed account: not checked.
- `wrong_format` (fail): only when the page shows a format (observed.format is not None) and it is not
  one the contracted format accepts (FORMAT_ACCEPTS). The table, in words: a post ("post", or Telegram's
  "tg_post": the two are the same thing) is a post whatever it carries — text, a photo, an album or a
  video; a carousel is also shown as an album; a reel or a short may be shown simply as a video. Any
  other format accepts only itself.
- `not_public` (fail): the page says the post is not public (closed community, subscribers only).
"""
from __future__ import annotations

import re

from chalicelib.placements.rules.findings import Finding, fail
from chalicelib.placements.rules.observed import Observed

_POST = frozenset({"post", "tg_post", "photo", "album", "video", "carousel"})
FORMAT_ACCEPTS: dict[str, frozenset[str]] = {
    "post": _POST,
    "tg_post": _POST,
    "carousel": frozenset({"carousel", "album"}),
    "reel": frozenset({"reel", "video"}),
    "short": frozenset({"short", "video"}),
}
_ACCOUNT_HOSTS = ("t.me", "telegram.me", "vk.com", "m.vk.com")


def account_key(value: str | None) -> str:
    """An account in the one form accounts are compared in (see the module's docstring)."""
    text = (value or "").strip().casefold()
    text = re.sub(r"^[a-z]+://", "", text)
    if text.startswith("www."):
        text = text[4:]
    for host in _ACCOUNT_HOSTS:
        if text.startswith(host + "/"):
            segments = [part for part in text[len(host) + 1:].split("/") if part and part != "s"]
            text = segments[0].split("?")[0] if segments else ""
            break
    text = text.lstrip("@").rstrip("/")
    if match := re.fullmatch(r"(?:club|public|event)(\d+)", text):
        return f"-{match.group(1)}"
    if match := re.fullmatch(r"id(\d+)", text):
        return match.group(1)
    return text


def _kind(key: str) -> str:
    if re.fullmatch(r"-?\d+", key):
        return "id"
    return "host" if "." in key else "name"


def account_finding(expected_account: str, observed_account: str | None) -> Finding | None:
    want, seen = account_key(expected_account), account_key(observed_account)
    if not want or not seen or _kind(want) != _kind(seen) or want == seen:
        return None
    return fail("wrong_account", want, seen)


def format_accepted(contracted: str, observed: str) -> bool:
    """Does a post shown as `observed` count as the `contracted` format?"""
    contracted, observed = contracted.casefold(), observed.casefold()
    return observed == contracted or observed in FORMAT_ACCEPTS.get(contracted, ())


def presence_findings(expected, observed: Observed) -> list[Finding]:  # expected: evaluate.Expected (its caller)
    """wrong_account, wrong_format and not_public for a post that was found."""
    found = [account_finding(expected.account, observed.account)]
    if observed.format is not None and expected.format and not format_accepted(expected.format, observed.format):
        found.append(fail("wrong_format", expected.format, observed.format))
    if not observed.public:
        found.append(fail("not_public", "public", "not public"))
    return [finding for finding in found if finding]
