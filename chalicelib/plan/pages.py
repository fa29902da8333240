"""The content plan in the browser: the brand's calendar and the post form (create and edit); the
post page is plan/post_page.py.

Thin like routes.py: parse (pages.page does authentication, CSRF and errors) → one service call →
render. Forms validate with the API's schemas (PostCreate, PostPatch, DecisionIn, CommentIn); a form
with errors comes back as 422 with the values kept, a stale edit as 409; a successful POST answers
303 to the post's page (post/redirect/get).
"""
from __future__ import annotations

import json
from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import parse_qs, quote

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content.rules import limits
from chalicelib.content.rules import workflow as wf
from chalicelib.content.rules.fields import CONTENT_TYPES, ContentType
from chalicelib.content.schemas import PostCreate, PostPatch, PostQuery
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import parse_utc, utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState, errors_from_validation
from chalicelib.core.http.pages import STATIC_TYPES, PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission

posts = lazy_import("chalicelib.content.service")
approvals = lazy_import("chalicelib.approvals.service")
brands = lazy_import("chalicelib.brands.service")
channels = lazy_import("chalicelib.brands.channels.service")
members = lazy_import("chalicelib.brands.members.service")
campaign_members = lazy_import("chalicelib.campaigns.members")
publishing = lazy_import("chalicelib.publishing.service")

bp = Blueprint(__name__)

PAGE = 100
MAX_PAGES = 5  # at most 500 posts in one calendar range
UNSCHEDULED_FROM = "9999-12-31"  # undated posts sort last in the calendar index ("~")
VIEWS = ("month", "week", "list")
CALENDAR_STATUSES = ("draft", "in_review", "changes_requested", "approved", "scheduled", "publishing", "published",
                     "partially_published", "failed", "unconfirmed", "missed", "rejected", "archived")
# Posts whose targets have (or may have) gone out: the calendar reads their targets for live links.
LIVE_STATUSES = ("published", "partially_published", "publishing", "failed", "unconfirmed", "missed")
STATUS_KEYS = {s.value: f"post.status.{s.value}" for s in wf.Status}
POST_NOTICES = ("post_created", "post_saved", "post_submitted", "post_decided", "post_held", "post_released",
                "post_archived", "comment_added", "target_retried", "target_resolved", "target_resent",
                "target_marked_published")
FORM_FIELDS = ("title", "body", "content_type", "publish_at", "timezone", "tags", "due_at", "links")


def post_path(post_id: str) -> str:
    return f"/posts/{quote(post_id, safe='')}"


def post_prefetch(post_id):
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    return [(PostItem, *post_key(post_id))]


def _all_values(call: PageCall, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes); forms.parse_body keeps only the last."""
    raw = (call.request.raw_body or b"").decode("utf-8", "replace")
    return [v for v in parse_qs(raw, keep_blank_values=True, max_num_fields=100).get(name, []) if v]


def wall_in(text: str | None, zone: str) -> datetime | None:
    """A stored UTC instant as a naive wall-clock datetime in `zone`."""
    instant = parse_utc(text)
    return datetime.strptime(schedule.to_wall(instant, zone), schedule.WALL_FORMAT) if instant else None


def people_names(principal, brand_id: str) -> dict[str, str]:
    if not principal.can(brand_id, Permission.view_members):
        return {}
    page_ = members.list_members(principal, brand_id, None, PAGE)
    return {m.user_id: (m.name or m.email) for m in page_.items}


def channel_list(principal, brand_id: str) -> list:
    if not principal.can(brand_id, Permission.view_channels):
        return []
    return list(channels.list_channels(principal, brand_id, None, PAGE).items)


def status_labels(language: str) -> dict:
    return {key: i18n.translate(value, language) for key, value in STATUS_KEYS.items()}


def notice_of(call: PageCall):
    notice = call.query.get("done") if call.request.method == "GET" else None
    return notice if notice in POST_NOTICES else None


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


def is_web_link(url: str | None) -> bool:
    """Only http(s) links become hrefs (a stored URL came from a person or a network's answer)."""
    return bool(url) and url.lower().startswith(("https://", "http://"))


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


# --- the post form -------------------------------------------------------------------------------

def _form_data(call: PageCall) -> tuple[dict, FormState]:
    """The form as the schema's fields (empty → not given) and as what to show again."""
    form = call.form or {}
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    channel_ids = _all_values(call, "channel_ids")
    data: dict = {"channel_ids": channel_ids}
    for name in ("title", "body"):
        data[name] = values[name]
    if values["content_type"]:
        data["content_type"] = values["content_type"]
    wall = values["publish_at"].strip()[:16]
    data["publish_at"] = wall or None
    data["timezone"] = values["timezone"].strip() or None
    data["tags"] = [tag.strip() for tag in values["tags"].split(",") if tag.strip()]
    data["due_at"] = values["due_at"].strip() or None
    data["links"] = [line.strip() for line in values["links"].splitlines() if line.strip()]
    data["assignee_ids"] = _all_values(call, "assignee_ids")
    if "campaign_id" in form:  # the campaign <select> (shown to those who may see campaigns); absent: kept
        values["campaign_id"] = form.get("campaign_id", "").strip()
        data["campaign_id"] = values["campaign_id"] or None
    state = FormState(values={**values, "publish_at": wall})
    state.channel_ids = channel_ids  # type: ignore[attr-defined]
    state.assignee_ids = data["assignee_ids"]  # type: ignore[attr-defined]
    return data, state


def _field_errors(exc: Exception, language: str) -> dict[str, str]:
    if isinstance(exc, ValidationError):
        raw = errors_from_validation(exc, language)
        if "__all__" in raw and "title" not in raw:  # "give the post a title or a text"
            raw["body"] = i18n.translate("post.error.empty", language)
            del raw["__all__"]
        return raw
    errors: dict[str, str] = {}
    for detail in getattr(exc, "details", None) or []:
        name = (detail.get("field") or "__all__").split(".")[0]
        if name == "variants":
            name = "body"
        message = detail.get("message") or ""
        text = i18n.translate("form.error.invalid", language)
        if name == "body" and detail.get("code"):
            text = message  # a network's limit, e.g. "X allows 280 characters; this text has 300."
        elif name == "channel_ids":
            text = i18n.translate("post.error.channel", language)
        elif name == "campaign_id":
            text = i18n.translate("campaigns.error.join_post", language)
        elif name == "publish_at":
            text = message or text
        errors[name] = (f"{errors[name]} {text}" if name == "body" else errors[name]) if name in errors else text
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def _form_page(call: PageCall, brand, form: FormState, *, post=None, status: int = 200, conflict: bool = False):
    chosen = set(getattr(form, "channel_ids", []) or [])
    channel_items = channel_list(call.principal, brand.id)
    body = form.value("body")
    previews = [{"channel": ch, "checked": ch.id in chosen, "count": limits.count_chars(body, ch.platform),
                 "max": limits.limit_for(ch.platform).max_chars} for ch in channel_items]
    action = url_for_form(post, brand)
    chosen_people = set(getattr(form, "assignee_ids", []) or [])
    team = [{"id": m.user_id, "name": m.name, "checked": m.user_id in chosen_people}
            for m in members.list_members(call.principal, brand.id, None, 100).items
            if set(m.roles) - {"client_approver"}]
    campaigns = None  # the campaign <select>: the brand's active campaigns and the post's own
    if call.principal.can(brand.id, Permission.view_campaigns):
        campaigns = campaign_members.choices(brand.id, post.campaign_id if post is not None else None, call.language)
    return call.render(
        "post_form.html", status=status, brand=brand, post=post, form=form, previews=previews, action=action,
        team=team, campaigns=campaigns,
        content_types=CONTENT_TYPES, conflict=conflict, limits_json=json.dumps(limits.limits_for_form()),
        has_script="post_form.js" in STATIC_TYPES)


def url_for_form(post, brand) -> str:
    return f"{post_path(post.id)}/edit" if post is not None else "/posts/new"


@page(bp, "/posts/new")
def new_post(call: PageCall):
    brand = brands.get(call.principal, call.query.get("brand_id") or "")
    call.principal.require(brand.id, Permission.edit_posts)
    form = FormState(values={"timezone": brand.timezone, "content_type": ContentType.engaging.value,
                             "brand_id": brand.id})
    form.channel_ids = []  # type: ignore[attr-defined]
    form.assignee_ids = []  # type: ignore[attr-defined]
    return _form_page(call, brand, form)


@page(bp, "/posts/new", ("POST",))
def create_post(call: PageCall):
    brand = brands.get(call.principal, (call.form or {}).get("brand_id") or "")
    data, form = _form_data(call)
    try:
        post, _ = posts.create(call.principal, PostCreate.model_validate({**data, "brand_id": brand.id}))
    except (ValidationError, ValidationFailed) as exc:
        form.errors = _field_errors(exc, call.language)
        return _form_page(call, brand, form, status=422)
    return call.redirect(post_path(post.id), done="post_created")


def _prefilled(post) -> FormState:
    form = FormState(values={"title": post.title or "", "body": post.body or "", "content_type": post.content_type,
                             "publish_at": post.publish_wall or "", "timezone": post.timezone or "",
                             "tags": ", ".join(post.tags or []), "due_at": post.due_at or "",
                             "links": "\n".join(post.links or []), "campaign_id": post.campaign_id or ""})
    form.channel_ids = list(post.channel_ids or [])  # type: ignore[attr-defined]
    form.assignee_ids = list(post.assignee_ids or [])  # type: ignore[attr-defined]
    return form


@page(bp, "/posts/{post_id}/edit", prefetch=post_prefetch)
def edit_post(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    call.principal.require(post.brand_id, Permission.edit_posts, what="post")
    return _form_page(call, brands.get(call.principal, post.brand_id), _prefilled(post), post=post)


@page(bp, "/posts/{post_id}/edit", ("POST",), prefetch=post_prefetch)
def save_post(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    brand = brands.get(call.principal, post.brand_id)
    data, form = _form_data(call)
    form.values["version"] = (call.form or {}).get("version", "")
    try:
        patch = PostPatch.model_validate({**data, "version": form.values["version"] or None})
        if patch.version is None:
            raise ValidationFailed("version", details=[{"field": "version"}])
        posts.update(call.principal, post_id, patch, None)
    except (ValidationError, ValidationFailed) as exc:
        form.errors = _field_errors(exc, call.language)
        return _form_page(call, brand, form, post=post, status=422)
    except Conflict:
        form.errors = {"__all__": i18n.translate("post.conflict", call.language)}
        return _form_page(call, brand, form, post=posts.get(call.principal, post_id, consistent=True),
                          status=409, conflict=True)
    return call.redirect(post_path(post_id), done="post_saved")
