"""A post on a VK wall, read through the VK API's `wall.getById` with the app's service token.

URLs: https://vk.com/wall-123_45 (a community: minus its id), https://vk.com/wall123_45 (a person),
https://vk.com/club123?w=wall-123_45 (the post opened over a page), m.vk.com and vk.ru alike.

    parse_url(url) -> "-123_45" | None
    parse_answer(answer, post) -> Observed      pure: the API's JSON
    fetch(url) -> Fetched

Request: POST form-encoded `<VK_API_BASE_URL>/wall.getById` with posts=<owner>_<id>, v=VK_API_VERSION and
access_token = the service token of setting VK_SERVICE_TOKEN (a secret reference resolved by
core/secrets.py; a literal in local/test). The token travels only in the POST body: never in a URL, a
reason or the stored evidence (the answer is stored with any copy of the token masked).

Answer: {"response": {"items": [post, …]}} (API 5.x; older versions answer a bare list: both are read).
An empty list, or an item marked is_deleted, is found False. A post gives: account = owner_id ("-123"),
published_at = date (unix), text (VK's inner links "[club1|Name]" shown as "Name", as VK shows them; the
text of a repost's original follows the post's own), links = link attachments, inner links' targets and
the URLs in the text, views/likes/reposts counts, edited = an `edited` time, marked_as_ads = VK's flag,
format = "album" (several photos/videos), "video", "photo", else "post".
Errors: 5 (token) → FetchFailed "VK service token rejected"; 6/9/29 (rate limits), 1/10 (VK's own) and
every other code → FetchFailed. HTTP 429/5xx → FetchFailed. No token configured → FetchFailed
"VK checks need VK_SERVICE_TOKEN".
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.sources import VK_HOSTS, Fetched, FetchFailed

WHAT = "VK wall.getById"
_POST = re.compile(r"^wall(-?\d{1,19})_(\d{1,19})(?:[/?&].*)?$", re.IGNORECASE)
_INNER = re.compile(r"\[((?:id|club|public|event)\d+|https?://[^|\]\s]+)\|([^\]]*)\]", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'\]\[|]+", re.IGNORECASE)
TRANSIENT = {1, 6, 9, 10, 29}


def parse_url(url: str) -> str | None:
    """"<owner>_<id>" of a link to a wall post; None for anything else."""
    from chalicelib.placements.sources import _host

    host, _ = _host(url or "")
    if host not in VK_HOSTS:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    candidates = [parts.path.strip("/")]
    query = parse_qs(parts.query)
    candidates += query.get("w", []) + query.get("z", [])
    for candidate in candidates:
        match = _POST.match(candidate)
        if match and int(match.group(1)) != 0 and int(match.group(2)) > 0:
            return f"{int(match.group(1))}_{int(match.group(2))}"
    return None


def canonical(post: str) -> str:
    return f"https://vk.com/wall{post}"


def _count(item: dict, key: str) -> int | None:
    value = item.get(key)
    if isinstance(value, dict):
        value = value.get("count")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _visible(text: str, links: dict[str, None]) -> str:
    def inner(match: re.Match) -> str:
        target = match.group(1)
        links.setdefault(target if target.lower().startswith("http") else f"https://vk.com/{target}", None)
        return match.group(2)

    shown = _INNER.sub(inner, text or "")
    for url in _URL.findall(shown):
        links.setdefault(url.rstrip(".,;:!?)»"), None)
    return shown


def _format(attachments: list) -> str:
    kinds = [a.get("type") for a in attachments if isinstance(a, dict)]
    media = [k for k in kinds if k in ("photo", "video", "clip")]
    if len(media) > 1:
        return "album"
    if media and media[0] in ("video", "clip"):
        return "video"
    if media:
        return "photo"
    return "post"


def _raise_error(error: dict) -> None:
    code = error.get("error_code")
    if code == 5:
        raise FetchFailed("VK service token rejected", permanent=True)
    message = re.sub(r"https?://\S+", "…", str(error.get("error_msg") or ""))[:200]
    raise FetchFailed(f"{WHAT}: error {code}: {message}", permanent=code not in TRANSIENT)


def parse_answer(answer: object, post: str) -> Observed:
    """Observed from wall.getById's JSON for `post` ("<owner>_<id>"). Raises FetchFailed for a VK error
    or an answer that is not one of VK's."""
    link = canonical(post)
    owner = post.split("_", 1)[0]
    if not isinstance(answer, dict):
        raise FetchFailed(f"{WHAT}: the answer is not VK's JSON")
    if isinstance(answer.get("error"), dict):
        _raise_error(answer["error"])
    response = answer.get("response")
    items = response.get("items") if isinstance(response, dict) else response
    if not isinstance(items, list):
        raise FetchFailed(f"{WHAT}: the answer holds no list of posts")
    items = [i for i in items if isinstance(i, dict)]
    wanted = [i for i in items if f"{i.get('owner_id', i.get('to_id'))}_{i.get('id')}" == post]
    item = (wanted or items or [None])[0]
    if item is None or item.get("is_deleted"):
        return Observed(found=False, url=link, account=owner)
    links: dict[str, None] = {}
    text = _visible(str(item.get("text") or ""), links)
    for original in item.get("copy_history") or []:
        if isinstance(original, dict) and original.get("text"):
            text = "\n\n".join(part for part in (text, _visible(str(original["text"]), links)) if part)
    attachments = [a for a in item.get("attachments") or [] if isinstance(a, dict)]
    for attachment in attachments:
        if attachment.get("type") == "link" and isinstance(attachment.get("link"), dict):
            url = str(attachment["link"].get("url") or "").strip()
            if url:
                links.setdefault(url, None)
    date = item.get("date")
    published = datetime.fromtimestamp(date, timezone.utc) if isinstance(date, int) and date > 0 else None
    flag = item.get("marked_as_ads")
    return Observed(
        found=True, url=canonical(f"{item.get('owner_id', owner)}_{item.get('id')}"),
        account=str(item.get("owner_id", owner)), format=_format(attachments), published_at=published,
        text=text, links=tuple(links), views=_count(item, "views"), likes=_count(item, "likes"),
        reposts=_count(item, "reposts"), edited=bool(item.get("edited")),
        marked_as_ads=bool(flag) if flag is not None else None)


def service_token() -> str:
    """The resolved VK_SERVICE_TOKEN; FetchFailed (permanent) when it is not set or cannot be read."""
    from chalicelib.core.errors import Upstream
    from chalicelib.core.secrets import resolve
    from chalicelib.core.settings import get_settings

    reference = get_settings().VK_SERVICE_TOKEN.strip()
    if not reference:
        raise FetchFailed("VK checks need VK_SERVICE_TOKEN", permanent=True)
    try:
        token = resolve(reference)
    except Upstream:
        raise FetchFailed("VK service token could not be read (VK_SERVICE_TOKEN)") from None
    if not token:
        raise FetchFailed("VK checks need VK_SERVICE_TOKEN", permanent=True)
    return token


def fetch(url: str) -> Fetched:
    """Read the wall post at `url` through wall.getById (see the module's docstring)."""
    from chalicelib.core.net.guard import read_json
    from chalicelib.core.settings import get_settings
    from chalicelib.placements.sources import http

    post = parse_url(url)
    if post is None:
        raise FetchFailed(f"{WHAT}: the link does not point at a wall post", permanent=True)
    token = service_token()
    settings = get_settings()
    base = settings.VK_API_BASE_URL
    response = http.post_api(f"{base}/wall.getById", what=WHAT,
                             data={"posts": post, "v": settings.VK_API_VERSION, "access_token": token})
    if response.status_code != 200:
        raise http.failure(response, WHAT)
    raw = response.content or b""
    if token and token.encode() in raw:  # evidence is kept: never with the token in it
        raw = raw.replace(token.encode(), b"***")
    answer = read_json(response)
    if answer is None:
        raise FetchFailed(f"{WHAT}: the answer is not JSON")
    observed = parse_answer(answer, post)
    requested = f"{base}/wall.getById?posts={post}&v={settings.VK_API_VERSION}"
    return http.fetched(observed, response, requested, raw=raw)
