"""A tracked link's tagged URL — the target with the campaign's UTM tags (and the erid) — and why a target is
refused. Pure, no I/O (the outbound guard's address check is the service's: links/service.py).

The tags, in this order (`tags_for`):
    utm_source    a link of a post: the post's network ("telegram", "vk" …); of a deal or a deliverable: the
                  blogger's handle ("@Anna_Cooks" → "anna_cooks"); when that is not known, and for a link of
                  the campaign alone: the campaign's utm_source; else "greenlight"
    utm_medium    the campaign's utm_medium, else "social" for a post, "influencer" for a deal or a deliverable
                  (as placement checks expect: placements/rules/utm.py), else "referral"
    utm_campaign  the campaign's utm_campaign, else its name as a slug ("Зимняя коллекция" → "zimnyaya-kollektsiya")
    utm_content   the post's, deal's or deliverable's id (left out for a link of the campaign alone)
    erid          a deliverable's erid, when its deal's disclosure is `ru` (Russian advertising marking; the
                  service refuses such a deliverable without one)

`tagged(url, tags, drop=…)`: the existing query is kept byte for byte, in its order, except the parameters named
like ours or in `drop` — names compared case-insensitively and percent-decoded, also inside ";"-separated pairs
(`a=1;utm_source=x` keeps `a=1`), so no server can read two of our parameters — ours are appended,
percent-encoded (a space is %20, "&" is %26); the fragment is kept; an empty path becomes "/". Non-ASCII
characters of the path, query and fragment are percent-encoded (UTF-8) and the host is IDNA-encoded (IDNA 2008,
UTS #46 non-transitional: what browsers do), so the URL is plain ASCII — what a Location header may carry.

`target_problem(url, short_host=…)` names (as a translation key of campaign_links.json) why a target is
refused: nothing given, too long, spaces or control characters, backslashes (browsers read them as "/"),
a scheme other than http/https (javascript:, data:, ftp:, a scheme-relative "//host" …), no host, a user
name or password in the URL, an invalid port, a host with "%" in it, a host that is one name without a dot
(`intranet`: a local name, not a public site), a host that browsers could read as two different sites (one
whose IDNA 2003 and IDNA 2008 forms differ — `faß.de` is `fass.de` to one and `xn--fa-hia.de` to the other —
or that IDNA would silently change: soft hyphens, full-width letters, ideographic dots), or our own short
links (a link to /r/… would loop) — compared after the normalisation browsers make: one trailing dot of the
host dropped, dot segments resolved, "//" collapsed, unreserved characters percent-decoded (`/./r/x`,
`/x/../r/x`, `//r/x`, `/%72/x` are all /r/x).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import idna

from chalicelib.placements.rules.utm import MEDIUM as INFLUENCER_MEDIUM
from chalicelib.placements.rules.utm import slug

MAX_URL = 2000
SUBJECT_KINDS = ("post", "deal", "deliverable")
OUR_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "erid")
FALLBACK_SOURCE = "greenlight"
MEDIUM_BY_KIND = {"post": "social", "deal": INFLUENCER_MEDIUM, "deliverable": INFLUENCER_MEDIUM}
FALLBACK_MEDIUM = "referral"
SHORT_PATH = "/r/"

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_UNRESERVED_ESCAPE = re.compile(r"%(2[dDeE]|3[0-9]|4[1-9a-fA-F]|5[0-9aA]|5[fF]|6[1-9a-fA-F]|7[0-9aA]|7[eE])")
_IPV4 = re.compile(r"[0-9.]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True)
class Defaults:
    """The campaign's UTM defaults (any may be None) and its name (the utm_campaign of last resort)."""

    name: str
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


@dataclass(frozen=True)
class Subject:
    """What a link belongs to: nothing (kind None), a post (its network), a deal or a deliverable (the blogger's
    handle; a deliverable's erid and its deal's disclosure)."""

    kind: str | None = None
    id: str | None = None
    network: str | None = None
    handle: str | None = None
    erid: str | None = None
    disclosure: str | None = None
    deal_id: str | None = None  # a deliverable's deal


# --- the target ------------------------------------------------------------------------------------------

def target_problem(url: str | None, *, short_host: str | None = None, max_length: int = MAX_URL) -> str | None:
    """Why `url` cannot be a link's target (a key of campaign_links.json), or None. `max_length`: MAX_URL for
    what a person gives; the service checks the tagged URL too, with its own bound."""
    url = (url or "").strip()
    if not url:
        return "campaign_links.error.target_required"
    if len(url) > max_length:
        return "campaign_links.error.target_too_long"
    if _CONTROL.search(url):
        return "campaign_links.error.target_spaces"
    if "\\" in url:
        return "campaign_links.error.target_invalid"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "campaign_links.error.target_invalid"
    if parts.scheme.lower() not in ("http", "https"):
        return "campaign_links.error.target_scheme"
    if "@" in parts.netloc:
        return "campaign_links.error.target_credentials"
    if not parts.hostname:
        return "campaign_links.error.target_no_host"
    host = parts.hostname
    if "%" in host:
        return "campaign_links.error.target_invalid"
    try:
        ascii_host(host)
    except UnicodeError as exc:
        return "campaign_links.error.target_host" if isinstance(exc, AmbiguousHost) else \
            "campaign_links.error.target_invalid"
    if _single_label(host):
        return "campaign_links.error.target_single_label"
    if short_host and is_short_link(parts, short_host):
        return "campaign_links.error.target_loop"
    return None


class AmbiguousHost(UnicodeError):
    """A host browsers could read as two different sites (IDNA 2003 and 2008 disagree), or that IDNA would
    change silently (mapped characters)."""


def ascii_host(host: str) -> str:
    """The host as DNS and a Location header carry it: "пример.рф" → "xn--e1afmkfd.xn--p1ai" (IDNA 2008, UTS #46
    non-transitional). Raises AmbiguousHost (a UnicodeError) for a host browsers could read differently, and
    UnicodeError for one that is not a valid name."""
    host = host.lower()
    if host.isascii():
        if "xn--" in host:
            try:  # a punycode label must be valid IDNA 2008
                idna.decode(host, uts46=True)
            except (idna.IDNAError, UnicodeError) as exc:
                raise UnicodeError(str(exc)) from None
        return host
    try:
        if idna.uts46_remap(host, std3_rules=True, transitional=False) != host:
            raise AmbiguousHost("IDNA would change the host's characters")
        modern = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as exc:
        raise UnicodeError(str(exc)) from None
    try:
        old = host.encode("idna").decode("ascii")
    except UnicodeError:
        old = None
    if old is None or old.lower() != modern.lower():
        raise AmbiguousHost("IDNA 2003 and IDNA 2008 read the host differently")
    return modern


def _single_label(host: str) -> bool:
    """One name without a dot (a trailing one aside): `intranet`, `localhost`, `printer.` — and any all-digits
    host that is not four dotted numbers (2130706433 is 127.0.0.1 to a resolver). IPv6 literals are not."""
    if ":" in host:
        return False
    name = host.removesuffix(".")
    if _IPV4.fullmatch(name):
        return name.count(".") != 3
    return "." not in name


def _normal_path(path: str) -> str:
    """The path as a server routes it: unreserved characters percent-decoded, "//" collapsed, dot segments
    resolved (RFC 3986 5.2.4), lower case."""
    path = _UNRESERVED_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), path)
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    trailing = "/" if path.endswith(("/", "/.", "/..")) and segments else ""
    return ("/" + "/".join(segments) + trailing).lower()


def is_short_link(parts, short_host: str) -> bool:
    """Is the URL (urlsplit parts) one of our own short links: our host (one trailing dot aside, IDNA or not)
    and a path that is /r/… once normalised like a server does?"""
    def same(host: str) -> str:
        host = host.lower()
        host = host.removesuffix(".")
        try:
            return ascii_host(host)
        except UnicodeError:
            return host

    if same(parts.hostname or "") != same(short_host):
        return False
    path = _normal_path(parts.path)
    return path.startswith(SHORT_PATH) or path == SHORT_PATH.rstrip("/")


def _ascii(text: str) -> str:
    return _NON_ASCII.sub(lambda match: quote(match.group(0), safe=""), text)


def _netloc(parts) -> str:
    host = ascii_host(parts.hostname)
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port is not None else host


# --- the tags --------------------------------------------------------------------------------------------

def handle_source(handle: str | None) -> str | None:
    """A blogger's handle as utm_source: "@Anna_Cooks" or "https://t.me/Anna_Cooks" → "anna_cooks"."""
    text = (handle or "").strip().rstrip("/")
    text = text.rsplit("/", 1)[-1].lstrip("@").strip().lower()
    return text or None


def tags_for(defaults: Defaults, subject: Subject) -> dict[str, str]:
    """The parameters a link of `subject` carries (see the module's docstring), in their order."""
    if subject.kind is not None and subject.kind not in SUBJECT_KINDS:
        raise ValueError(f"unknown subject kind {subject.kind!r}")
    if subject.kind == "post":
        own_source = (subject.network or "").strip().lower() or None
    elif subject.kind in ("deal", "deliverable"):
        own_source = handle_source(subject.handle)
    else:
        own_source = None
    tags = {
        "utm_source": own_source or _given(defaults.utm_source) or FALLBACK_SOURCE,
        "utm_medium": _given(defaults.utm_medium) or MEDIUM_BY_KIND.get(subject.kind or "", FALLBACK_MEDIUM),
        "utm_campaign": _given(defaults.utm_campaign) or slug(defaults.name or ""),
    }
    if subject.kind is not None and subject.id:
        tags["utm_content"] = subject.id
    erid = _given(subject.erid)
    if needs_erid(subject) and erid:
        tags["erid"] = erid
    return tags


def needs_erid(subject: Subject) -> bool:
    """A deliverable of a deal with Russian advertising marking (disclosure `ru`): its links carry its erid."""
    return subject.kind == "deliverable" and subject.disclosure == "ru"


def dropped(subject: Subject) -> tuple[str, ...]:
    """Parameters of the target removed besides ours: any erid of a `ru` deliverable's target (only ours stays)."""
    return ("erid",) if needs_erid(subject) else ()


def _given(value: str | None) -> str | None:
    return (value or "").strip() or None


# --- the tagged URL --------------------------------------------------------------------------------------

def _name_of(piece: str) -> str:
    return unquote_plus(piece.split("=", 1)[0]).strip().casefold()


def _kept(piece: str, names: set[str]) -> str:
    """One "&"-separated piece of the query without the pairs named in `names` ("" when none stays); a piece
    with ";" is read as ";"-separated pairs, as some servers do."""
    pairs = [pair for pair in piece.split(";") if pair and _name_of(pair) not in names]
    return ";".join(pairs)


def tagged(url: str, tags: dict[str, str], drop: tuple[str, ...] = ()) -> str:
    """`url` (one target_problem accepts) with `tags` in its query: see the module's docstring."""
    parts = urlsplit(url.strip())
    names = {name.casefold() for name in (*tags, *drop)}
    kept = [piece if ";" not in piece and _name_of(piece) not in names else _kept(piece, names)
            for piece in parts.query.split("&") if piece]
    ours = [f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in tags.items()]
    query = "&".join([_ascii(piece) for piece in kept if piece] + ours)
    path = _ascii(parts.path) or "/"
    return urlunsplit((parts.scheme.lower(), _netloc(parts), path, query, _ascii(parts.fragment)))
