"""Who clicked a tracked link: is the request a person's click (counted) or a bot's, a link previewer's or a
prefetch (redirected, not counted), and the visitor's daily hash. Pure, no I/O.

Counted: a GET whose User-Agent is not empty and names none of the bots, previewers and HTTP libraries below
(Slackbot, TelegramBot, facebookexternalhit, Twitterbot, LinkedInBot, WhatsApp, Viber, Discordbot, vkShare,
curl, wget, python-requests …), nor any agent that calls itself a bot ("…bot;" or "…bot/<version>"), nor any
agent that carries a "+http(s)://" contact address (the crawlers' custom), and that the browser does not mark
as a prefetch or a preview (`Sec-Purpose`/`Purpose: prefetch`, `X-Purpose: preview`, `X-Moz: prefetch`).
HEAD is never counted. In-app browsers (Telegram's, Instagram's, VK's, Facebook's, Tumblr's) send a normal
browser's agent with their own mark: those are people, and counted; only the apps' previewers above are not.

The visitor: HMAC-SHA256 under the day's salt of "<ip>\\n<user agent>", the first 16 hex digits (64 bits:
a collision among a day's visitors of one link is practically impossible). The day's salt is 32 random bytes,
made by the day's first click (links/clicks.py) and kept in the table for about two days only (`expiry_of`: the
`ttl` by which DynamoDB deletes it, and the day's visitor marks with it): once it is gone nobody — we included —
can go from an address to that day's hash, or back. No IP address is ever stored.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

HASH_HEX = 16
KEEP_DAYS = 2  # a day's salt and visitor marks expire this long after the day began (UTC)

# Substrings of User-Agent headers (case-folded) that say "not a person clicking".
BOT_MARKERS = (
    # link previewers of messengers and social networks
    "slackbot", "slack-imgproxy", "telegrambot", "facebookexternalhit", "facebookcatalog", "facebot",
    "twitterbot", "linkedinbot", "whatsapp", "viber", "discordbot", "vkshare", "vk.com/dev/share",
    "skypeuripreview", "pinterestbot", "redditbot", "embedly", "iframely", "quora link preview", "mattermost-bot",
    "google-pagerenderer", "bitlybot", "yahoo ad monitoring",
    # search engines and crawlers
    "googlebot", "adsbot-google", "mediapartners-google", "google-inspectiontool", "bingbot", "bingpreview",
    "yandexbot", "yandex.com/bots", "mail.ru_bot", "duckduckbot", "baiduspider", "applebot", "petalbot",
    "semrushbot", "ahrefsbot", "mj12bot", "dotbot", "crawler", "spider", "headlesschrome", "lighthouse",
    # any agent that names itself a bot: "(compatible; SomeBot; …)", "SomeBot/1.0"
    "bot;", "bot/",
    # HTTP libraries and tools
    "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "httpie", "go-http-client",
    "okhttp", "java/", "apache-httpclient", "libwww-perl", "node-fetch", "axios/", "undici", "got (",
    "scrapy", "postmanruntime", "insomnia", "powershell", "wordpress", "ruby", "php/",
)
_MARKERS = tuple(marker.casefold() for marker in BOT_MARKERS)
_CONTACT = re.compile(r"\+https?://", re.I)
COUNTED_METHODS = ("GET",)
# Request headers by which browsers and apps mark a fetch that is not a click, and the words that say so.
PURPOSE_HEADERS = ("sec-purpose", "purpose", "x-purpose", "x-moz")
NOT_A_CLICK = ("prefetch", "prerender", "preview")


def is_bot(user_agent: str | None) -> bool:
    """True for an empty User-Agent and for any bot, link previewer or HTTP library."""
    agent = (user_agent or "").strip().casefold()
    if not agent:
        return True
    return any(marker in agent for marker in _MARKERS) or bool(_CONTACT.search(agent))


def is_prefetch(*purposes: str | None) -> bool:
    """The browser or app fetches the link ahead of (or instead of) a click: any of the values of the
    PURPOSE_HEADERS says prefetch, prerender or preview."""
    text = " ".join(p for p in purposes if p).casefold()
    return any(word in text for word in NOT_A_CLICK)


def purposes_of(headers) -> list[str | None]:
    """The values of the PURPOSE_HEADERS in `headers` (a case-insensitive mapping)."""
    return [headers.get(name) for name in PURPOSE_HEADERS]


def counts(method: str, user_agent: str | None, *purposes: str | None) -> bool:
    """Is this request a person's click: counted? `purposes`: the values of the PURPOSE_HEADERS."""
    return (method or "").upper() in COUNTED_METHODS and not is_bot(user_agent) and not is_prefetch(*purposes)


def visitor_hash(salt: bytes, ip: str | None, user_agent: str | None) -> str:
    """The visitor of a day: 16 hex digits, the same for the same address and agent under the same salt."""
    message = f"{ip or ''}\n{user_agent or ''}".encode("utf-8", "replace")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:HASH_HEX]


def expiry_of(day: str) -> int:
    """When a day's salt and visitor marks expire (epoch seconds): KEEP_DAYS after the UTC day (yyyy-mm-dd) began."""
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    return int((start + timedelta(days=KEEP_DAYS)).timestamp())
