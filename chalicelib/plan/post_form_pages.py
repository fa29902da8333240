"""The post form in the browser (create and edit); the calendar is plan/calendar_pages.py, the post
page plan/post_page.py.

Thin like routes.py: parse (pages.page does authentication, CSRF and errors) → one service call →
render. Forms validate with the API's schemas (PostCreate, PostPatch); a form with errors comes back
as 422 with the values kept, a stale edit as 409; a successful POST answers 303 to the post's page
(post/redirect/get).
"""
from __future__ import annotations

import json

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content.rules import limits
from chalicelib.content.rules.fields import CONTENT_TYPES, ContentType
from chalicelib.content.schemas import PostCreate, PostPatch
from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState, errors_from_validation
from chalicelib.core.http.pages import STATIC_TYPES, PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan.page_kit import all_values, channel_list, post_path, post_prefetch

posts = lazy_import("chalicelib.content.service")
brands = lazy_import("chalicelib.brands.service")
members = lazy_import("chalicelib.brands.members.service")
campaign_members = lazy_import("chalicelib.campaigns.members")

bp = Blueprint(__name__)

FORM_FIELDS = ("title", "body", "content_type", "publish_at", "timezone", "tags", "due_at", "links")


# --- the post form -------------------------------------------------------------------------------

def _form_data(call: PageCall) -> tuple[dict, FormState]:
    """The form as the schema's fields (empty → not given) and as what to show again."""
    form = call.form or {}
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    channel_ids = all_values(call, "channel_ids")
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
    data["assignee_ids"] = all_values(call, "assignee_ids")
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
