"""Telegram's public web pages (`t.me/<name>`): the one module that talks to them. A public channel's
page shows its subscriber count:

    <div class="tgme_page_extra">10 612 280 subscribers</div>        a channel (Russian: "подписчиков")
    <div class="tgme_page_extra">12 345 members, 102 online</div>     a public group ("участников")
    <div class="tgme_page_extra">@someone</div>                       a person: no count
    no tgme_page_extra at all                                         a free name, a bot, a private chat

Counts are grouped with spaces (also no-break and thin spaces) or commas, and may be rounded ("1.2K",
"1,2 тыс."). Anything without a count is not a public channel. Private channels and groups live behind
invite links (`t.me/+…`, `t.me/joinchat/…`), which a channel name (`^[A-Za-z0-9_]{5,32}$`) never is.

    channel_name(handle) -> "name" | None          the account's handle as a channel name, if it is one
    fetch(name) -> ChannelPage                      GET {TELEGRAM_WEB_BASE_URL}/{name} through the outbound
                                                    guard (one deadline, capped reply); raises Unreachable
                                                    (no answer, 5xx, 429 …) or NotPublic (404, no count)
    parse_page(html) -> ChannelPage | None          pure
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CHANNEL_NAME = re.compile(r"^[A-Za-z0-9_]{5,32}$")
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_COUNT = re.compile(
    r"^\s*(?P<number>\d[\d ,.]*?)\s*(?P<unit>[KkMmBb]|тыс\.?|млн\.?|млрд\.?)?\s+"
    r"(?P<kind>subscribers?|members?|подписчик\w*|участник\w*)(?:\W|$)", re.IGNORECASE)
_UNITS = {"k": 10**3, "тыс": 10**3, "m": 10**6, "млн": 10**6, "b": 10**9, "млрд": 10**9}
MAX_COUNT = 10**10


class Unreachable(Exception):
    """The page did not come: no connection, no complete answer in time, or an error status."""


class NotPublic(Exception):
    """Telegram answered, and the name is not a public channel (or group) with a count."""


@dataclass(frozen=True)
class ChannelPage:
    name: str
    title: str | None
    count: int
    kind: str  # subscribers (a channel) | members (a public group)
    approximate: bool  # the page showed a rounded count ("1.2K")


def channel_name(handle: str | None) -> str | None:
    name = (handle or "").strip().lstrip("@")
    return name if CHANNEL_NAME.fullmatch(name) else None


def read_count(text: str) -> tuple[int, str, bool] | None:
    """(count, kind, approximate) from the text of a tgme_page_extra; None if it shows no count."""
    match = _COUNT.match(_SPACES.sub(" ", text))
    if not match:
        return None
    number, unit = match.group("number").strip(), (match.group("unit") or "").lower().rstrip(".")
    kind = "members" if match.group("kind").lower().startswith(("member", "участник")) else "subscribers"
    try:
        if unit:
            value = int(Decimal(number.replace(" ", "").replace(",", ".")) * _UNITS[unit])
        else:
            value = int(re.sub(r"[ ,.]", "", number))
    except (InvalidOperation, ValueError, KeyError):
        return None
    if not 0 <= value <= MAX_COUNT:
        return None
    return value, kind, bool(unit)


def parse_page(html: bytes | str, name: str = "") -> ChannelPage | None:
    """The count on a t.me page, None when the page is not a public channel's or group's."""
    from selectolax.lexbor import LexborHTMLParser

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    tree = LexborHTMLParser(html)
    extra = tree.css_first(".tgme_page_extra")
    if extra is None:
        return None
    found = read_count(extra.text(deep=True, separator=" "))
    if found is None:
        return None
    title_node = tree.css_first(".tgme_page_title")
    title = _SPACES.sub(" ", title_node.text(deep=True, separator=" ")).strip() if title_node else None
    count, kind, approximate = found
    return ChannelPage(name=name, title=title or None, count=count, kind=kind, approximate=approximate)


def fetch(name: str) -> ChannelPage:
    """The public page of channel `name` (a checked CHANNEL_NAME) and the count on it."""
    if not CHANNEL_NAME.fullmatch(name or ""):
        raise NotPublic(name)
    from chalicelib.core.net import guard
    from chalicelib.core.net.outcomes import Ambiguous, Refused
    from chalicelib.core.settings import get_settings

    url = f"{get_settings().TELEGRAM_WEB_BASE_URL}/{name}"
    try:
        response = guard.get(url, what="telegram web", headers={"Accept": "text/html",
                                                                "Accept-Language": "en-US,en;q=0.9"})
    except (Refused, Ambiguous) as exc:
        raise Unreachable(str(exc)) from None
    if response.status_code == 404:
        raise NotPublic(name)
    if response.status_code != 200:
        raise Unreachable(f"telegram web: status {response.status_code}")
    page = parse_page(response.content, name)
    if page is None:
        raise NotPublic(name)
    return page
