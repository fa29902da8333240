"""Any other public page (a blog, Dzen, a YouTube description, a news site): what a reader sees on it.

    parse_page(html, url) -> Observed    pure
    fetch(url) -> Fetched                GET through guard.guarded_get: http(s) only, ports 80/443/8443,
                                         public addresses only (OUTBOUND_ALLOW_PRIVATE aside) at every hop,
                                         at most 3 redirects, one deadline, 2 MB, no cookies, no proxy

What is read:
  text          the visible text of <body> (script, style, noscript, template, svg and [hidden] left out),
                then og:title and og:description when the body does not already hold them (pages that
                render in the browser, like YouTube's, carry their description only there)
  meta          og:* and article:* <meta> values as read (og:title, og:description, article:author …)
  published_at  article:published_time (ISO 8601 with an offset; a time without one is not trusted)
  links         every a[href] of the body made absolute (against <base href> when the page gives one)
  account       the host of the page that answered (after redirects), case-folded, without "www."
  format        None: a web page does not show one
404 and 410 are found False; other statuses (3xx left after the redirects, 4xx, 429, 5xx) are FetchFailed,
as is a body that is not a page (an image, a PDF).
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from chalicelib.placements.rules.normalise import normalise
from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.sources import Fetched, FetchFailed, _host
from chalicelib.placements.sources import html_text as H

WHAT = "web page"
MAX_META_LENGTH = 2000
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def account_of(url: str) -> str | None:
    return _host(url)[0] or None


def parse_page(html: bytes | str, url: str) -> Observed:
    """What the page at `url` shows (see the module's docstring)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(H.decode(html) if isinstance(html, bytes) else html)
    meta: dict[str, str] = {}
    for node in tree.css("meta[property], meta[name]"):
        key = (node.attributes.get("property") or node.attributes.get("name") or "").strip().casefold()
        value = (node.attributes.get("content") or "").strip()
        if key.startswith(("og:", "article:")) and value and key not in meta:
            meta[key] = value[:MAX_META_LENGTH]
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        try:
            base = urljoin(url, (base_node.attributes.get("href") or "").strip())
        except ValueError:
            base = url
    body = tree.body
    text = H.visible_text(body) if body is not None else ""
    extra = [meta[key] for key in ("og:title", "og:description") if meta.get(key)]
    shown = normalise(text)
    text = "\n\n".join([text, *[e for e in extra if normalise(e) not in shown]]).strip()
    return Observed(found=True, url=url, account=account_of(url), format=None,
                    published_at=H.instant(meta.get("article:published_time")), text=text,
                    links=H.hrefs([body], base) if body is not None else (), meta=meta)


def fetch(url: str) -> Fetched:
    """Read the page at `url` (see the module's docstring)."""
    from chalicelib.placements.sources import http

    response = http.get(url, what=WHAT)
    final = getattr(response, "url", None) or url
    try:
        urlsplit(final)
    except ValueError:
        final = url
    status = response.status_code
    if status in (404, 410):
        return http.fetched(Observed(found=False, url=final, account=account_of(final)), response, url)
    if not 200 <= status < 300:
        raise http.failure(response, WHAT)
    content_type = response.headers.get("Content-Type") or ""
    kind = content_type.split(";")[0].strip().casefold()
    if kind == "text/plain":
        observed = Observed(found=True, url=final, account=account_of(final),
                            text=H.decode(response.content, content_type).strip())
    elif kind and kind not in PAGE_TYPES:
        raise FetchFailed(f"{WHAT}: the address answers {kind}, not a web page", permanent=True)
    else:
        observed = parse_page(H.decode(response.content, content_type), final)
    return http.fetched(observed, response, url)
