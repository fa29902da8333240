"""Server-rendered pages for the marketing team: my brands, one brand with its channels and members.

Thin like the JSON door: parse (pages.page does authentication, CSRF and errors) → a service call →
render. Forms validate with the API's own schemas; a form with errors comes back as 422 with the
values kept, a successful POST answers 303 back to its page (post/redirect/get).
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.brands.channels.schemas import ChannelCreate, Platform
from chalicelib.brands.members.schemas import MemberAdd, MemberRemove
from chalicelib.brands.schemas import BrandPatch
from chalicelib.core import secret_refs
from chalicelib.core.errors import BadRequest, NotFound, ValidationFailed
from chalicelib.core.http.forms import FormState, errors_from_domain, errors_from_validation, validate
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.core.settings import get_settings
from chalicelib.identity.doors import page
from chalicelib.identity.rules import BRAND_ROLES, Permission

brands = lazy_import("chalicelib.brands.service")
channels = lazy_import("chalicelib.brands.channels.service")
members = lazy_import("chalicelib.brands.members.service")

bp = Blueprint(__name__)

LIST_LIMIT = 100  # channels and members shown on a brand page
DASHBOARD_PAGE = 50
CHANNEL_FIELDS = ("platform", "name", "handle", "external_id", "timezone", "credentials_ref", "credentials",
                  "user_credentials")
INVITE_FIELDS = ("email", "name", "role", "language")
# What a redirect after a successful form may announce (?done=…); anything else is ignored.
BRAND_NOTICES = ("channel_added", "channel_deleted", "member_added", "member_removed", "brand_settings_saved")


def brand_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}"


# --- my brands; a brand: its channels and members -----------------------------------------------------------

@page(bp, "/")
def dashboard(call: PageCall):
    principal = call.principal  # a client approver (only approving, in every brand) starts on the review board
    if principal.brands and not principal.is_admin and all(
            principal.can(b, Permission.view_asked_posts) and not principal.can(b, Permission.view_posts)
            for b in principal.brands):
        return call.redirect("/review")
    result = brands.list_mine(call.principal, call.query.get("cursor"), DASHBOARD_PAGE)
    return call.render("dashboard.html", brands=result.items, cursor=result.cursor)


def _zone_groups(preferred: str | None):
    from chalicelib.brands.planning import zone_groups
    from chalicelib.core.schedule import known_zones

    return zone_groups(known_zones(), preferred)


def _settings_form(brand) -> FormState:
    from chalicelib.brands.planning import clash_minutes

    return FormState(values={"timezone": brand.timezone,
                             "clash_minutes": str(clash_minutes(brands.brand_settings(brand)))})


def _brand_page(call: PageCall, brand_id: str, *, channel_form: FormState | None = None,
                member_form: FormState | None = None, settings_form: FormState | None = None, status: int = 200):
    principal = call.principal
    brand = brands.get(principal, brand_id)
    channel_page = (channels.list_channels(principal, brand_id, None, LIST_LIMIT)
                    if principal.can(brand_id, Permission.view_channels) else None)
    member_page = (members.list_members(principal, brand_id, None, LIST_LIMIT)
                   if principal.can(brand_id, Permission.view_members) else None)
    notice = call.query.get("done") if call.request.method == "GET" else None
    return call.render(
        "brand.html", status=status, brand=brand, brand_url=brand_path(brand_id),
        channels=channel_page, members=member_page,
        can_manage_channels=principal.can(brand_id, Permission.manage_channels),
        can_manage_members=principal.can(brand_id, Permission.manage_members),
        my_roles=principal.roles_in(brand_id),
        channel_form=channel_form or FormState(), member_form=member_form or FormState(),
        platforms=[p.value for p in Platform], roles=BRAND_ROLES,
        notice=notice if notice in BRAND_NOTICES else None,
        secret_prefix="ssm:" + secret_refs.ssm_prefix(get_settings().STAGE, brand.id),
        can_edit_brand=principal.can(brand_id, Permission.edit_brand),
        settings_form=settings_form or _settings_form(brand), zone_groups=_zone_groups(brand.timezone),
    )


@page(bp, "/brands/{brand_id}")
def brand_page(call: PageCall, brand_id):
    return _brand_page(call, brand_id)


@page(bp, "/brands/{brand_id}/channels", ("POST",), back="/brands/{brand_id}")
def add_channel(call: PageCall, brand_id):
    data, form = validate(ChannelCreate, call.form, call.language, fields=CHANNEL_FIELDS)
    form.values.pop("credentials", None)  # a token typed in is never sent back, not even to its sender
    form.values.pop("user_credentials", None)
    if data is not None:
        try:
            channels.create(call.principal, brand_id, data)
        except ValidationFailed as exc:
            form.errors = errors_from_domain(exc, call.language)
    if form.errors:
        return _brand_page(call, brand_id, channel_form=form, status=422)
    return call.redirect(brand_path(brand_id), fragment="channels", done="channel_added")


@page(bp, "/brands/{brand_id}/settings", ("POST",), back="/brands/{brand_id}")
def save_settings(call: PageCall, brand_id):
    """The brand's planning settings: its time zone (from the list) and the clash window (minutes)."""
    form = call.form or {}
    values = {name: (form.get(name) or "").strip() for name in ("timezone", "clash_minutes")}
    state = FormState(values=values)
    data: dict = {"settings": {"clash_minutes": values["clash_minutes"] or None}}
    if values["timezone"]:
        data["timezone"] = values["timezone"]
    try:
        patch = BrandPatch.model_validate(data)
    except ValidationError as exc:
        raw = errors_from_validation(exc, call.language)
        state.errors = {("clash_minutes" if name == "settings" else name): text for name, text in raw.items()}
        return _brand_page(call, brand_id, settings_form=state, status=422)
    brands.update(call.principal, brand_id, patch)
    return call.redirect(brand_path(brand_id), fragment="settings", done="brand_settings_saved")


@page(bp, "/brands/{brand_id}/channels/{channel_id}/delete", ("POST",), back="/brands/{brand_id}")
def delete_channel(call: PageCall, brand_id, channel_id):
    if channels.get(call.principal, channel_id).brand_id != brand_id:
        raise NotFound("No such channel.")
    channels.delete(call.principal, channel_id)
    return call.redirect(brand_path(brand_id), fragment="channels", done="channel_deleted")


@page(bp, "/brands/{brand_id}/members", ("POST",), back="/brands/{brand_id}")
def add_member(call: PageCall, brand_id):
    data, form = validate(MemberAdd, call.form, call.language, fields=INVITE_FIELDS, required=("email",))
    if data is None:
        return _brand_page(call, brand_id, member_form=form, status=422)
    members.add(call.principal, brand_id, data)
    return call.redirect(brand_path(brand_id), fragment="members", done="member_added")


@page(bp, "/brands/{brand_id}/members/remove", ("POST",), back="/brands/{brand_id}")
def remove_member(call: PageCall, brand_id):
    data, form = validate(MemberRemove, call.form, call.language)
    if data is None:  # hidden fields only: a hand-made request
        raise BadRequest("This form was changed.", details=[{"field": k} for k in form.errors])
    members.remove(call.principal, brand_id, data)
    return call.redirect(brand_path(brand_id), fragment="members", done="member_removed")
