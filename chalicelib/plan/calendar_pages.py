"""The brand's calendar page (/calendar): month, week (hour slots, free-slot hints) and list views of the
content plan, with filters, search, bulk selection and drag-to-reschedule (plan/move_pages.py).

Thin like routes.py: parse (pages.page does authentication, CSRF and errors) → service reads → render.
Status, channel and assignee filter in DynamoDB (filter conditions on the calendar index Query); tag,
campaign and the text search filter in memory over that same bounded range (plan/rules/calendar.py).
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content.schemas import PostQuery
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.core.plain import plain
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
from chalicelib.plan.rules import calendar as rules

posts = lazy_import("chalicelib.content.service")
brands = lazy_import("chalicelib.brands.service")
campaign_members = lazy_import("chalicelib.campaigns.members")

bp = Blueprint(__name__)

MAX_PAGES = 5  # at most 500 posts in one calendar range
UNSCHEDULED_FROM = "9999-12-31"  # undated posts sort last in the calendar index ("~")
VIEWS = ("month", "week", "list")
CALENDAR_STATUSES = ("draft", "in_review", "changes_requested", "approved", "scheduled", "publishing", "published",
                     "partially_published", "failed", "unconfirmed", "missed", "rejected", "archived")
QUERY_FILTERS = ("status", "channel_id", "assignee_id")  # DynamoDB filter conditions
MEMORY_FILTERS = ("tag", "campaign_id", "q")             # in memory, over the bounded range
NOTICES = ("post_moved",)


# --- calendar ------------------------------------------------------------------------------------

def _parse_day(text: str | None, today: date) -> date:
    """The `date` of the query; today for a missing, malformed or out-of-range one (rules.parse_day)."""
    return rules.parse_day(text) or today


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
    """Midnight of `day` in `zone` as a UTC bound of the calendar Query. The grid around the last days of
    2100 reaches into 2101, past what a plan may hold (schedule.MAX_YEAR): that bound is taken as UTC."""
    try:
        instant = schedule.to_utc(datetime.combine(day, time()), zone)
    except schedule.InvalidSchedule:
        instant = datetime.combine(day, time(), tzinfo=timezone.utc)
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


def _thumbs(items) -> dict[str, dict]:
    """post id -> its first media thumbnail (media/display.thumb), when the media feature is there."""
    try:
        from chalicelib.media import display
    except ImportError:
        return {}
    found = {}
    for post in items:
        media = plain(post.media) or []
        if not media:
            continue
        try:
            shown = display.thumb(list(media))
        except Exception:  # noqa: BLE001 - a broken media item must not take the calendar down
            shown = None
        if shown and shown.get("src"):
            found[post.id] = shown
    return found


def _filters(call: PageCall, brand_id: str) -> tuple[dict, dict]:
    """(the DynamoDB filters, the in-memory ones) from the query; a hand-edited value is ignored."""
    in_query: dict[str, str] = {}
    for name in QUERY_FILTERS:
        value = (call.query.get(name) or "").strip()
        if value:
            try:
                _query(brand_id, {name: value})
                in_query[name] = value
            except ValidationError:
                pass
    in_memory = {"tag": rules.clean_text(call.query.get("tag"), 50),
                 "campaign_id": rules.clean_text(call.query.get("campaign_id"), 40),
                 "q": rules.clean_text(call.query.get("q"))}
    return in_query, {k: v for k, v in in_memory.items() if v}


def _keep(post, memory: dict) -> bool:
    return rules.matches(post, tag=memory.get("tag", ""), campaign_id=memory.get("campaign_id", ""),
                         text=memory.get("q", ""))


@page(bp, "/calendar")
def calendar(call: PageCall):
    principal = call.principal
    brand = brands.get(principal, call.query.get("brand_id") or "")
    zone = brand.timezone
    now_wall = utcnow().astimezone(schedule.zone_info(zone)).replace(tzinfo=None)
    today = now_wall.date()
    view = call.query.get("view") if call.query.get("view") in VIEWS else "month"
    day = _parse_day(call.query.get("date"), today)
    start, end, prev_day, next_day = _range(view, day)
    in_query, in_memory = _filters(call, brand.id)
    filters = {**in_query, **in_memory}
    items, truncated = _collect(principal, _query(brand.id, in_query, **{"from": _utc_bound(start, zone),
                                                                        "to": _utc_bound(end, zone)}))
    unscheduled = [p for p in posts.list_posts(principal, _query(brand.id, in_query, **{"from": UNSCHEDULED_FROM})).items
                   if _keep(p, in_memory)]
    entries = []
    for post in items:
        wall = wall_in(post.publish_at, zone)
        if wall is not None and _keep(post, in_memory):
            entries.append({"post": post, "wall": wall, "day": wall.date()})
    entries.sort(key=lambda e: e["wall"])
    by_day: dict[date, list] = {}
    by_slot: dict[tuple[date, int], list] = {}
    for entry in entries:
        by_day.setdefault(entry["day"], []).append(entry)
        by_slot.setdefault((entry["day"], entry["wall"].hour), []).append(entry)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    in_month = (lambda d: d.month == day.month) if view != "week" else (lambda d: True)
    channel_items = channel_list(principal, brand.id)
    channel_names = {c.id: c.name for c in channel_items}
    people = people_names(principal, brand.id)
    live = _live_links([e["post"] for e in entries], channel_names)

    settings = brands.brand_settings(brand)
    hours = rules.working_hours(settings)
    rows, hints = [], {}
    if view == "week":
        rows = rules.hour_rows([e["wall"].hour for e in entries], hours)
        # hints look at every post of the week (not only the shown ones), on the chosen channel if any
        around = items
        if in_memory or set(in_query) - {"channel_id"}:
            channel_only = {k: v for k, v in in_query.items() if k == "channel_id"}
            around, _ = _collect(principal, _query(brand.id, channel_only, **{"from": _utc_bound(start, zone),
                                                                             "to": _utc_bound(end, zone)}))
        placed = [rules.Placed(w, tuple(p.channel_ids or [])) for p in around
                  if (w := wall_in(p.publish_at, zone)) is not None]
        hint_channels = [in_query["channel_id"]] if in_query.get("channel_id") else list(channel_names)
        hints = {slot: [channel_names[c] for c in free if c in channel_names]
                 for slot, free in rules.free_slots(days, rows, placed, hint_channels, hours, now_wall,
                                                  rules.nearby_minutes(settings)).items()}
    campaigns = []
    if principal.can(brand.id, Permission.view_campaigns):
        campaigns = campaign_members.choices(brand.id, in_memory.get("campaign_id"), call.language)
    tags = sorted({t for e in entries for t in (e["post"].tags or [])} | {t for p in unscheduled for t in (p.tags or [])},
                  key=str.casefold)
    here = {"brand_id": brand.id, "view": view, "date": day.isoformat(), **filters}
    notice = call.query.get("done") if call.query.get("done") in NOTICES else None
    return call.render(
        "calendar.html", brand=brand, view=view, day=day, today=today, weeks=weeks, by_day=by_day,
        by_slot=by_slot, rows=rows, hints=hints, hours=hours, channel_names=channel_names,
        entries=entries, unscheduled=unscheduled, truncated=truncated, in_month=in_month, live=live,
        thumbs=_thumbs([e["post"] for e in entries] + unscheduled),
        prev_day=prev_day.isoformat(), next_day=next_day.isoformat(), filters=filters,
        channels=channel_items, people=people, statuses=CALENDAR_STATUSES, status_labels=status_labels(call.language),
        campaigns=campaigns, tags=tags, back=urlencode(here), notice=notice,
        weekdays=[i18n.translate(f"calendar.weekday.{n}", call.language)
                  for n in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        month_label=i18n.translate(f"calendar.month.{day.month}", call.language),
        can_create=principal.can(brand.id, Permission.edit_posts),
        can_move=principal.can(brand.id, Permission.edit_posts), now_wall=now_wall)
