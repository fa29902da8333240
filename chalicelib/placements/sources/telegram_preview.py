"""A post in a public Telegram channel, read from Telegram's public web preview (no API, no account).

URLs: https://t.me/<channel>/<id>, https://t.me/s/<channel>/<id>, telegram.me, with ?single, ?comment=…
etc. (the host of TELEGRAM_WEB_BASE_URL too: tests point it at a fake). A private channel's link
(t.me/c/<internal id>/<id>) cannot be read without an account (`is_private_link`: the source is "manual").

    parse_url(url) -> (channel, id) | None
    parse_message(html, url=None) -> Observed          pure: the widget page
    parse_stream(html, after_id, channel=None) -> datetime | None      pure: the channel's stream page
    fetch(url, *, next_post=True) -> Fetched

The widget, `<TELEGRAM_WEB_BASE_URL>/<channel>/<id>?embed=1`, holds one `.tgme_widget_message` with:
  data-post="<channel>/<id>"                   the account (channel name case-folded) and the canonical URL
  .tgme_widget_message_text                    the text or caption (<br> = line break); links in it are hrefs
                                               (hashtags are relative "?q=%23tag": made absolute)
  a.tgme_widget_message_link_preview[href]     the link preview's target (its text is the site's, not the post's)
  a.tgme_widget_message_inline_button[href]    URL buttons under the post
  .tgme_widget_message_date time[datetime]     the publication time (ISO with offset)
  .tgme_widget_message_views                   "980", "1.2K", "12.3M"
  .tgme_widget_message_meta                    "edited" as plain text next to the date (the author's signature,
                                               .tgme_widget_message_from_author, is not read for it)
  grouped_wrap / video_player / photo_wrap     format "album" / "video" / "photo"; none of them: "tg_post"
A deleted or unknown post is a 200 page whose bubble is `.tgme_widget_message_error` ("Post not found"),
read as found False, as is a 404. A 200 page with neither a message nor that error is FetchFailed
(Telegram changed its page, or something else answered): no verdict rather than a false "deleted".

For top_hours the channel's stream `<base>/s/<channel>?after=<id>` lists the messages after <id>, oldest
first; the earliest newer one (service messages such as "pinned a message" left out) gives
Observed.next_post_at. That second request failing only leaves next_post_at None.
"""
from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.sources import TELEGRAM_HOSTS, Fetched, FetchFailed
from chalicelib.placements.sources import html_text as H

CHANNEL = re.compile(r"^[A-Za-z0-9_]{3,64}$")
RESERVED = frozenset({"s", "c", "joinchat", "addstickers", "addemoji", "addlist", "share", "proxy", "socks",
                      "iv", "login", "setlanguage", "addtheme", "bg", "invoice", "contact", "boost", "m"})
_DATA_POST = re.compile(r"^([A-Za-z0-9_]+)/(\d+)$")
_EDITED = re.compile(r"\b(edited|изменено|ред\.)", re.IGNORECASE)
WHAT = "telegram preview"


def _parts(url: str):
    from chalicelib.placements.sources import _host, _telegram_base_netloc

    host, netloc = _host(url or "")
    if host not in TELEGRAM_HOSTS and not (netloc and netloc == _telegram_base_netloc()):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return [segment for segment in parts.path.split("/") if segment], parts


def is_private_link(url: str) -> bool:
    """t.me/c/<internal id>/<post>: a post of a private channel or group, which only members can read."""
    found = _parts(url)
    return bool(found and len(found[0]) >= 2 and found[0][0].casefold() == "c" and found[0][1].isdigit())


def parse_url(url: str) -> tuple[str, int] | None:
    """(channel, post id) of a link to a post in a public channel; None for anything else (a channel's
    page, an invite link, a private channel's post)."""
    found = _parts(url)
    if not found:
        return None
    segments, parts = found
    if segments and segments[0].casefold() == "s":
        segments = segments[1:]
    if len(segments) != 2:
        return None
    channel, number = segments
    if channel.casefold() in RESERVED or not CHANNEL.fullmatch(channel) or not number.isdigit():
        return None
    post_id = int(number)
    if not 0 < post_id < 2**31:
        return None
    return channel, post_id


def canonical(channel: str, post_id: int) -> str:
    return f"https://t.me/{channel}/{post_id}"


def _inside(node, class_name: str, stop) -> bool:
    """True when `node` sits inside an element of class `class_name` below `stop`."""
    current = node.parent
    while current is not None and current.mem_id != stop.mem_id:
        if class_name in (current.attributes.get("class") or "").split():
            return True
        current = current.parent
    return False


def _meta_edited(message) -> bool:
    from selectolax.lexbor import LexborHTMLParser

    meta = message.css_first(".tgme_widget_message_meta")
    if meta is None:
        return False
    copy = LexborHTMLParser(meta.html or "")
    for selector in (".tgme_widget_message_from_author", ".tgme_widget_message_date", ".tgme_widget_message_views"):
        for node in copy.css(selector):
            node.decompose()
    return bool(_EDITED.search(copy.body.text(deep=True, separator=" ") if copy.body else ""))


def _format(message) -> str:
    if message.css_first(".tgme_widget_message_grouped_wrap") is not None:
        return "album"
    if message.css_first(".tgme_widget_message_video_player, .tgme_widget_message_roundvideo_player") is not None:
        return "video"
    if message.css_first(".tgme_widget_message_photo_wrap") is not None:
        return "photo"
    return "tg_post"


def _post_of(message) -> tuple[str, int] | None:
    match = _DATA_POST.match((message.attributes.get("data-post") or "").strip())
    return (match.group(1), int(match.group(2))) if match else None


def parse_message(html: bytes | str, url: str | None = None) -> Observed:
    """What the widget page shows (see the module's docstring). `url`: the link that was asked for, used
    as Observed.url when the page does not say which post it is. Raises FetchFailed when the page holds
    neither a message nor Telegram's "not found"."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(H.decode(html) if isinstance(html, bytes) else html)
    asked = parse_url(url) if url else None
    fallback_url = canonical(*asked) if asked else (url or "")
    error = tree.css_first(".tgme_widget_message_error")
    message = tree.css_first(".tgme_widget_message[data-post]")
    if error is not None:
        said = (error.text(deep=True) or "").casefold()
        post = _post_of(message) if message is not None else None
        return Observed(found=False, url=canonical(*post) if post else fallback_url,
                        account=(post or asked or ("",))[0].casefold() or None, public="private" not in said)
    if message is None:
        raise FetchFailed(f"{WHAT}: the page holds no message (not Telegram's post widget)")
    post = _post_of(message)
    if post is None:
        raise FetchFailed(f"{WHAT}: the message has no data-post")
    channel, post_id = post
    link = canonical(channel, post_id)
    texts = [node for node in message.css(".tgme_widget_message_text")
             if not _inside(node, "tgme_widget_message_reply", message)
             and not _inside(node, "tgme_widget_message_link_preview", message)]
    text = "\n".join(t for t in (H.visible_text(node) for node in texts) if t)
    links = H.hrefs([*texts, *message.css("a.tgme_widget_message_link_preview"),
                     *message.css("a.tgme_widget_message_inline_button")], link)
    date = message.css_first(".tgme_widget_message_date time[datetime]") or message.css_first("time[datetime]")
    views_node = message.css_first(".tgme_widget_message_views")
    return Observed(
        found=True, url=link, account=channel.casefold(), format=_format(message),
        published_at=H.instant(date.attributes.get("datetime") if date is not None else None),
        text=text, links=links, views=H.count(views_node.text(deep=True)) if views_node is not None else None,
        edited=_meta_edited(message))


def parse_stream(html: bytes | str, after_id: int, channel: str | None = None):
    """The time of the earliest message newer than `after_id` on a channel's stream page (service
    messages left out; only `channel`'s messages when given); None when there is none."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(H.decode(html) if isinstance(html, bytes) else html)
    best = None
    for message in tree.css(".tgme_widget_message[data-post]"):
        if "service_message" in (message.attributes.get("class") or "").split():
            continue
        post = _post_of(message)
        if post is None or post[1] <= after_id or (channel and post[0].casefold() != channel.casefold()):
            continue
        date = message.css_first(".tgme_widget_message_date time[datetime]") or message.css_first("time[datetime]")
        moment = H.instant(date.attributes.get("datetime") if date is not None else None)
        if moment is not None and (best is None or post[1] < best[0]):
            best = (post[1], moment)
    return best[1] if best else None


def _base() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().TELEGRAM_WEB_BASE_URL


def next_post_at(channel: str, post_id: int):
    """The time of the channel's next newer post from its stream page; None when it cannot be read."""
    from chalicelib.placements.sources import http

    try:
        response = http.get(f"{_base()}/s/{channel}?after={post_id}", what=f"{WHAT} stream")
    except FetchFailed:
        return None
    if response.status_code != 200:
        return None
    return parse_stream(response.content, post_id, channel)


def fetch(url: str, *, next_post: bool = True) -> Fetched:
    """Read the post at `url` from the widget (and, with `next_post`, the time of the next newer post)."""
    from chalicelib.placements.sources import http

    found = parse_url(url)
    if found is None:
        raise FetchFailed(f"{WHAT}: the link does not point at a post in a public channel", permanent=True)
    channel, post_id = found
    requested = f"{_base()}/{channel}/{post_id}?embed=1"
    response = http.get(requested, what=WHAT)
    status = response.status_code
    if status in (404, 410):
        observed = Observed(found=False, url=canonical(channel, post_id), account=channel.casefold())
        return http.fetched(observed, response, requested)
    if status != 200:
        raise http.failure(response, WHAT)
    observed = parse_message(H.decode(response.content, response.headers.get("Content-Type")), url)
    if observed.found and next_post:
        observed = dataclasses.replace(observed, next_post_at=next_post_at(channel, post_id))
    return http.fetched(observed, response, requested)

