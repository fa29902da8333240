"""Reading HTML the way a person sees it, for the Telegram and web sources. Pure, no I/O.

    decode(body, content_type)    bytes -> str: the charset of the Content-Type, else of a <meta> in the first
                                  2 KB, else UTF-8 (bad bytes replaced)
    visible_text(node)            the text a reader sees: script/style/noscript/template/svg and [hidden] left
                                  out, <br> and block elements break lines, inline elements join without a
                                  space ("SAVE<b>10</b>" stays "SAVE10"), runs of spaces collapsed
    hrefs(nodes, base)            every a[href] under the nodes, made absolute against `base`, in order, once
                                  (javascript: and bare "#…" fragments left out)
    instant(text)                 an ISO 8601 timestamp with an offset -> aware UTC datetime; None otherwise
                                  (a time without a zone is not trusted: it could be off by hours)
    count(text)                   "980" / "1.2K" / "12.3M" / "1,2K" / "12 345" -> int; None when unreadable
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "iframe", "object",
                       "-comment", "select", "button"})
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
                        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "td", "th", "ul",
                        "caption", "summary", "details", "tbody", "thead", "tfoot"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BLOCK = "\x00"
_BLOCK_EDGES = re.compile(r"[ \n]*\x00[ \n\x00]*")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_UNITS = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_COUNT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([KkMmBb]?)$")
MAX_COUNT = 10**12
MAX_LINKS = 2000


def decode(body: bytes, content_type: str | None = None) -> str:
    charset = None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", content_type or "", re.IGNORECASE)
    if match:
        charset = match.group(1)
    else:
        found = _META_CHARSET.search(body[:2048])
        if found:
            charset = found.group(1).decode("ascii", "replace")
    try:
        return body.decode(charset or "utf-8", "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def visible_text(node) -> str:
    """The text under `node` as shown (see the module's docstring); lines stripped."""
    parts: list[str] = []
    stack: list = [("open", node)]
    while stack:
        step, current = stack.pop()
        if step == "close":
            parts.append(_BLOCK)
            continue
        tag = current.tag
        if tag == "-text":
            parts.append(_SPACES.sub(" ", current.text(deep=False) or ""))
            continue
        if tag in SKIP_TAGS or (current is not node and "hidden" in current.attributes):
            continue
        if tag == "br":
            parts.append("\n")
            continue
        if tag in BLOCK_TAGS and current is not node:
            parts.append(_BLOCK)
            stack.append(("close", current))
        children = list(current.iter(include_text=True))
        stack.extend(("open", child) for child in reversed(children))
    # a block's edge is one line break however many blocks meet there; <br>s are kept as written
    text = _BLOCK_EDGES.sub("\n", "".join(parts))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def hrefs(nodes, base: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for node in nodes:
        if node is None:
            continue
        anchors = [node] if node.tag == "a" else []
        anchors += node.css("a[href]")
        for anchor in anchors:
            href = (anchor.attributes.get("href") or "").strip()
            if not href or href.startswith("#") or href.lower().startswith(("javascript:", "data:")):
                continue
            try:
                absolute = urljoin(base, href)
            except ValueError:
                continue
            seen.setdefault(absolute, None)
            if len(seen) >= MAX_LINKS:
                return tuple(seen)
    return tuple(seen)


def instant(text: str | None) -> datetime | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.astimezone(timezone.utc)


def count(text: str | None) -> int | None:
    value = re.sub(r"[\s\u00a0\u2009\u202f]+", " ", (text or "")).strip()
    value = re.sub(r"(?<=\d)[ ,](?=\d{3}(?:\D|$))", "", value) if re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+", value) \
        else value
    match = _COUNT.match(value)
    if not match:
        return None
    try:
        number = Decimal(match.group(1).replace(",", ".")) * _UNITS[match.group(2).lower()]
    except (InvalidOperation, KeyError):
        return None
    result = int(number)
    return result if 0 <= result <= MAX_COUNT else None
