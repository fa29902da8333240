"""The guardrails of content/rules/guardrails.py applied to posts (called by content/service.py and
approvals/service.submit): a past publish time refused unless "publish now", submit only with a
channel, clashes on a channel found on the calendar index (a Query, never a Scan) and said as notices.
"""
from __future__ import annotations

import logging

from chalicelib.content import guard_text, repo
from chalicelib.content.rules import guardrails
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.errors import ValidationFailed

CLASH_PAGES = 5  # at most 5 × 100 posts of one brand within ± the window: plenty for a window ≤ 24 h


def _refuse(guard: guardrails.Guard, language: str | None) -> ValidationFailed:
    message = guard_text.guard_message(guard.code, guard.params, language)
    return ValidationFailed(message, details=[guard.detail(message)])


def post_zone(zone: str | None, channels: list, brand) -> str:
    """The zone a post's wall time is in: the one given, else the first of its channels that has one,
    else the brand's (content.service._timing and "publish now" alike)."""
    return zone or next((c.timezone for c in channels if c.timezone), None) or brand.timezone


def plan_time(timing_fn, brand, channels: list, wall: str | None, zone: str | None, *,
              publish_now: bool | None, language: str | None, previous: str | None = None,
              was_now: bool = False) -> tuple[dict, list[str]]:
    """content.service._timing with the guardrails: publish_now (the current minute in the post's
    zone; not together with a wall time), and a past time refused unless publish_now. `previous`: the
    stored UTC time of an edited post — an edit that keeps it is not refused (a post whose time passed
    while in review stays editable); `was_now` is kept then."""
    now = utcnow()
    if publish_now:
        if wall:
            raise _refuse(guardrails.Guard("publish_at", "now_and_time", {}), language)
        zone = post_zone(zone, channels, brand)
        wall = schedule.to_wall(guardrails.current_minute(now), zone)
    timing, notices = timing_fn(brand, channels, wall, zone)
    unchanged = previous is not None and timing["publish_at"] == previous
    timing["publish_now"] = bool(timing["publish_at"]) and bool(
        publish_now if publish_now is not None or not unchanged else was_now)
    if not unchanged:
        guard = guardrails.check_time(parse_utc(timing["publish_at"]), now, publish_now=bool(publish_now),
                                      wall=timing["publish_wall"], zone=timing["timezone"])
        if guard is not None:
            raise _refuse(guard, language)
    return timing, notices


def now_on_approval(post, brand, now) -> dict:
    """"Publish now" means as soon as approved: when a post planned with publish now is finally approved
    (or scheduled without a chain) and the minute stamped at save has passed, the values that move it to
    the current minute (wall time in its zone, UTC instant, calendar index key), so publishing takes it
    now instead of marking it missed. Empty when there is nothing to move."""
    when = parse_utc(post.publish_at)
    if not getattr(post, "publish_now", False) or when is None or not guardrails.is_past(when, now):
        return {}
    minute = guardrails.current_minute(now)
    zone = post.timezone or (brand.timezone if brand is not None else "UTC")
    return {"publish_wall": schedule.to_wall(minute, zone), "timezone": zone, "publish_at": iso(minute),
            "gsi1sk": repo.calendar_sk(iso(minute), post.id)}


def check_submit(post, language: str | None, *, needs_channel: bool = True) -> None:
    """Before review: at least one channel (unless the brand does not publish the post itself); a publish
    time not in the past (unless set by publish now)."""
    guards = guardrails.check_submit(list(post.channel_ids or []), parse_utc(post.publish_at), utcnow(),
                                     needs_channel=needs_channel,
                                     publish_now=bool(getattr(post, "publish_now", False)),
                                     wall=post.publish_wall, zone=post.timezone)
    if guards:
        messages = [guard_text.guard_message(g.code, g.params, language) for g in guards]
        raise ValidationFailed(" ".join(messages), details=[g.detail(m) for g, m in zip(guards, messages)])


def clashes(post, brand) -> list[guardrails.Clash]:
    """Other posts of the brand on one of `post`'s channels less than the brand's `clash_minutes`
    from it: a Query on gsi1 (BRAND#<id>#POSTS, publish_at ± the window), filtered here."""
    from chalicelib.brands.service import brand_settings

    minutes = guardrails.clash_minutes(brand_settings(brand))
    when = parse_utc(post.publish_at)
    if not minutes or when is None or not post.channel_ids or post.status == "archived":
        return []
    start, end = guardrails.clash_window(when, minutes)
    others, cursor = [], None
    for _ in range(CLASH_PAGES):
        page = repo.list_calendar(post.brand_id, iso(start), iso(end), cursor, 100)
        others.extend(guardrails.Other(p.id, p.title or "", parse_utc(p.publish_at), tuple(p.channel_ids or ()),
                                       p.status) for p in page.items if p.publish_at)
        cursor = page.cursor
        if not cursor:
            break
    return guardrails.find_clashes(post.id, when, list(post.channel_ids), others, minutes)


def clash_lines(found: list[guardrails.Clash], channel_names: dict[str, str], zone: str,
                language: str | None) -> list[str]:
    """Each clash as a sentence naming the other post, its channel and its time in `zone`."""
    return [guard_text.clash_message(c, channel_names.get(c.channel_id, c.channel_id),
                                     schedule.to_wall(c.publish_at, zone), zone, language) for c in found]


class ClashNotice(str):
    """A notice (plain text in the API's answer) that says the saved post clashes with another one: the
    post form tells it from a DST note by its type, without querying the calendar again."""


def has_clash(notices: list[str]) -> bool:
    return any(isinstance(notice, ClashNotice) for notice in notices or [])


def clash_notices(post, brand, channels: list, language: str | None) -> list[str]:
    """The API's notices for a saved post (empty when nothing clashes), each a ClashNotice."""
    try:
        found = clashes(post, brand)
    except Exception:  # noqa: BLE001 - a warning must never fail a save that is already written
        logging.getLogger(__name__).exception("clash check failed for post %s", post.id)
        return []
    if not found:
        return []
    zone = post.timezone or brand.timezone
    return [ClashNotice(line) for line in clash_lines(found, {c.id: c.name for c in channels}, zone, language)]


def language_of(principal) -> str:
    return i18n.normalize(getattr(principal, "language", None))
