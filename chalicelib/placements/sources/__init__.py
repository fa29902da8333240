"""Reading a placement where it was published: one module per outside system, all behind one entry point.

    source_for(url) -> "telegram" | "vk" | "manual" | "web"
        telegram   t.me / telegram.me (and the host of TELEGRAM_WEB_BASE_URL, which tests point at a fake);
                   a private channel's link (t.me/c/<internal id>/<post>) cannot be read: "manual"
        vk         vk.com / m.vk.com / vk.ru wall posts: /wall-123_45, ?w=wall-123_45 (other VK pages: "web")
        manual     instagram.com, tiktok.com, facebook.com, threads.net … : nothing public to read without a
                   login, so a person uploads evidence instead
        web        anything else: the page's visible text and its og:/article: meta
    fetch(url, *, platform=None, next_post=True) -> Fetched     raises FetchFailed / NotSupported
    problem(url) -> UrlProblem | None   why the URL cannot be a placement URL (a sentence with its kind),
                                        None when it can

Every request goes through the outbound guard (chalicelib.core.net.guard): Telegram pages and web pages
through `guarded_get` (one deadline, each redirect re-checked, 2 MB cap, no cookies, no proxy), the VK API
(a trusted base URL from settings) through `guard.post`. Nothing here decides what a finding is: the
sources fill an `Observed` (rules/observed.py), the rules judge it.

FetchFailed means "no verdict this time": no answer, a timeout, 5xx, 429, a page that is not what it
should be. The caller retries with back-off and, after three in a row, records `inconclusive` — never a
silent pass and never a false "deleted". Its `reason` never holds a URL (a URL may carry a token), only
hosts, statuses and exception type names; `permanent` says that retrying cannot help (a refused address,
a missing or rejected VK token).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from chalicelib.placements.rules.observed import Observed

__all__ = ["FetchFailed", "NotSupported", "Fetched", "UrlProblem", "source_for", "fetch", "problem", "MANUAL_HOSTS",
           "MANUAL_PLATFORMS", "TELEGRAM_HOSTS", "VK_HOSTS"]

TELEGRAM_HOSTS = ("t.me", "telegram.me", "telegram.dog")
VK_HOSTS = ("vk.com", "m.vk.com", "vk.ru", "m.vk.ru")
MANUAL_HOSTS = ("instagram.com", "instagr.am", "tiktok.com", "facebook.com", "fb.com", "fb.watch", "threads.net")
MANUAL_PLATFORMS = ("instagram", "tiktok", "facebook")  # an account's platform whose posts are never fetched
MAX_URL_LENGTH = 2048


class FetchFailed(Exception):
    """The source gave no usable answer this time (no answer, timeout, 5xx, 429, unparseable): retry later.
    `reason` names what failed without any URL; `permanent` is True when retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"FetchFailed({self.reason!r}, permanent={self.permanent!r})"


class NotSupported(Exception):
    """The URL cannot be read automatically (Instagram, TikTok, a private Telegram channel …): the check
    needs manual evidence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    observed: Observed
    raw: bytes  # the body exactly as fetched (HTML or JSON)
    content_type: str  # "text/html; charset=utf-8" / "application/json"
    http_status: int
    fetched_url: str  # what was actually requested (never with an access token in it)
    fetched_at: datetime  # aware UTC, when the answer was in


def _host(url: str) -> tuple[str, str]:
    """(host casefolded without "www.", netloc "host[:port]" casefolded) of an absolute URL; ("", "") if none."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").casefold().rstrip(".")
        port = parts.port
    except ValueError:
        return "", ""
    netloc = f"{host}:{port}" if port else host
    return host.removeprefix("www."), netloc


def _matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _telegram_base_netloc() -> str:
    from chalicelib.core.settings import get_settings

    return _host(get_settings().TELEGRAM_WEB_BASE_URL)[1]


def source_for(url: str) -> str:
    """Which source reads `url`: "telegram", "vk", "manual" or "web" (see the module's docstring)."""
    host, netloc = _host(url or "")
    if host in TELEGRAM_HOSTS or (netloc and netloc == _telegram_base_netloc()):
        from chalicelib.placements.sources.telegram_preview import is_private_link

        return "manual" if is_private_link(url) else "telegram"
    if host in VK_HOSTS:
        from chalicelib.placements.sources.vk_wall import parse_url as vk_post

        return "vk" if vk_post(url) else "web"
    if _matches(host, MANUAL_HOSTS):
        return "manual"
    return "web"


def fetch(url: str, *, platform: str | None = None, next_post: bool = True) -> Fetched:
    """Read the placement at `url` through its source. `platform` is the account's platform: one whose
    posts are never fetched (MANUAL_PLATFORMS) raises NotSupported whatever the URL. `next_post`
    (Telegram only): also read the channel's stream for the time of the next newer post
    (Observed.next_post_at, for top_hours); False saves that second request.
    Raises FetchFailed (no verdict this time) or NotSupported (needs manual evidence)."""
    source = source_for(url)
    if source == "manual" or (platform or "").casefold() in MANUAL_PLATFORMS:
        raise NotSupported("posts here cannot be read automatically; upload a screenshot or an export as evidence")
    if source == "telegram":
        from chalicelib.placements.sources import telegram_preview

        return telegram_preview.fetch(url, next_post=next_post)
    if source == "vk":
        from chalicelib.placements.sources import vk_wall

        return vk_wall.fetch(url)
    from chalicelib.placements.sources import web_page

    return web_page.fetch(url)


class UrlProblem(str):
    """Why a URL cannot be a placement URL: the sentence, with its `kind` — required, too_long, invalid (not a
    web address we take), telegram (not a public channel's post) or refused (the outbound guard) — by
    which the pages say it in the reader's language."""

    kind: str

    def __new__(cls, sentence: str, kind: str) -> "UrlProblem":
        made = super().__new__(cls, sentence)
        made.kind = kind
        return made


def problem(url: str) -> UrlProblem | None:
    """Why `url` cannot be a placement URL (one sentence, with its kind), None when it can. A web URL goes
    through the outbound guard's policy check: a refused address (private, loopback, metadata …), port or
    scheme is a problem; a name that does not resolve (yet) is not — that check is left to the fetch."""
    text = (url or "").strip()
    if not text:
        return UrlProblem("Give the address of the published post.", "required")
    if len(text) > MAX_URL_LENGTH:
        return UrlProblem(f"The address is longer than {MAX_URL_LENGTH} characters.", "too_long")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return UrlProblem("The address must not contain spaces or control characters.", "invalid")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return UrlProblem("The address is not a valid URL.", "invalid")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return UrlProblem("Give the full address of the post, starting with https://.", "invalid")
    if parts.username is not None or parts.password is not None:
        return UrlProblem("The address must not contain a user name or password.", "invalid")
    source = source_for(text)
    if source == "telegram":
        from chalicelib.placements.sources.telegram_preview import parse_url

        if parse_url(text) is None:
            return UrlProblem("This Telegram link does not point at a post in a public channel; copy the post's "
                              "link (https://t.me/<channel>/<number>).", "telegram")
        return None
    if source in ("vk", "manual"):
        return None
    from chalicelib.core.net import guard

    refused = guard.url_problem(text)
    return UrlProblem(refused, "refused") if refused else None
