"""Deals in the browser: a brand's deals (status filter, the influencer, contract number, fee, status
and the next placement's time), the form that agrees a new deal and the one that changes it (an edit
before signing; after it an amendment: back to sent, a new contract needed). The deal's own page, its
deliverables and its contract live in deal_page.py, deliverable_pages.py and contract_pages.py, on the
same blueprint (page_kit.bp), which app.py registers through this module.

Thin like every page: parse (pages.page does authentication, CSRF and errors) → a service call →
render. Forms validate with the API's schemas (page_forms.py); a refused form comes back as its page
with the values kept and the message next to the field (422; a stale edit 409); a successful POST
answers 303 (post/redirect/get).
"""
from __future__ import annotations

from pydantic import ValidationError

from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.deals import contract_pages, deal_page, deliverable_pages  # noqa: F401 - their routes on bp
from chalicelib.deals.campaign_hooks import choices as campaign_choices
from chalicelib.deals.page_display import DEAL_BADGES, currencies
from chalicelib.deals.page_forms import (
    DEAL_FIELDS,
    MIN_MILESTONE_ROWS,
    Parsed,
    changed_groups,
    check,
    deal_data,
    deal_values,
    field_errors,
    milestone_rows,
    required_on_edit,
    row_count,
    rows_values,
    stored_rows,
)
from chalicelib.deals.page_kit import bp, common, deal_path, influencer_path, list_path, posted
from chalicelib.deals.schemas import (
    ContractLanguage,
    DealCreate,
    DealPatch,
    DealQuery,
    DealStatusName,
    Disclosure,
    EarlyDeletion,
    Trigger,
    Vat,
)
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission

deals = lazy_import("chalicelib.deals.service")
deal_repo = lazy_import("chalicelib.deals.repo")
stored = lazy_import("chalicelib.deals.stored")
brands = lazy_import("chalicelib.brands.service")
influencers = lazy_import("chalicelib.influencers.service")
influencer_repo = lazy_import("chalicelib.influencers.repo")

__all__ = ["bp"]

PAGE = 50
CHOOSABLE = 300  # influencers offered in the form's select (three directory pages)
NOT_DEALT_WITH = ("blacklisted", "rejected")
UPCOMING = ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved", "scheduled", "late")
EDITABLE = ("draft", "sent", "signed", "in_progress", "disputed")  # the terms change (or are amended) only then
AMENDS = ("signed", "in_progress", "disputed")


# --- the list ----------------------------------------------------------------------------------------------

def _query(call: PageCall) -> tuple[DealQuery, dict[str, str]]:
    """The filters from the address; a hand-edited one that is not valid is left out."""
    filters = {name: (call.query.get(name) or "").strip() for name in ("status", "influencer_id")}
    filters = {name: value for name, value in filters.items() if value}
    cursor = call.query.get("cursor") or None
    for _ in range(3):
        try:
            return DealQuery.model_validate({**filters, "cursor": cursor, "limit": PAGE}), filters
        except ValidationError as exc:
            bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
            cursor = None if "cursor" in bad else cursor
            filters = {name: value for name, value in filters.items() if name not in bad}
    return DealQuery(limit=PAGE), {}


def influencer_names(brand_id: str, ids) -> dict[str, str]:
    """{influencer id: name} of this brand's influencers among `ids` (one BatchGetItem; an id from the
    address naming another brand's influencer names nobody)."""
    return {i.id: i.display_name for i in influencer_repo.batch_get(list(ids)) if i.brand_id == brand_id}


def next_placements(brand_id: str) -> dict:
    """{deal id: its next deliverable not yet live}, from the brand's placements from now on, earliest first
    (one Query of at most 500: a deal whose next one is further out than that shows none)."""
    found: dict = {}
    for item in deal_repo.placements(brand_id, iso(utcnow()), "9999"):
        if item.status in UPCOMING:
            found.setdefault(item.deal_id, item)
    return found


@page(bp, "/brands/{brand_id}/deals")
def deal_list(call: PageCall, brand_id):
    principal = call.principal
    query, filters = _query(call)
    found = deals.directory(principal, brand_id, query)
    brand = brands.get(principal, brand_id)
    names = influencer_names(brand_id, (d.influencer_id for d in found.items))
    upcoming = next_placements(brand_id) if found.items else {}
    filtered_name = None
    if filters.get("influencer_id"):
        wanted = filters["influencer_id"]
        filtered_name = names.get(wanted) or influencer_names(brand_id, [wanted]).get(wanted)
    return call.render(
        "deals/list.html", brand=brand, items=found.items, cursor=found.cursor, filters=filters, names=names,
        upcoming=upcoming, filtered_name=filtered_name, statuses=[s.value for s in DealStatusName],
        badges=DEAL_BADGES, deal_fee=stored.fee, can_manage=principal.can(brand_id, Permission.manage_deals),
        list_url=list_path(brand_id), **common(call))


# --- the form ------------------------------------------------------------------------------------------------

def _choosable(principal, brand_id: str, keep: str | None = None) -> list[tuple[str, str]]:
    """[(id, name)] of the brand's influencers a deal may be made with, by name."""
    from chalicelib.influencers.schemas import InfluencerQuery

    found, cursor = [], None
    for _ in range(CHOOSABLE // 100):
        page_ = influencers.directory(principal, brand_id, InfluencerQuery(limit=100, cursor=cursor))
        found += [i for i in page_.items if i.status not in NOT_DEALT_WITH]
        cursor = page_.cursor
        if not cursor:
            break
    options = sorted(((i.id, i.display_name) for i in found), key=lambda pair: pair[1].casefold())
    if keep and keep not in {i for i, _ in options}:
        name = influencer_names(brand_id, [keep]).get(keep)
        if name:
            options.insert(0, (keep, name))
    return options


def _advertiser_default(brand) -> dict[str, str]:
    settings = brands.brand_settings(brand)
    return {"advertiser_name": settings.get("advertiser_name") or brand.name,
            "advertiser_inn": settings.get("advertiser_inn") or ""}


def _form_page(call: PageCall, brand, form: FormState, rows: int, *, deal=None, status: int = 200,
               conflict: bool = False):
    keep = deal.influencer_id if deal is not None else form.value("influencer_id") or None
    options = [] if deal is not None else _choosable(call.principal, brand.id, keep)
    influencer_name = influencer_names(brand.id, [deal.influencer_id]).get(deal.influencer_id) if deal else None
    currency = form.value("fee_currency") or "RUB"
    # the campaign <select>: None (no field) when campaigns is not plugged in (campaign_hooks.py)
    campaigns = campaign_choices(brand.id, deal.campaign_id if deal is not None else None, call.language)
    return call.render(
        "deals/deal_form.html", status=status, brand=brand, deal=deal, form=form,
        milestone_count=max(rows, MIN_MILESTONE_ROWS),
        influencers=options, influencer_name=influencer_name, currencies=currencies(call.language, currency),
        campaigns=campaigns,
        disclosures=[d.value for d in Disclosure], contract_languages=[c.value for c in ContractLanguage],
        vats=[v.value for v in Vat], triggers=[t.value for t in Trigger], early_deletions=[e.value for e in
                                                                                         EarlyDeletion],
        defaults=_advertiser_default(brand), amends=deal is not None and deal.status in AMENDS,
        resends=deal is not None and deal.status == "sent", conflict=conflict, list_url=list_path(brand.id),
        deal_url=deal_path(deal.id) if deal is not None else None,
        influencer_url=influencer_path(deal.influencer_id) if deal is not None else None, **common(call))


def _new_values(call: PageCall, brand) -> dict[str, str]:
    default_row = {"label": i18n.translate("deals.milestone.default_label", call.language), "percent": "100",
                   "trigger": "on_signing", "due_days": "5", "date": ""}
    return {**_advertiser_default(brand), "disclosure": "ru", "language": call.language, "fee_currency": "RUB",
            "vat": "none", "influencer_id": (call.query.get("influencer_id") or "").strip(),
            **rows_values([default_row], MIN_MILESTONE_ROWS)}


@page(bp, "/brands/{brand_id}/deals/new")
def new_deal(call: PageCall, brand_id):
    call.principal.require(brand_id, Permission.manage_deals)
    brand = brands.get(call.principal, brand_id)
    return _form_page(call, brand, FormState(values=_new_values(call, brand)), MIN_MILESTONE_ROWS)


@page(bp, "/brands/{brand_id}/deals/new", ("POST",))
def create_deal(call: PageCall, brand_id):
    call.principal.require(brand_id, Permission.manage_deals)
    values = posted(call, DEAL_FIELDS)
    rows = milestone_rows(call.form or {})
    parsed = deal_data(values, rows, call.language)
    data, errors = check(DealCreate, parsed, call.language)
    if data is not None:
        try:
            made = deals.create(call.principal, brand_id, data)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language, parsed.rows)
        except Conflict:  # the only one: the contract number is another deal's
            errors = {"contract_number": i18n.translate("deals.error.number_taken", call.language)}
        else:
            return call.redirect(deal_path(made.id), done="deal_created")
    brand = brands.get(call.principal, brand_id)
    form = FormState({**values, **rows_values(rows, len(rows))}, errors)
    return _form_page(call, brand, form, len(rows), status=422)


# --- editing -----------------------------------------------------------------------------------------------

def _editable(call: PageCall, deal_id: str):
    deal = deals.managed(call.principal, deal_id)
    if deal.status not in EDITABLE:
        raise Conflict("The deal's terms can no longer be changed.")
    return deal


@page(bp, "/deals/{deal_id}/edit")
def edit_deal(call: PageCall, deal_id):
    deal = _editable(call, deal_id)
    brand = brands.get(call.principal, deal.brand_id)
    rows = stored_rows(deal.milestones)
    values = {**deal_values(deal), **rows_values(rows, row_count(rows)), "version": str(deal.version)}
    return _form_page(call, brand, FormState(values=values), row_count(rows), deal=deal)


def _refusal(call: PageCall, fresh, deal, version: str, groups: set[str], exc: Conflict) -> tuple[str, str]:
    """(field, message) for a refused edit."""
    if str(fresh.version) != version:
        return "__all__", i18n.translate("deals.conflict", call.language)
    if "contract_number" in groups and (call.form or {}).get("contract_number", "").strip() in str(exc):
        return "contract_number", i18n.translate("deals.error.number_taken", call.language)
    if {"fee", "milestones"} & groups and deal.payment_ids:
        return "__all__", i18n.translate("deals.error.payments_fired", call.language)
    return "__all__", i18n.translate("deals.error.terms_frozen", call.language)


@page(bp, "/deals/{deal_id}/edit", ("POST",))
def save_deal(call: PageCall, deal_id):
    deal = _editable(call, deal_id)
    values = posted(call, DEAL_FIELDS)
    if "campaign_id" not in (call.form or {}):  # a form without the campaign field keeps the deal's
        values["campaign_id"] = deal.campaign_id or ""
    version = (call.form or {}).get("version", "").strip()
    rows = milestone_rows(call.form or {})
    groups = changed_groups(values, deal_values(deal), rows, stored_rows(deal.milestones))
    parsed = deal_data(values, rows, call.language, groups)
    parsed = Parsed({**parsed.data, "version": version or None}, rows=parsed.rows)
    patch, errors = check(DealPatch, parsed, call.language, required_on_edit(values))
    form = FormState({**values, **rows_values(rows, len(rows)), "version": version}, errors)
    status = 422
    if patch is not None:
        try:
            saved = deals.update(call.principal, deal_id, patch)
        except ValidationFailed as exc:
            form.errors = field_errors(exc, call.language, parsed.rows)
        except Conflict as exc:
            fresh = deals.managed(call.principal, deal_id)
            name, message = _refusal(call, fresh, deal, version, groups, exc)
            form.errors = {name: message}
            status = 409
            if name == "__all__" and str(fresh.version) != version:
                brand = brands.get(call.principal, fresh.brand_id)
                return _form_page(call, brand, form, len(rows), deal=fresh, status=409, conflict=True)
        else:
            amended = saved.status != deal.status and saved.status == "sent"
            return call.redirect(deal_path(deal_id), done="deal_amended" if amended else "deal_saved")
    brand = brands.get(call.principal, deal.brand_id)
    return _form_page(call, brand, form, len(rows), deal=deal, status=status)

