"""The brand's calendar page (/calendar): month, week and list views of the content plan, with filters.

Thin like routes.py: parse (pages.page does authentication, CSRF and errors) → service reads → render.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content.schemas import PostQuery
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan.page_kit import (
    LIVE_STATUSES,
    PAGE,
    channel_list,
    is_web_link,
    people_names,
    status_labels,
    wall_in,
)

posts = lazy_import("chalicelib.content.service")
brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)

MAX_PAGES = 5  # at most 500 posts in one calendar range
UNSCHEDULED_FROM = "9999-12-31"  # undated posts sort last in the calendar index ("~")
VIEWS = ("month", "week", "list")
CALENDAR_STATUSES = ("draft", "in_review", "changes_requested", "approved", "scheduled", "publishing", "published",
                     "partially_published", "failed", "unconfirmed", "missed", "rejected", "archived")


# --- calendar ------------------------------------------------------------------------------------

def _parse_day(text: str | None, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        return today


def _range(view: str, day: date) -> tuple[date, date, date, date]:
    """(first shown day, day after the last, previous anchor, next anchor)."""
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)
    first = day.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=7 - last.weekday())
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return start, end, prev_month, next_month


def _utc_bound(day: date, zone: str) -> str:
    instant = schedule.to_utc(datetime.combine(day, time()), zone)
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def _query(brand_id: str, filters: dict, **bounds) -> PostQuery:
    return PostQuery.model_validate({"brand_id": brand_id, "limit": PAGE, **filters, **bounds})


def _collect(principal, query: PostQuery) -> tuple[list, bool]:
    """The posts of the range, and whether there were more than a page can show."""
    limit = MAX_PAGES * PAGE
    items = list(drain(lambda cursor: posts.list_posts(principal, query.model_copy(update={"cursor": cursor})),
                       max_items=limit + 1))
    return items[:limit], len(items) > limit


def _live_links(items, channel_names: dict[str, str]) -> dict[str, list[dict]]:
    """post id -> [{url, channel}] of its targets that went out. Only posts past `scheduled` are read
    (one Query each), so a month of drafts and scheduled posts costs nothing more."""
    from chalicelib.publishing import repo as target_repo

    links: dict[str, list[dict]] = {}
    for post in items:
        if post.status not in LIVE_STATUSES:
            continue
        found = [{"url": t.url, "channel": channel_names.get(t.channel_id) or t.platform}
                 for t in target_repo.for_post(post.id) if t.state == "published" and is_web_link(t.url)]
        if found:
            links[post.id] = found
    return links


@page(bp, "/calendar")
def calendar(call: PageCall):
    principal = call.principal
    brand = brands.get(principal, call.query.get("brand_id") or "")
    zone = brand.timezone
    today = utcnow().astimezone(schedule.zone_info(zone)).date()
    view = call.query.get("view") if call.query.get("view") in VIEWS else "month"
    day = _parse_day(call.query.get("date"), today)
    start, end, prev_day, next_day = _range(view, day)
    filters = {}
    for name in ("status", "channel_id", "assignee_id"):
        value = (call.query.get(name) or "").strip()
        if value:
            try:
                _query(brand.id, {name: value})
                filters[name] = value
            except ValidationError:
                pass  # a hand-edited filter: ignore it
    items, truncated = _collect(principal, _query(brand.id, filters, **{"from": _utc_bound(start, zone),
                                                                       "to": _utc_bound(end, zone)}))
    unscheduled = posts.list_posts(principal, _query(brand.id, filters, **{"from": UNSCHEDULED_FROM})).items
    entries = []
    for post in items:
        wall = wall_in(post.publish_at, zone)
        if wall is not None:
            entries.append({"post": post, "wall": wall, "day": wall.date()})
    entries.sort(key=lambda e: e["wall"])
    by_day: dict[date, list] = {}
    for entry in entries:
        by_day.setdefault(entry["day"], []).append(entry)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    in_month = (lambda d: d.month == day.month) if view != "week" else (lambda d: True)
    channel_items = channel_list(principal, brand.id)
    people = people_names(principal, brand.id)
    live = _live_links([e["post"] for e in entries], {c.id: c.name for c in channel_items})
    return call.render(
        "calendar.html", brand=brand, view=view, day=day, today=today, weeks=weeks, by_day=by_day,
        entries=entries, unscheduled=unscheduled, truncated=truncated, in_month=in_month, live=live,
        prev_day=prev_day.isoformat(), next_day=next_day.isoformat(), filters=filters,
        channels=channel_items, people=people, statuses=CALENDAR_STATUSES, status_labels=status_labels(call.language),
        weekdays=[i18n.translate(f"calendar.weekday.{n}", call.language)
                  for n in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        month_label=i18n.translate(f"calendar.month.{day.month}", call.language),
        can_create=principal.can(brand.id, Permission.edit_posts))


