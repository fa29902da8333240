"""A deal's deliverables in the browser: the form that adds one (the influencer's account, the format,
the agreed local time and its zone, the erid) and the small form on each row of the deal's page that
moves its status and sets its live URL and erid. Adding one to a signed deal is an amendment (the
service says so; the form warns)."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.deal_page import AMENDS, deal_page_view
from chalicelib.deals.page_display import platform
from chalicelib.deals.page_forms import (
    DELIVERABLE_FIELDS,
    ROW_FIELDS,
    Parsed,
    check,
    deliverable_data,
    field_errors,
    row_data,
)
from chalicelib.deals.page_kit import bp, common, deal_path, list_path, posted
from chalicelib.deals.schemas import DeliverableCreate, DeliverableFormat, DeliverablePatch
from chalicelib.identity.doors import page

deals = lazy_import("chalicelib.deals.service")
deliverables = lazy_import("chalicelib.deals.deliverable_service")
brands = lazy_import("chalicelib.brands.service")
influencers = lazy_import("chalicelib.influencers.service")

ADDABLE = ("draft", "sent", *AMENDS)


def _addable(call: PageCall, deal_id: str):
    deal = deals.managed(call.principal, deal_id)
    if deal.status not in ADDABLE:
        raise Conflict("No deliverables can be added to this deal any more.")
    return deal


def _form_page(call: PageCall, deal, form: FormState, *, status: int = 200):
    brand = brands.get(call.principal, deal.brand_id)
    accounts = [(a.id, f"{platform(a.platform, call.language)} · {a.handle}")
                for a in influencers.accounts(call.principal, deal.influencer_id)]
    return call.render("deals/deliverable_form.html", status=status, brand=brand, deal=deal, form=form,
                       accounts=accounts, formats=[f.value for f in DeliverableFormat],
                       amends=deal.status in AMENDS, deal_url=deal_path(deal.id), list_url=list_path(brand.id),
                       **common(call))


@page(bp, "/deals/{deal_id}/deliverables/new")
def new_deliverable(call: PageCall, deal_id):
    deal = _addable(call, deal_id)
    brand = brands.get(call.principal, deal.brand_id)
    return _form_page(call, deal, FormState(values={"timezone": brand.timezone, "format": "post"}))


@page(bp, "/deals/{deal_id}/deliverables/new", ("POST",))
def add_deliverable(call: PageCall, deal_id):
    deal = _addable(call, deal_id)
    values = posted(call, DELIVERABLE_FIELDS)
    data, errors = check(DeliverableCreate, Parsed(deliverable_data(values)), call.language)
    status = 422
    if data is not None:
        try:
            made = deliverables.create(call.principal, deal_id, data)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language)
        except Conflict:  # the deal moved meanwhile, or has its most deliverables
            errors, status = {"__all__": i18n.translate("deals.error.deliverable_refused", call.language)}, 409
        else:
            return call.redirect(deal_path(deal_id), fragment=f"deliverable-{made.id}", done="deliverable_added")
    return _form_page(call, deal, FormState(values, errors), status=status)


@page(bp, "/deals/{deal_id}/deliverables/{deliverable_id}", ("POST",), back="/deals/{deal_id}")
def change_deliverable(call: PageCall, deal_id, deliverable_id):
    """A row's form: a status move, the live URL, the erid."""
    item, deal = deliverables.get(call.principal, deliverable_id, consistent=True)
    if deal.id != deal_id:
        raise NotFound("No such deliverable.")
    values = posted(call, (*ROW_FIELDS, "version"))
    version = values["version"].strip()
    data = row_data(values, item)
    patch, errors = check(DeliverablePatch, Parsed({**data, "version": version or None}), call.language)
    status = 422
    if patch is not None and data:
        try:
            deliverables.update(call.principal, deliverable_id, patch)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language)
        except Conflict:
            fresh, _ = deliverables.get(call.principal, deliverable_id, consistent=True)
            key = "deals.conflict" if str(fresh.version) != version else "deals.error.deliverable_move"
            errors, status = {"__all__": i18n.translate(key, call.language)}, 409
        else:
            return call.redirect(deal_path(deal.id), fragment=f"deliverable-{deliverable_id}",
                                 done="deliverable_saved")
    elif patch is not None:
        return call.redirect(deal_path(deal.id), fragment=f"deliverable-{deliverable_id}")
    return deal_page_view(call, deal.id, status=status, row_forms={deliverable_id: FormState(values, errors)})


@page(bp, "/deals/{deal_id}/deliverables/{deliverable_id}/draft-link", ("POST",), back="/deals/{deal_id}")
def ask_for_draft(call: PageCall, deal_id, deliverable_id):
    """Ask the blogger for the draft (creative approval): the deal page again, with the signed link to
    pass on (and whether it was emailed), or the reason it cannot be asked for now."""
    from chalicelib.deals import drafts

    item, deal = deliverables.get(call.principal, deliverable_id, consistent=True)
    if deal.id != deal_id:
        raise NotFound("No such deliverable.")
    posted(call, ())
    try:
        made = drafts.request_link(call.principal, deliverable_id)
    except (ValidationFailed, Conflict) as exc:
        shown = {"error": i18n.translate("deals.draft.refused", call.language, reason=str(exc))}
        return deal_page_view(call, deal.id, status=409, draft_links={deliverable_id: shown})
    return deal_page_view(call, deal.id, draft_links={deliverable_id: made})
