"""The post form in the browser (create and edit); the calendar is plan/calendar_pages.py, the post
page plan/post_page.py. What it does for the author is described in docs/post-form.md.

Thin like routes.py: parse (pages.page does authentication, CSRF and errors) → one service call →
render. Forms validate with the API's schemas (PostCreate, PostPatch); a form with errors comes back
as 422 with the values kept, a stale edit as 409; a successful POST answers 303 to the post's page
(post/redirect/get) — or, when the post clashes with another one on a channel, to the form again,
which shows the clash (a warning: the post is saved).

Server-rendered first: each chosen channel gets a preview (the text cut where the network cuts it,
the counter, the media layout) and a plain textarea `variant_<channel id>` for its own text (empty:
the main text). post_form.js turns the previews into tabs with live counters.
"""
from __future__ import annotations

import json
import logging

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content import guard_text
from chalicelib.content.rules import guardrails, limits
from chalicelib.content.rules.channel_text import text_for_channel
from chalicelib.content.rules.fields import CONTENT_TYPES, ContentType
from chalicelib.content.schemas import PostCreate, PostPatch
from chalicelib.core import i18n, schedule
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState, errors_from_validation
from chalicelib.core.http.pages import STATIC_TYPES, PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan.page_kit import all_values, channel_list, post_path, post_prefetch

posts = lazy_import("chalicelib.content.service")
guards = lazy_import("chalicelib.content.guards")
brands = lazy_import("chalicelib.brands.service")
members = lazy_import("chalicelib.brands.members.service")
campaign_members = lazy_import("chalicelib.campaigns.members")

bp = Blueprint(__name__)

FORM_FIELDS = ("title", "body", "content_type", "publish_at", "timezone", "tags", "due_at", "links")
VARIANT_PREFIX = "variant_"
CHECKED = ("1", "on", "true", "yes")
# What a redirect back to the form may announce (?done=…).
FORM_NOTICES = ("post_saved", "post_created")


# --- media (helper F's package; the form works without it) ------------------------------------------

def _media_from_form(values: list[str]) -> list[dict]:
    try:
        from chalicelib.media.form import media_from_form
    except ImportError:  # pragma: no cover - the media package is not installed
        return []
    return media_from_form(values)


def _media_shown(media: list[dict]) -> list[dict]:
    try:
        from chalicelib.media.display import shown
    except ImportError:  # pragma: no cover
        return []
    try:
        return shown(media)
    except Exception:  # noqa: BLE001 - a preview never breaks the form
        return []


def _has_media_field() -> bool:
    from chalicelib.core.rendering import TEMPLATES_DIR

    return (TEMPLATES_DIR / "_media_field.html").is_file()


# --- the post form -------------------------------------------------------------------------------

def _form_data(call: PageCall, *, editing: bool) -> tuple[dict, FormState]:
    """The form as the schema's fields (empty → not given) and as what to show again."""
    form = call.form or {}
    values = {name: form.get(name, "") for name in FORM_FIELDS}
    channel_ids = all_values(call, "channel_ids")
    data: dict = {"channel_ids": channel_ids}
    for name in ("title", "body"):
        data[name] = values[name]
    if values["content_type"]:
        data["content_type"] = values["content_type"]
    publish_now = (form.get("publish_now") or "").strip().lower() in CHECKED
    wall = values["publish_at"].strip()[:16]
    data["publish_at"] = None if publish_now else (wall or None)
    if publish_now or editing:
        data["publish_now"] = publish_now
    data["timezone"] = values["timezone"].strip() or None
    data["tags"] = [tag.strip() for tag in values["tags"].split(",") if tag.strip()]
    data["due_at"] = values["due_at"].strip() or None
    data["links"] = [line.strip() for line in values["links"].splitlines() if line.strip()]
    data["assignee_ids"] = all_values(call, "assignee_ids")
    if "campaign_id" in form:  # the campaign <select> (shown to those who may see campaigns); absent: kept
        values["campaign_id"] = form.get("campaign_id", "").strip()
        data["campaign_id"] = values["campaign_id"] or None
    typed = {key[len(VARIANT_PREFIX):]: text for key, text in form.items()
             if key.startswith(VARIANT_PREFIX) and isinstance(text, str)}
    main = values["body"].strip()
    data["variants"] = {cid: {"body": typed[cid]} for cid in channel_ids
                        if typed.get(cid, "").strip() and typed[cid].strip() != main}
    media_items = None
    if "media_field" in form:  # the media editor was on the page: its items replace the post's
        media_items = _media_from_form(all_values(call, "media"))
        data["media"] = media_items
    state = FormState(values={**values, "publish_at": wall, "publish_now": "1" if publish_now else ""})
    state.channel_ids = channel_ids  # type: ignore[attr-defined]
    state.assignee_ids = data["assignee_ids"]  # type: ignore[attr-defined]
    state.variants = {cid: text for cid, text in typed.items()}  # type: ignore[attr-defined]
    state.media = media_items  # type: ignore[attr-defined]
    return data, state


def _message(detail: dict, language: str) -> str:
    """One problem of the service in the page's language (codes and params, not the API's words)."""
    return guard_text.detail_message(detail, language) or i18n.translate("form.error.invalid", language)


def _field_errors(exc: Exception, language: str) -> dict[str, str]:
    if isinstance(exc, ValidationError):
        raw = errors_from_validation(exc, language)
        if "__all__" in raw and "title" not in raw:  # "give the post a title or a text"
            raw["body"] = i18n.translate("post.error.empty", language)
            del raw["__all__"]
        for name in [n for n in raw if n == "variants"]:
            raw["body"] = raw.pop(name)
        return raw
    errors: dict[str, str] = {}
    for detail in getattr(exc, "details", None) or []:
        parts = (detail.get("field") or "__all__").split(".")
        name = parts[0]
        if name == "variants" and len(parts) > 1:
            name = VARIANT_PREFIX + parts[1]
        text = i18n.translate("form.error.invalid", language)
        if (name == "body" or name.startswith(VARIANT_PREFIX) or name in ("title", "media")) and detail.get("code"):
            text = _message(detail, language)  # a network's limit, e.g. "X allows 280 characters; …"
        elif name == "channel_ids":
            text = _message(detail, language) if detail.get("code") else i18n.translate("post.error.channel", language)
        elif name == "campaign_id":
            text = i18n.translate("campaigns.error.join_post", language)
        elif name == "publish_at":
            text = _message(detail, language) if detail.get("code") else (detail.get("message") or text)
        errors[name] = f"{errors[name]} {text}" if name in errors and text not in errors[name] else text
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def _previews(channel_items: list, form: FormState, media: list[dict]) -> list[dict]:
    """One preview per channel of the brand (the chosen ones shown): the channel's text as the network
    shows it (limits.cut), its counter and limit, and the variant typed for it."""
    chosen = set(getattr(form, "channel_ids", []) or [])
    variants = getattr(form, "variants", {}) or {}
    body = form.value("body")
    has_media = bool(media)
    previews = []
    for ch in channel_items:
        variant = variants.get(ch.id, "")
        text = text_for_channel({"body": body, "variants": {ch.id: {"body": variant}} if variant.strip() else {}},
                                ch.id)
        cut = limits.cut(text, ch.platform, has_media)
        previews.append({"channel": ch, "checked": ch.id in chosen, "variant": variant, "text": text, "cut": cut,
                         "count": cut.count, "max": cut.max_chars, "over": cut.is_over,
                         "caption": has_media and limits.limit_for(ch.platform).caption_max_chars is not None,
                         "error": form.errors.get(VARIANT_PREFIX + ch.id)})
    return previews


def zone_groups(preferred: str | None) -> list[tuple[str, list[str]]]:
    """The time zones of a <select> (common first, then by region), `preferred` among the common."""
    return guardrails.zone_groups(schedule.known_zones(), preferred)


def _form_page(call: PageCall, brand, form: FormState, *, post=None, status: int = 200, conflict: bool = False,
               clashes: list[str] | None = None, notice: str | None = None):
    channel_items = channel_list(call.principal, brand.id)
    media = getattr(form, "media", None)
    if media is None:  # not from a form sent back: the post's own (as plain dicts)
        media = [m for m in posts.content_of(post)["media"] if isinstance(m, dict)] if post is not None else []
    shown = _media_shown(media)
    previews = _previews(channel_items, form, media)
    action = url_for_form(post, brand)
    chosen_people = set(getattr(form, "assignee_ids", []) or [])
    team = [{"id": m.user_id, "name": m.name, "checked": m.user_id in chosen_people}
            for m in members.list_members(call.principal, brand.id, None, 100).items
            if set(m.roles) - {"client_approver"}]
    campaigns = None  # the campaign <select>: the brand's active campaigns and the post's own
    if call.principal.can(brand.id, Permission.view_campaigns):
        campaigns = campaign_members.choices(brand.id, post.campaign_id if post is not None else None, call.language)
    zone = form.value("timezone") or brand.timezone
    return call.render(
        "post_form.html", status=status, brand=brand, post=post, form=form, previews=previews, action=action,
        team=team, campaigns=campaigns, media_items=media, media_shown=shown, has_media_field=_has_media_field(),
        content_types=CONTENT_TYPES, conflict=conflict, limits_json=json.dumps(limits.limits_for_form()),
        zone_groups=zone_groups(zone), zone_selected=zone, clashes=clashes or [], notice=notice,
        clash_minutes=guardrails.clash_minutes(brands.brand_settings(brand)),
        has_script="post_form.js" in STATIC_TYPES)


def url_for_form(post, brand) -> str:
    return f"{post_path(post.id)}/edit" if post is not None else "/posts/new"


def _after_save(call: PageCall, post, notices: list[str], notice: str):
    """To the post's page; to the form again when the save's notices say it clashes with another post
    (the form shows the clash). The service already looked: no second Query after the write."""
    if guards.has_clash(notices):
        return call.redirect(f"{post_path(post.id)}/edit", done=notice)
    return call.redirect(post_path(post.id), done=notice)


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
    data, form = _form_data(call, editing=False)
    try:
        post, notices = posts.create(call.principal, PostCreate.model_validate({**data, "brand_id": brand.id}))
    except (ValidationError, ValidationFailed) as exc:
        form.errors = _field_errors(exc, call.language)
        return _form_page(call, brand, form, status=422)
    return _after_save(call, post, notices, "post_created")


def _prefilled(post) -> FormState:
    form = FormState(values={"title": post.title or "", "body": post.body or "", "content_type": post.content_type,
                             "publish_at": post.publish_wall or "", "timezone": post.timezone or "",
                             "tags": ", ".join(post.tags or []), "due_at": post.due_at or "",
                             "links": "\n".join(post.links or []), "campaign_id": post.campaign_id or "",
                             "publish_now": "1" if getattr(post, "publish_now", False) else ""})
    form.channel_ids = list(post.channel_ids or [])  # type: ignore[attr-defined]
    form.assignee_ids = list(post.assignee_ids or [])  # type: ignore[attr-defined]
    variants = posts.content_of(post)["variants"]
    form.variants = {cid: (v or {}).get("body") or "" for cid, v in variants.items()}  # type: ignore[attr-defined]
    return form


def _clash_lines(call: PageCall, post, brand) -> list[str]:
    try:
        found = guards.clashes(post, brand)
    except Exception:  # noqa: BLE001 - a warning never keeps the form from opening
        logging.getLogger(__name__).exception("clash check failed for post %s", post.id)
        return []
    if not found:
        return []
    names = {c.id: c.name for c in channel_list(call.principal, brand.id)}
    return guards.clash_lines(found, names, post.timezone or brand.timezone, call.language)


@page(bp, "/posts/{post_id}/edit", prefetch=post_prefetch)
def edit_post(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    call.principal.require(post.brand_id, Permission.edit_posts, what="post")
    brand = brands.get(call.principal, post.brand_id)
    done = call.query.get("done")
    return _form_page(call, brand, _prefilled(post), post=post, clashes=_clash_lines(call, post, brand),
                      notice=done if done in FORM_NOTICES else None)


@page(bp, "/posts/{post_id}/edit", ("POST",), prefetch=post_prefetch)
def save_post(call: PageCall, post_id):
    post = posts.get(call.principal, post_id)
    brand = brands.get(call.principal, post.brand_id)
    data, form = _form_data(call, editing=True)
    form.values["version"] = (call.form or {}).get("version", "")
    try:
        patch = PostPatch.model_validate({**data, "version": form.values["version"] or None})
        if patch.version is None:
            raise ValidationFailed("version", details=[{"field": "version"}])
        saved, notices = posts.update(call.principal, post_id, patch, None)
    except (ValidationError, ValidationFailed) as exc:
        form.errors = _field_errors(exc, call.language)
        return _form_page(call, brand, form, post=post, status=422)
    except Conflict:
        form.errors = {"__all__": i18n.translate("post.conflict", call.language)}
        return _form_page(call, brand, form, post=posts.get(call.principal, post_id, consistent=True),
                          status=409, conflict=True)
    return _after_save(call, saved, notices, "post_saved")
