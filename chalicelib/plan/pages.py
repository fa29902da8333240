"""Post pages: the brand's calendar, the post form (create and edit) and the post page with its
approval timeline, versions, comments and the workflow buttons.

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

from chalicelib.core.db.pages import drain
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.plain import plain
from chalicelib.content.rules import limits
from chalicelib.core import schedule
from chalicelib.content.rules import workflow as wf
from chalicelib.content.rules.diff import inline_word_diff
from chalicelib.identity.rules import Permission
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.lazy import lazy_import
from chalicelib.content.schemas import CommentIn, ContentType, DecisionIn, PostCreate, PostOut, PostPatch, PostQuery
from chalicelib.core.http.forms import FormState, errors_from_validation
from chalicelib.core.http.pages import STATIC_TYPES, PageCall
from chalicelib.identity.doors import page

posts = lazy_import("chalicelib.content.service")
approvals = lazy_import("chalicelib.approvals.service")
brands = lazy_import("chalicelib.brands.service")
channels = lazy_import("chalicelib.brands.channels.service")
members = lazy_import("chalicelib.brands.members.service")
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
TARGET_STATES = ("scheduled", "publishing", "published", "failed", "unconfirmed", "missed", "skipped")
ATTEMPT_OUTCOMES = ("sending", "published", "refused", "failed", "unconfirmed", "manual")
STATUS_KEYS = {s.value: f"post.status.{s.value}" for s in wf.Status}
CONTENT_TYPES = [c.value for c in ContentType]
POST_NOTICES = ("post_created", "post_saved", "post_submitted", "post_decided", "post_held", "post_released",
                "post_archived", "comment_added", "target_retried", "target_resolved", "target_resent",
                "target_marked_published")
FORM_FIELDS = ("title", "body", "content_type", "publish_at", "timezone", "tags", "due_at", "links")


def post_path(post_id: str) -> str:
    return f"/posts/{quote(post_id, safe='')}"


def _post_prefetch(post_id):
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    return [(PostItem, *post_key(post_id))]


def _all_values(call: PageCall, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes); forms.parse_body keeps only the last."""
    raw = (call.request.raw_body or b"").decode("utf-8", "replace")
    return [v for v in parse_qs(raw, keep_blank_values=True, max_num_fields=100).get(name, []) if v]


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _wall_in(text: str | None, zone: str) -> datetime | None:
    """A stored UTC instant as a naive wall-clock datetime in `zone`."""
    instant = _utc(text)
    return datetime.strptime(schedule.to_wall(instant, zone), schedule.WALL_FORMAT) if instant else None


def _names(principal, brand_id: str) -> dict[str, str]:
    if not principal.can(brand_id, Permission.view_members):
        return {}
    page_ = members.list_members(principal, brand_id, None, PAGE)
    return {m.user_id: (m.name or m.email) for m in page_.items}


def _channel_list(principal, brand_id: str) -> list:
    if not principal.can(brand_id, Permission.view_channels):
        return []
    return list(channels.list_channels(principal, brand_id, None, PAGE).items)


def _labels(language: str) -> dict:
    return {key: i18n.translate(value, language) for key, value in STATUS_KEYS.items()}


def _notice(call: PageCall):
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
                 for t in target_repo.for_post(post.id) if t.state == "published" and _is_web_link(t.url)]
        if found:
            links[post.id] = found
    return links


def _is_web_link(url: str | None) -> bool:
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
        wall = _wall_in(post.publish_at, zone)
        if wall is not None:
            entries.append({"post": post, "wall": wall, "day": wall.date()})
    entries.sort(key=lambda e: e["wall"])
    by_day: dict[date, list] = {}
    for entry in entries:
        by_day.setdefault(entry["day"], []).append(entry)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    in_month = (lambda d: d.month == day.month) if view != "week" else (lambda d: True)
    channel_items = _channel_list(principal, brand.id)
    people = _names(principal, brand.id)
    live = _live_links([e["post"] for e in entries], {c.id: c.name for c in channel_items})
    return call.render(
        "calendar.html", brand=brand, view=view, day=day, today=today, weeks=weeks, by_day=by_day,
        entries=entries, unscheduled=unscheduled, truncated=truncated, in_month=in_month, live=live,
        prev_day=prev_day.isoformat(), next_day=next_day.isoformat(), filters=filters,
        channels=channel_items, people=people, statuses=CALENDAR_STATUSES, status_labels=_labels(call.language),
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
        elif name == "publish_at":
            text = message or text
        errors[name] = (f"{errors[name]} {text}" if name == "body" else errors[name]) if name in errors else text
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def _form_page(call: PageCall, brand, form: FormState, *, post=None, status: int = 200, conflict: bool = False):
    chosen = set(getattr(form, "channel_ids", []) or [])
    channel_items = _channel_list(call.principal, brand.id)
    body = form.value("body")
    previews = [{"channel": ch, "checked": ch.id in chosen, "count": limits.count_chars(body, ch.platform),
                 "max": limits.limit_for(ch.platform).max_chars} for ch in channel_items]
    action = url_for_form(post, brand)
    chosen_people = set(getattr(form, "assignee_ids", []) or [])
    team = [{"id": m.user_id, "name": m.name, "checked": m.user_id in chosen_people}
            for m in members.list_members(call.principal, brand.id, None, 100).items
            if set(m.roles) - {"client_approver"}]
    return call.render(
        "post_form.html", status=status, brand=brand, post=post, form=form, previews=previews, action=action,
        team=team,
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
                             "links": "\n".join(post.links or [])})
    form.channel_ids = list(post.channel_ids or [])  # type: ignore[attr-defined]
    form.assignee_ids = list(post.assignee_ids or [])  # type: ignore[attr-defined]
    return form


@page(bp, "/posts/{post_id}/edit", prefetch=_post_prefetch)
def edit_post(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    call.principal.require(post.brand_id, Permission.edit_posts, what="post")
    return _form_page(call, brands.get(call.principal, post.brand_id), _prefilled(post), post=post)


@page(bp, "/posts/{post_id}/edit", ("POST",), prefetch=_post_prefetch)
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


# --- the post page -------------------------------------------------------------------------------

def _targets_view(principal, post, zone: str, channel_by_id: dict, can_act: bool, language: str) -> list[dict]:
    """The post's publication targets as the page shows them, with the actions each one allows."""
    if not principal.can(post.brand_id, Permission.view_posts):
        return []
    _, targets, attempts = publishing.list_targets(principal, post.id)
    shown = []
    for target in sorted(targets, key=lambda t: t.sk):
        channel = channel_by_id.get(target.channel_id)
        state = target.state if target.state in TARGET_STATES else "scheduled"
        tries = sorted(attempts.get(target.channel_id, []), key=lambda a: a.sk)
        shown.append({
            "id": target.id, "state": state, "platform": target.platform, "manual": bool(target.manual),
            "label": i18n.translate(f"targets.state.{state}", language),
            "channel": channel.name if channel else target.channel_id,
            "url": target.url if _is_web_link(target.url) else None,
            "published": _wall_in(target.published_at, zone), "error": target.last_error,
            "attempts": [{"number": int(a.number), "at": _wall_in(a.started_at, zone), "error": a.error,
                          "outcome": i18n.translate(f"targets.outcome.{a.outcome}", language)
                          if a.outcome in ATTEMPT_OUTCOMES else a.outcome} for a in tries],
            "can_retry": can_act and state in ("failed", "missed"),
            "can_resolve": can_act and state == "unconfirmed",
            "can_mark": can_act and state == "publishing" and bool(target.manual)})
    return shown


def _post_page(call: PageCall, post_id: str, *, decision_form: FormState | None = None,
               comment_form: FormState | None = None, target_form: FormState | None = None,
               status: int = 200):
    from chalicelib.content import repo
    from chalicelib.brands.service import brand_settings

    principal = call.principal
    post = posts.get(principal, post_id, consistent=True)
    brand = brands.get(principal, post.brand_id)
    out = PostOut.of(post)
    state = repo.state_of(post)
    people = _names(principal, brand.id)
    channel_by_id = {c.id: c for c in _channel_list(principal, brand.id)}
    history = posts.history(principal, post_id)
    decisions = sorted(history["decisions"], key=lambda d: d.at)
    versions = sorted(history["versions"], key=lambda v: int(v.version))
    diff = None
    if len(versions) >= 2:
        old, new = plain(versions[-2].content), plain(versions[-1].content)
        diff = {"from": int(versions[-2].version), "to": int(versions[-1].version),
                "title": inline_word_diff(old.get("title") or "", new.get("title") or ""),
                "body": inline_word_diff(old.get("body") or "", new.get("body") or "")}
    stages = []
    status_ = wf.Status(post.status)
    for index, stage in enumerate(out.approval.stages):
        approved = [d for d in decisions if int(d.stage) == index and d.decision == "approve"
                    and int(d.version) == int(post.version)]
        if status_ in (wf.Status.approved, wf.Status.scheduled) or (status_ is wf.Status.in_review
                                                                     and index < state.stage_index):
            where = "done"
        elif status_ is wf.Status.in_review and index == state.stage_index:
            where = "current"
        else:
            where = "pending"
        deadline = None
        if where == "current" and out.approval.deadline:
            deadline = _wall_in(out.approval.deadline, post.timezone or brand.timezone)
        stages.append({"name": stage.name, "rule": stage.rule.value, "where": where, "approved": approved,
                       "approvers": stage.approvers, "deadline": deadline,
                       "overdue": bool(deadline) and out.approval.deadline <= iso(utcnow()),
                       "waiting": out.approval.waiting_for if where == "current" else []})
    is_author = post.author_id == principal.user_id
    can_edit = principal.can(brand.id, Permission.edit_posts)
    may_decide = wf.may_decide(state, principal.user_id,
                               authors_may_approve=bool(brand_settings(brand).get("authors_may_approve")))
    comments = posts.list_comments(principal, post_id, None, PAGE).items
    wall = _wall_in(post.publish_at, post.timezone or brand.timezone)
    targets = _targets_view(principal, post, post.timezone or brand.timezone, channel_by_id, can_edit,
                            call.language)
    return call.render(
        "post.html", status=status, post=post, brand=brand, out=out, people=people, channel_by_id=channel_by_id,
        targets=targets, target_form=target_form or FormState(),
        stages=stages, decisions=decisions, versions=versions, diff=diff, comments=comments,
        wall=wall, status_labels=_labels(call.language), notice=_notice(call), post_url=post_path(post.id),
        can_submit=can_edit and status_ in wf.SUBMITTABLE,
        can_edit=can_edit and status_ in wf.EDITABLE,
        can_decide=may_decide,
        can_hold=principal.can(brand.id, Permission.hold_posts) and status_ not in (wf.Status.archived,),
        can_archive=status_ in wf.ARCHIVABLE and (is_author or principal.can(brand.id, Permission.archive_posts)),
        can_comment_internal=principal.can(brand.id, Permission.comment_internal),
        decision_form=decision_form or FormState(), comment_form=comment_form or FormState(),
        decision_keys={d.value: f"post.decision.{d.value}" for d in wf.Decision},
        content_type_key=f"post.type.{post.content_type}")


@page(bp, "/posts/{post_id}", prefetch=_post_prefetch)
def post_page(call: PageCall, post_id):
    return _post_page(call, post_id)


def _action(name: str, notice: str, act):
    @page(bp, f"/posts/{{post_id}}/{name}", ("POST",), back="/posts/{post_id}")
    def view(call: PageCall, post_id):
        act(call.principal, post_id)
        return call.redirect(post_path(post_id), done=notice)

    view.__name__ = f"post_page_{name}"
    return view


submit = _action("submit", "post_submitted", lambda p, i: approvals.submit(p, i))
hold = _action("hold", "post_held", lambda p, i: posts.set_hold(p, i, True))
release = _action("release", "post_released", lambda p, i: posts.set_hold(p, i, False))
archive = _action("archive", "post_archived", lambda p, i: posts.archive(p, i))


@page(bp, "/posts/{post_id}/decide", ("POST",), back="/posts/{post_id}")
def decide(call: PageCall, post_id):
    form = call.form or {}
    state = FormState(values={k: form.get(k, "") for k in ("version", "decision", "comment")})
    try:
        data = DecisionIn.model_validate({k: v for k, v in state.values.items() if v.strip()})
    except ValidationError as exc:
        errors = errors_from_validation(exc, call.language)
        if "__all__" in errors:
            errors = {"comment": i18n.translate("post.error.comment_needed", call.language)}
        state.errors = errors
        return _post_page(call, post_id, decision_form=state, status=422)
    approvals.decide(call.principal, post_id, data)
    return call.redirect(post_path(post_id), done="post_decided")


@page(bp, "/posts/{post_id}/comments", ("POST",), back="/posts/{post_id}")
def comment(call: PageCall, post_id):
    form = call.form or {}
    state = FormState(values={k: form.get(k, "") for k in ("text", "visibility")})
    try:
        data = CommentIn.model_validate({k: v for k, v in state.values.items() if v.strip()})
    except ValidationError as exc:
        state.errors = errors_from_validation(exc, call.language)
        return _post_page(call, post_id, comment_form=state, status=422)
    posts.add_comment(call.principal, post_id, data.text, data.visibility)
    return call.redirect(post_path(post_id), fragment="comments", done="comment_added")


# --- publication targets: what people do with those that need them --------------------------------

def _target_action(call: PageCall, post_id: str, target_id: str, act, notice: str, *, with_url: bool = False):
    """One action on one of the post's targets; a refused one (bad link 422, wrong state or a
    concurrent change 409) comes back as the post page with the message next to that target."""
    from chalicelib.core.errors import InvalidTransition, NotFound
    from chalicelib.publishing.schemas import MarkPublishedIn

    if not target_id.startswith(post_id) or len(target_id) <= len(post_id):
        raise NotFound("No such publication target.")
    form = call.form or {}
    state = FormState(values={"target_id": target_id, "url": (form.get("url") or "").strip()})
    try:
        url = str(MarkPublishedIn.model_validate({"url": state.values["url"]}).url) if with_url else None
        act(call.principal, target_id, url)
    except ValidationError:
        state.errors = {"url": i18n.translate("targets.error.url", call.language)}
        return _post_page(call, post_id, target_form=state, status=422)
    except InvalidTransition as exc:
        now = exc.extra.get("state")
        if now in TARGET_STATES:  # it moved on meanwhile (or the button was stale)
            label = i18n.translate(f"targets.state.{now}", call.language)
            state.errors = {"__all__": i18n.translate("targets.error.state", call.language, state=label)}
        else:  # the only other refusal: the post is on hold
            state.errors = {"__all__": i18n.translate("targets.error.on_hold", call.language)}
        return _post_page(call, post_id, target_form=state, status=409)
    except Conflict:
        state.errors = {"__all__": i18n.translate("targets.error.conflict", call.language)}
        return _post_page(call, post_id, target_form=state, status=409)
    return call.redirect(post_path(post_id), fragment="publishing", done=notice)


TARGET_BACK = "/posts/{post_id}"


@page(bp, "/posts/{post_id}/targets/{target_id}/retry", ("POST",), back=TARGET_BACK)
def target_retry(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, _url: publishing.retry(p, t), "target_retried")


@page(bp, "/posts/{post_id}/targets/{target_id}/went-out", ("POST",), back=TARGET_BACK)
def target_went_out(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, url: publishing.resolve(p, t, "published", url),
                          "target_resolved", with_url=True)


@page(bp, "/posts/{post_id}/targets/{target_id}/send-again", ("POST",), back=TARGET_BACK)
def target_send_again(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, _url: publishing.resolve(p, t, "resend", None),
                          "target_resent")


@page(bp, "/posts/{post_id}/targets/{target_id}/mark-published", ("POST",), back=TARGET_BACK)
def target_mark_published(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, url: publishing.mark_published(p, t, url),
                          "target_marked_published", with_url=True)
