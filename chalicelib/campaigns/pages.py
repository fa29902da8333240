"""Campaigns in the browser: a brand's campaigns (name, goal, dates, budget, status) with the form that
makes a new one (managers), the form that changes one (and archives or unarchives it), and a campaign's
cost lines (list, add, delete). The campaign's own page, /campaigns/{id}, is the report's
(campaigns/report/pages.py); these pages link to it.

Thin like every page: parse (pages.page does authentication, CSRF and errors) → a service call →
render. Forms validate with the API's schemas (page_forms.py); a refused form comes back as its page
with the values kept and the message next to the field (422; a stale edit 409); a successful POST
answers 303 (post/redirect/get).
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.campaigns.page_forms import (
    CAMPAIGN_FIELDS,
    COST_FIELDS,
    campaign_data,
    check,
    cost_data,
    errors_of,
    posted,
    values_of,
)
from chalicelib.campaigns.rules.fields import COUNT_TARGETS, GOALS, MONEY_TARGETS
from chalicelib.campaigns.schemas import CampaignCreate, CampaignPatch, CampaignQuery, CostKind, CostLineCreate
from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission

service = lazy_import("chalicelib.campaigns.service")
costs = lazy_import("chalicelib.campaigns.costs")
brands = lazy_import("chalicelib.brands.service")
display = lazy_import("chalicelib.deals.page_display")

bp = Blueprint(__name__)

PAGE = 50
STYLESHEET = "influencers.css"  # the directory's rows, fieldsets and badges serve campaigns too
NOTICES = ("created", "saved", "archived", "unarchived", "cost_added", "cost_deleted")
BADGES = {"active": "status-approved", "archived": "status-archived"}


# --- addresses and what every page gets -----------------------------------------------------------------

def list_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}/campaigns"


def campaign_path(campaign_id: str) -> str:
    return f"/campaigns/{quote(campaign_id, safe='')}"


def labels(language: str) -> dict:
    def tr(prefix: str, names) -> dict[str, str]:
        return {name: i18n.translate(f"campaigns.{prefix}.{name}", language) for name in names}

    return {"goal": tr("goal", GOALS), "kind": tr("kind", [k.value for k in CostKind]),
            "status": tr("status", ("active", "archived")),
            "target": tr("target", (*COUNT_TARGETS, *MONEY_TARGETS, "roi_min"))}


def _common(call: PageCall) -> dict:
    done = call.query.get("done") if call.request.method == "GET" else None
    notice = i18n.translate(f"campaigns.notice.{done}", call.language) if done in NOTICES else None
    return {"labels": labels(call.language), "shown": display.Shown(call.language), "stylesheet": STYLESHEET,
            "notice": notice, "badges": BADGES, "goals": GOALS, "count_targets": COUNT_TARGETS,
            "money_targets": MONEY_TARGETS}


def budget_of(campaign):
    from chalicelib.core.money import Money

    return None if campaign.budget_minor is None else Money(int(campaign.budget_minor), campaign.currency)


# --- the list and the new campaign ----------------------------------------------------------------------

def _list_page(call: PageCall, brand_id: str, form: FormState | None = None, status: int = 200):
    principal = call.principal
    cursor = (call.query.get("cursor") or None) if call.request.method == "GET" else None
    found = service.directory(principal, brand_id, CampaignQuery(cursor=cursor, limit=PAGE))
    brand = brands.get(principal, brand_id)
    can_manage = service.can_manage(principal, brand_id)
    form = form or FormState(values={"currency": "RUB", "goal": "sales"})
    return call.render("campaigns/list.html", status=status, brand=brand, items=found.items, cursor=found.cursor,
                       can_manage=can_manage, form=form, budget_of=budget_of, list_url=list_path(brand_id),
                       currencies=display.currencies(call.language, form.value("currency") or "RUB"),
                       **_common(call))


@page(bp, "/brands/{brand_id}/campaigns")
def campaign_list(call: PageCall, brand_id):
    return _list_page(call, brand_id)


@page(bp, "/brands/{brand_id}/campaigns", ("POST",))
def create_campaign(call: PageCall, brand_id):
    call.principal.require(brand_id, Permission.manage_campaigns)
    values = posted(call.form, CAMPAIGN_FIELDS)
    data = campaign_data(values, call.language)
    made, errors = check(CampaignCreate, data, call.language)
    if made is not None:
        try:
            campaign = service.create(call.principal, brand_id, made)
        except ValidationFailed as exc:
            errors = errors_of(exc, call.language, data)
        else:
            return call.redirect(list_path(brand_id), fragment=f"campaign-{campaign.id}", done="created")
    return _list_page(call, brand_id, FormState(values, errors), status=422)


# --- editing, archiving -----------------------------------------------------------------------------------

def _form_page(call: PageCall, campaign, form: FormState, status: int = 200, conflict: bool = False):
    brand = brands.get(call.principal, campaign.brand_id)
    return call.render("campaigns/form.html", status=status, brand=brand, campaign=campaign, form=form,
                       conflict=conflict, list_url=list_path(brand.id), campaign_url=campaign_path(campaign.id),
                       **_common(call))


@page(bp, "/campaigns/{campaign_id}/edit")
def edit_campaign(call: PageCall, campaign_id):
    campaign = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
    return _form_page(call, campaign, FormState(values={**values_of(campaign), "version": str(campaign.version)}))


@page(bp, "/campaigns/{campaign_id}/edit", ("POST",))
def save_campaign(call: PageCall, campaign_id):
    campaign = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
    values = posted(call.form, [n for n in CAMPAIGN_FIELDS if n != "currency"])
    version = (call.form or {}).get("version", "").strip()
    data = campaign_data(values, call.language, campaign.currency)
    patch, errors = check(CampaignPatch, {**data, "version": version or None}, call.language)
    if not version:  # the form always sends the version it was read at
        patch, errors = None, {**errors, "__all__": i18n.translate("campaigns.error.version", call.language)}
    form = FormState({**values, "currency": campaign.currency, "version": version}, errors)
    if patch is None:
        return _form_page(call, campaign, form, status=422)
    try:
        service.update(call.principal, campaign_id, patch)
    except ValidationFailed as exc:
        form.errors = errors_of(exc, call.language, data)
        return _form_page(call, campaign, form, status=422)
    except Conflict:
        fresh = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
        archived = fresh.status == "archived"
        key = "campaigns.error.archived" if archived else "campaigns.conflict"
        form.errors = {"__all__": i18n.translate(key, call.language)}
        return _form_page(call, fresh, form, status=409, conflict=not archived)
    return call.redirect(list_path(campaign.brand_id), fragment=f"campaign-{campaign.id}", done="saved")


def _status_form(call: PageCall, campaign_id: str, archive: bool):
    version = (call.form or {}).get("version", "").strip()
    expected = int(version) if version.isdigit() and len(version) < 10 else None
    move = service.archive if archive else service.unarchive
    try:
        campaign = move(call.principal, campaign_id, expected)
    except Conflict:
        fresh = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
        archived = fresh.status == "archived"
        key = "campaigns.error.archived" if archived else "campaigns.conflict"
        form = FormState({**values_of(fresh), "version": str(fresh.version)},
                         {"__all__": i18n.translate(key, call.language)})
        return _form_page(call, fresh, form, status=409, conflict=not archived)
    return call.redirect(list_path(campaign.brand_id), fragment=f"campaign-{campaign.id}",
                         done="archived" if archive else "unarchived")


@page(bp, "/campaigns/{campaign_id}/archive", ("POST",), back="/campaigns/{campaign_id}/edit")
def archive_campaign(call: PageCall, campaign_id):
    return _status_form(call, campaign_id, True)


@page(bp, "/campaigns/{campaign_id}/unarchive", ("POST",), back="/campaigns/{campaign_id}/edit")
def unarchive_campaign(call: PageCall, campaign_id):
    return _status_form(call, campaign_id, False)


# --- cost lines -------------------------------------------------------------------------------------------

def _costs_page(call: PageCall, campaign_id: str, form: FormState | None = None, status: int = 200,
                problem: str | None = None):
    campaign, items = costs.lines(call.principal, campaign_id)
    brand = brands.get(call.principal, campaign.brand_id)
    form = form or FormState(values={"kind": "boost"})
    return call.render("campaigns/costs.html", status=status, brand=brand, campaign=campaign, items=items,
                       total=costs.total(campaign, items), amount_of=costs.amount, problem=problem,
                       can_manage=service.can_manage(call.principal, campaign.brand_id) and campaign.status == "active",
                       form=form, kinds=[k.value for k in CostKind], list_url=list_path(brand.id),
                       campaign_url=campaign_path(campaign.id), **_common(call))


def _cost_conflict(call: PageCall, campaign_id: str, form: FormState | None = None):
    """The costs page again (409) saying why a line could not be added or deleted: the campaign is archived
    (now), or its lines changed at the same time."""
    fresh = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
    key = "campaigns.error.archived" if fresh.status == "archived" else "campaigns.error.costs_changed"
    return _costs_page(call, campaign_id, form, status=409, problem=i18n.translate(key, call.language))


@page(bp, "/campaigns/{campaign_id}/costs")
def cost_list(call: PageCall, campaign_id):
    return _costs_page(call, campaign_id)


@page(bp, "/campaigns/{campaign_id}/costs", ("POST",))
def add_cost(call: PageCall, campaign_id):
    campaign = service.require(call.principal, campaign_id, Permission.manage_campaigns, consistent=True)
    values = posted(call.form, COST_FIELDS)
    if campaign.status != "active":
        return _cost_conflict(call, campaign_id, FormState(values))
    data = cost_data(values, campaign.currency, call.language)
    line, errors = check(CostLineCreate, data, call.language)
    if line is not None:
        try:
            costs.add(call.principal, campaign_id, line)
        except ValidationFailed as exc:
            errors = errors_of(exc, call.language, data)
        except Conflict:
            return _cost_conflict(call, campaign_id, FormState(values))
        else:
            return call.redirect(f"{campaign_path(campaign_id)}/costs", fragment="costs", done="cost_added")
    return _costs_page(call, campaign_id, FormState(values, errors), status=422)


@page(bp, "/campaigns/{campaign_id}/costs/{cost_id}/delete", ("POST",), back="/campaigns/{campaign_id}/costs")
def delete_cost(call: PageCall, campaign_id, cost_id):
    try:
        costs.delete(call.principal, campaign_id, cost_id)
    except Conflict:
        return _cost_conflict(call, campaign_id)
    return call.redirect(f"{campaign_path(campaign_id)}/costs", fragment="costs", done="cost_deleted")
