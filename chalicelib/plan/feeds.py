"""Per-person secret calendar feeds (RFC 5545, built with `icalendar`).

The feed URL is `{PUBLIC_BASE_URL}/ical/<token>.ics`, the token an itsdangerous signature over
{u: user id, n: nonce} (salt "calendar-feed"). The FeedItem holds the current nonce: rotating puts a
new one (old URLs stop working), revoking deletes it. A bad, tampered, rotated or revoked token is a
plain 404 that says nothing about why.

The feed: one event per planned post of every brand the person belongs to (archived and rejected posts
left out; a client approver's feed holds only the posts put to them), at the post's own wall time and
zone (TZID + VTIMEZONE), and one event per approval deadline of the posts now in review (UTC).

The window (both kinds of event): whole days in the reader's zone — the person's profile zone, else the
brand's — from 00:00 on the day 30 days before today up to, not including, 00:00 on the day after the
day 180 days after today (`window`). An event at or after the start and before the end is in the feed;
nothing else is.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.content import repo as post_repo
from chalicelib.content import service as post_service
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.errors import NotFound
from chalicelib.core.plain import plain
from chalicelib.core.settings import get_settings
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.plan import repo as feed_repo

SALT = "calendar-feed"
SUFFIX = ".ics"
PAST_DAYS, FUTURE_DAYS = 30, 180
EVENT_MINUTES = 15
HIDDEN = {"archived", "rejected"}
MAX_PAGES = 50  # 5,000 posts per brand in the window
DESCRIPTION_LINES = 3


@dataclass(frozen=True)
class FeedStatus:
    url: str | None
    created_at: str | None


class FeedNotFound(NotFound):
    def __init__(self):
        super().__init__("No such calendar feed.")


# --- the URL -------------------------------------------------------------------------------------

def _serializer():
    from chalicelib.core.signing import serializer

    return serializer(SALT)


def feed_url(user_id: str, nonce: str) -> str:
    token = _serializer().dumps({"u": user_id, "n": nonce})
    return f"{get_settings().PUBLIC_BASE_URL}/ical/{token}{SUFFIX}"


def status(principal: Principal) -> FeedStatus:
    item = feed_repo.get(principal.user_id)
    if item is None:
        return FeedStatus(None, None)
    return FeedStatus(feed_url(item.user_id, item.nonce), item.created_at)


def create_or_rotate(principal: Principal) -> FeedStatus:
    previous = feed_repo.get(principal.user_id)
    item = feed_repo.put(principal.actor, principal.user_id, secrets.token_urlsafe(16), previous)
    return FeedStatus(feed_url(item.user_id, item.nonce), item.created_at)


def revoke(principal: Principal) -> None:
    previous = feed_repo.get(principal.user_id)
    if previous is not None:
        feed_repo.delete(principal.actor, previous)


def owner_of(name: str):
    """The user a feed file name (<token>.ics) belongs to, or FeedNotFound."""
    from itsdangerous import BadData

    if not isinstance(name, str) or not name.endswith(SUFFIX) or len(name) > 512:
        raise FeedNotFound()
    try:
        claims = _serializer().loads(name[: -len(SUFFIX)])
    except BadData:
        raise FeedNotFound() from None
    if not isinstance(claims, dict) or not isinstance(claims.get("u"), str) or not isinstance(claims.get("n"), str):
        raise FeedNotFound()
    item = feed_repo.get(claims["u"])
    if item is None or not hmac.compare_digest(item.nonce.encode(), claims["n"].encode()):
        raise FeedNotFound()
    user = user_repo.get(claims["u"])
    if user is None or user.status != "active":
        raise FeedNotFound()
    return user


def calendar_for(name: str, now: datetime | None = None) -> bytes:
    user = owner_of(name)
    return build_calendar(collect(user, now or utcnow()), language=i18n.normalize(user.language), now=now or utcnow())


# --- the events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    description: str
    url: str
    start: datetime  # aware: in the post's own zone, or UTC for deadlines
    stamp: datetime  # aware UTC: when the event last changed


def _stamp(post) -> datetime:
    return parse_utc(post.updated_at) or datetime(2000, 1, 1, tzinfo=timezone.utc)


def _first_lines(text: str) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    shown = "\n".join(lines[:DESCRIPTION_LINES])
    return shown[:500] + ("…" if len(lines) > DESCRIPTION_LINES or len(shown) > 500 else "")


def _channel_names(brand_id: str) -> dict[str, str]:
    return {c.id: c.name for c in drain(lambda cursor: channel_repo.list_for_brand(brand_id, cursor, 100),
                                        max_items=1000)}


def _posts_in_window(brand_id: str, start: str, end: str) -> list:
    return list(drain(lambda cursor: post_repo.list_calendar(brand_id, start, end, cursor, 100),
                      max_items=MAX_PAGES * 100))


def _post_start(post) -> datetime:
    """The publish time in the post's own zone (UTC when the zone is missing or unknown)."""
    instant = parse_utc(post.publish_at)
    try:
        return instant.astimezone(ZoneInfo(post.timezone)) if post.timezone else instant
    except (ValueError, KeyError):
        return instant


def window(now: datetime, zone: str | None) -> tuple[datetime, datetime]:
    """[start, end) of the feed as aware UTC instants: from 00:00 on the day PAST_DAYS before today to
    00:00 on the day after the day FUTURE_DAYS after today, days and midnights in `zone` (UTC if
    missing or unknown; DST-correct: a midnight is that zone's own)."""
    try:
        tz = ZoneInfo(zone) if zone else timezone.utc
    except (ValueError, KeyError):
        tz = timezone.utc
    today = now.astimezone(tz).date()

    def midnight(day: date) -> datetime:
        name = getattr(tz, "key", None)
        if name:
            return schedule.to_utc(datetime.combine(day, time()), name)
        return datetime.combine(day, time(), tzinfo=timezone.utc)

    return midnight(today - timedelta(days=PAST_DAYS)), midnight(today + timedelta(days=FUTURE_DAYS + 1))


def _within(instant: datetime | None, bounds: tuple[datetime, datetime]) -> bool:
    return instant is not None and bounds[0] <= instant < bounds[1]


def collect(user, now: datetime) -> list[FeedEvent]:
    language = i18n.normalize(user.language)
    base = get_settings().PUBLIC_BASE_URL
    brand_ids = sorted(plain(user.brands) or {})
    events: list[FeedEvent] = []
    reader = Principal.from_user(user)
    for brand in sorted(brand_repo.batch_get(brand_ids) if brand_ids else [], key=lambda b: b.name):
        bounds = window(now, getattr(user, "timezone", None) or brand.timezone)
        start, end = iso(bounds[0]), iso(bounds[1])
        posts = [p for p in _posts_in_window(brand.id, start, end)
                 if _within(parse_utc(p.publish_at), bounds) and p.status not in HIDDEN
                 and post_service.sees(reader, p)]
        channels = _channel_names(brand.id) if posts else {}
        for post in posts:
            title = (post.title or "").strip() or _first_lines(post.body).split("\n")[0] or "—"
            description = "\n".join([
                i18n.translate("feed.status", language,
                               status=i18n.translate(f"post.status.{post.status}", language)),
                i18n.translate("feed.channels", language,
                               channels=", ".join(channels.get(c, c) for c in post.channel_ids or []) or "—"),
                "",
                _first_lines(post.body),
            ]).strip()
            events.append(FeedEvent(uid=f"post-{post.id}@greenlight", summary=f"[{brand.name}] {title}",
                                    description=description, url=f"{base}/posts/{post.id}",
                                    start=_post_start(post), stamp=_stamp(post)))
        for post in post_repo.list_in_review(brand.id, deadline_before=end):
            deadline = (plain(post.approval) or {}).get("deadline")
            if not _within(parse_utc(deadline), bounds) or not post_service.sees(reader, post):
                continue
            title = (post.title or "").strip() or _first_lines(post.body).split("\n")[0] or "—"
            stage = post_repo.state_of(post).current_stage
            events.append(FeedEvent(
                uid=f"approval-{post.id}@greenlight",
                summary=i18n.translate("feed.approval_due", language, title=f"[{brand.name}] {title}"),
                description=i18n.translate("feed.approval_stage", language, stage=stage.name if stage else "—"),
                url=f"{base}/posts/{post.id}", start=parse_utc(deadline), stamp=_stamp(post)))
    return events


def build_calendar(events: list[FeedEvent], *, language: str, now: datetime) -> bytes:
    """The RFC 5545 text: VTIMEZONE for every zone used, one VEVENT per event (pure: no I/O)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Greenlight//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", i18n.translate("feed.calendar_name", language))
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + timedelta(minutes=EVENT_MINUTES))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    first = date(now.year - 2, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=date(now.year + 3, 1, 1))
    return calendar.to_ical()
