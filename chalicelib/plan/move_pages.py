"""Rescheduling a post from the calendar: the drag-and-drop endpoint and its no-JS twin.

  GET  /posts/{id}/move    a small "move to" form (date, time) — the phone's and keyboard's way
  POST /posts/{id}/move    version, date (YYYY-MM-DD), time (HH:MM, optional: kept when absent) and
                           `back` (the calendar's query to return to); CSRF checked by the page door

The new time is a wall time in the brand's zone (the calendar's zone); it is turned into the post's own
zone and goes through content.service.update like the form's edit, with the post's version: the
same permissions, limits, guardrails and stale-version conflict apply. Only publish_at changes, so the
content hash is unchanged and the workflow keeps the approval (wf.edit with content_changed=False: an
approved or scheduled post stays approved/scheduled at its new time; publishing re-queues its targets).

A fetch (Accept: application/json) gets JSON {ok, message, …} with the status; a plain form gets a
303 back to the calendar, or the move page again with the error.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from chalicelib.content import guard_text
from chalicelib.content.rules import guardrails
from chalicelib.content.schemas import PostPatch
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan.page_kit import post_path, post_prefetch, wall_in
from chalicelib.plan.rules import calendar as rules

posts = lazy_import("chalicelib.content.service")
brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)

BACK_KEYS = ("brand_id", "view", "date", "status", "channel_id", "assignee_id", "tag", "campaign_id", "q")


class MoveRefused(ValidationFailed):
    """A landing the calendar refuses before asking the service (bad date/time, in the past)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def back_query(text: str | None, brand_id: str) -> dict[str, str]:
    """The calendar query to return to: only the calendar's own keys, for the post's brand."""
    query = {k: v[:200] for k, v in parse_qsl((text or "").lstrip("?"), keep_blank_values=False) if k in BACK_KEYS}
    query["brand_id"] = brand_id
    return query


def _wants_json(call: PageCall) -> bool:
    return "application/json" in (call.request.headers.get("accept") or "")


def error_message(exc: Exception, language: str) -> str:
    """What went wrong, in the reader's language. Service errors are mapped by their kind; a
    validation problem with a translated code (a guardrail, a network limit) shows that text."""
    if isinstance(exc, MoveRefused):
        return i18n.translate(f"calendar.move.error.{exc.key}", language)
    if isinstance(exc, InvalidTransition):
        return i18n.translate("calendar.move.error.not_editable", language)
    if isinstance(exc, Conflict):
        return i18n.translate("calendar.move.error.conflict", language)
    if isinstance(exc, Forbidden):
        return i18n.translate("calendar.move.error.forbidden", language)
    if isinstance(exc, NotFound):
        return i18n.translate("calendar.move.error.not_found", language)
    if isinstance(exc, ValidationFailed):
        texts = [guard_text.detail_message(detail, language) for detail in exc.details or []]
        texts = [text for text in texts if text]
        if texts:
            return " ".join(dict.fromkeys(texts))
        if exc.message:  # the service's own words (a guardrail says it in the person's language)
            return i18n.translate("calendar.move.error.invalid_detail", language, detail=exc.message)
        return i18n.translate("calendar.move.error.invalid", language)
    return i18n.translate("calendar.move.error.invalid", language)


def move(principal, post_id: str, version_text: str | None, date_text: str | None, time_text: str | None):
    """Reschedule `post_id` to a wall time in its brand's zone; returns (post, brand, wall in the brand's
    zone, the service's notices: a DST adjustment, a clash with another post on a channel)."""
    post = posts.get(principal, post_id)
    brand = brands.get(principal, post.brand_id)
    principal.require(post.brand_id, Permission.edit_posts, what="post")
    try:
        version = int(str(version_text or "").strip())
        if version < 1:
            raise ValueError
    except ValueError:
        raise MoveRefused("version") from None
    zone = brand.timezone
    landing = rules.landing(date_text, time_text, wall_in(post.publish_at, zone))
    if landing.error:
        raise MoveRefused(landing.error)
    instant = schedule.to_utc(landing.wall, zone)
    if guardrails.is_past(instant, utcnow()):  # the service refuses it too; this says it in the calendar's words
        raise MoveRefused("past")
    own_zone = post.timezone or zone  # the post keeps its own zone; its wall time follows the instant
    patch = PostPatch(version=version, publish_at=schedule.to_wall(instant, own_zone), timezone=own_zone)
    saved, notices = posts.update(principal, post_id, patch, None)
    return saved, brand, wall_in(saved.publish_at, zone), list(notices or [])


def _json(code: int, **body) -> Response:
    return Response(body=json.dumps(body), status_code=code, headers={"Content-Type": "application/json"})


def _move_page(call: PageCall, post, brand, *, values: dict, error: str | None = None, status: int = 200):
    return call.render("post_move.html", status=status, post=post, brand=brand, values=values, error=error,
                       back=values.get("back", ""), back_url=back_query(values.get("back"), brand.id),
                       day_min=f"{rules.FIRST_YEAR}-01-01", day_max=f"{rules.LAST_YEAR}-12-31")


@page(bp, "/posts/{post_id}/move", prefetch=post_prefetch)
def move_form(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    call.principal.require(post.brand_id, Permission.edit_posts, what="post")
    brand = brands.get(call.principal, post.brand_id)
    wall = wall_in(post.publish_at, brand.timezone)
    values = {"date": wall.date().isoformat() if wall else "", "time": wall.strftime("%H:%M") if wall else "",
              "version": str(post.version), "back": call.query.get("back") or ""}
    return _move_page(call, post, brand, values=values)


@page(bp, "/posts/{post_id}/move", ("POST",), prefetch=post_prefetch)
def move_post(call: PageCall, post_id):
    form = call.form or {}
    values = {name: (form.get(name) or "").strip() for name in ("version", "date", "time", "back")}
    try:
        saved, brand, wall, notices = move(call.principal, post_id, values["version"], values["date"], values["time"])
    except DomainError as exc:
        message = error_message(exc, call.language)
        if _wants_json(call):
            current = None
            if isinstance(exc, Conflict) and not isinstance(exc, InvalidTransition):
                current = exc.extra.get("current_version")
            return _json(exc.status, ok=False, message=message, current_version=current)
        if isinstance(exc, (NotFound, Forbidden)):
            raise
        post = posts.get(call.principal, post_id, consistent=True)
        brand = brands.get(call.principal, post.brand_id)
        if isinstance(exc, Conflict):
            values["version"] = str(post.version)  # the form shows the current post; moving again is deliberate
        return _move_page(call, post, brand, values=values, error=message, status=exc.status)
    when = wall.strftime("%Y-%m-%d %H:%M") if wall else ""
    message = i18n.translate("calendar.move.done", call.language, when=when)
    if _wants_json(call):
        return _json(200, ok=True, message=" ".join([message, *notices]), notices=notices,
                     version=int(saved.version), status=saved.status,
                     date=wall.date().isoformat() if wall else None, time=wall.strftime("%H:%M") if wall else None,
                     post=post_path(saved.id))
    query = back_query(values["back"], brand.id)
    query["date"] = wall.date().isoformat() if wall else query.get("date")
    return call.redirect("/calendar", done="post_moved", **query)
