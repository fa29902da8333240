"""The placement checks' forms on the deal's page (each deliverable's timeline: timeline.py and
templates/placements/timeline.html), for a manager (manage_deals):

  POST /deals/{deal}/deliverables/{d}/placement   {url}: set the live URL (plans its checks)
  POST /deals/{deal}/deliverables/{d}/checks      run a check now
  POST /deals/{deal}/checks/{check}/override      {result, reason}: override a done check
  POST /deals/{deal}/deliverables/{d}/evidence    multipart: file (PNG, JPEG, PDF ≤ 10 MB), rules (the things
                                                  it proves, manual.confirmable), published_at (the brand's
                                                  local time, a datetime-local input), note

Thin like every page: the door (identity/doors.page: sign-in, CSRF, errors as pages) → the service
(service.py) → 303 back to the deal's page at the deliverable (`?done=…` announces it, page_hooks.notice),
or the deal's page again with a translated sentence by the form (422; 409 when the deliverable or the deal
does not allow it now). A reader without manage_deals gets 403 before anything is read from the form.
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.identity.upload_door import upload_page
from chalicelib.placements.evidence import MAX_UPLOAD_BYTES

service = lazy_import("chalicelib.placements.service")
overrides = lazy_import("chalicelib.placements.overrides")
uploads = lazy_import("chalicelib.placements.evidence_uploads")
deliverables = lazy_import("chalicelib.deals.deliverable_service")
deal_page = lazy_import("chalicelib.deals.deal_page")

bp = Blueprint(__name__)

ROW = "/deals/{deal_id}/deliverables/{deliverable_id}"
BACK = "/deals/{deal_id}"
MAX_URL = 2000


def _t(call: PageCall, key: str, **params) -> str:
    return i18n.translate(key, call.language, **params)


def _row(call: PageCall, deal_id: str, deliverable_id: str):
    """(deliverable, deal) of a row the caller may manage; 404 for a deliverable of another deal."""
    item, deal = deliverables.get(call.principal, deliverable_id, consistent=True)
    if deal.id != deal_id:
        raise NotFound("No such deliverable.")
    call.principal.require(deal.brand_id, Permission.manage_deals, what="deliverable")
    return item, deal


def _back(call: PageCall, item, done: str):
    return call.redirect(f"/deals/{quote(item.deal_id, safe='')}", fragment=f"deliverable-{item.id}", done=done)


def _again(call: PageCall, item, name: str, form: FormState, status: int):
    """The deal's page again, with this deliverable's form `name` and its errors."""
    return deal_page.deal_page_view(call, item.deal_id, status=status, placement_forms={item.id: {name: form}})


def _refusal(call: PageCall, deliverable_id: str, *, wanted: str) -> str:
    """Why the deliverable (re-read) does not allow `wanted` now — a translated sentence."""
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.rules import deliverable_status as dstatus
    from chalicelib.placements import runner

    item = deal_repo.get_deliverable(deliverable_id, consistent=True)
    deal = deal_repo.get(item.deal_id, consistent=True) if item is not None else None
    if item is None or deal is None:
        return _t(call, "placements.page.error.changed")
    status = _t(call, f"deals.deliverable_status.{item.status}") \
        if f"deals.deliverable_status.{item.status}" in i18n.catalog("en") else item.status
    if wanted == "url":
        if deal.status not in service.URL_DEALS:
            return _t(call, "placements.page.error.unsigned")
        if item.status in runner.SETTLED:
            return _t(call, "placements.page.error.settled", status=status)
    elif wanted == "run":
        if not item.url:
            return _t(call, "placements.page.error.no_url")
        if item.status in runner.STOPPED:
            return _t(call, "placements.page.error.stopped", status=status)
    elif wanted == "override":
        if item.status in dstatus.FINAL:
            return _t(call, "placements.page.error.final", status=status)
    elif wanted == "evidence":
        if item.status in ("cancelled", "missed"):
            return _t(call, "placements.page.error.no_placement", status=status)
        if deal.status not in service.URL_DEALS:
            return _t(call, "placements.page.error.unsigned")
    return _t(call, "placements.page.error.changed")


# --- the placement URL -----------------------------------------------------------------------------------

URL_KINDS = {"telegram": "placements.page.error.url_telegram", "refused": "placements.page.error.url_refused"}


def url_message(call: PageCall, refused: ValidationFailed) -> str:
    """A person's sentence for a URL the service refused, by the refusal's kind (sources.UrlProblem)."""
    kind = (refused.details or [{}])[0].get("kind")
    return _t(call, URL_KINDS.get(kind, "placements.page.error.url_invalid"))


@page(bp, ROW + "/placement", ("POST",), back=BACK)
def set_placement(call: PageCall, deal_id, deliverable_id):
    item, _deal = _row(call, deal_id, deliverable_id)
    url = (call.form or {}).get("url", "").strip()
    errors: dict[str, str] = {}
    status = 422
    if not url:
        errors["url"] = _t(call, "form.error.required")
    elif len(url) > MAX_URL:
        errors["url"] = _t(call, "form.error.too_long", max=MAX_URL)
    else:
        try:
            service.set_url(call.principal, item.id, url)
        except ValidationFailed as exc:
            errors["url"] = url_message(call, exc)
        except Conflict:
            errors["__all__"], status = _refusal(call, item.id, wanted="url"), 409
        else:
            return _back(call, item, "placement_set")
    return _again(call, item, "placement", FormState({"url": url}, errors), status)


# --- a check now -----------------------------------------------------------------------------------------

@page(bp, ROW + "/checks", ("POST",), back=BACK)
def run_check(call: PageCall, deal_id, deliverable_id):
    item, _deal = _row(call, deal_id, deliverable_id)
    try:
        service.run_now(call.principal, item.id)
    except Conflict:
        return _again(call, item, "run", FormState({}, {"__all__": _refusal(call, item.id, wanted="run")}), 409)
    return _back(call, item, "check_run")


# --- overriding a check ----------------------------------------------------------------------------------

@page(bp, "/deals/{deal_id}/checks/{check_id}/override", ("POST",), back=BACK)
def override_check(call: PageCall, deal_id, check_id):
    from chalicelib.placements import out, repo

    check = service.get_check(call.principal, check_id)
    if check.deal_id != deal_id:
        raise NotFound("No such check.")
    item, _deal = _row(call, deal_id, check.deliverable_id)
    form = call.form or {}
    values = {name: form.get(name, "").strip() for name in ("result", "reason")}
    errors: dict[str, str] = {}
    status = 422
    if values["result"] not in overrides.OVERRIDABLE:
        errors["result"] = _t(call, "form.error.choice")
    if not values["reason"]:
        errors["reason"] = _t(call, "form.error.required")
    elif len(values["reason"]) > overrides.MAX_REASON:
        errors["reason"] = _t(call, "form.error.too_long", max=overrides.MAX_REASON)
    if not errors and out.result_of(check) == values["result"]:
        errors["__all__"], status = _t(call, "placements.page.error.same_result"), 409
    if not errors:
        try:
            overrides.override(call.principal, check.id, values["result"], values["reason"])
        except ValidationFailed:  # the same checks as above; kept for a rule added to the service
            errors["__all__"] = _t(call, "form.error.invalid")
        except Conflict:
            status = 409
            if check.state != "done":
                errors["__all__"] = _t(call, "placements.page.error.not_done")
            elif out.result_of(repo.get(check.id, consistent=True)) == values["result"]:
                errors["__all__"] = _t(call, "placements.page.error.same_result")
            else:
                errors["__all__"] = _refusal(call, item.id, wanted="override")
        else:
            return _back(call, item, "check_overridden")
    return _again(call, item, "override", FormState({**values, "check_id": check.id}, errors), status)


# --- evidence a person uploads ---------------------------------------------------------------------------

def _published_at(call: PageCall, deal, wall: str) -> tuple[str | None, str | None]:
    """(UTC instant, None) of the local time typed in the brand's zone, or (None, the error)."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.core import schedule
    from chalicelib.core.clock import iso, utcnow

    brand = brand_repo.get(deal.brand_id)
    try:
        resolved = schedule.resolve(wall, getattr(brand, "timezone", None) or "UTC")
    except ValueError:  # InvalidSchedule
        return None, _t(call, "placements.page.error.published_at")
    if resolved.utc > utcnow():
        return None, _t(call, "placements.page.error.published_future")
    return iso(resolved.utc), None


def _too_large(call: PageCall, size: int):
    return PayloadTooLarge(_t(call, "placements.page.error.file_too_large"))


@upload_page(bp, ROW + "/evidence", back=BACK, limit=MAX_UPLOAD_BYTES, too_large=_too_large)
def upload_evidence(call: PageCall, fields: dict, files: dict, deal_id, deliverable_id):
    from chalicelib.placements import evidence, manual

    item, deal = _row(call, deal_id, deliverable_id)
    part = files.get("file")
    data = part.data if part is not None else b""
    rules = [r.strip() for r in fields.get("rules", []) if r.strip()]
    note = (fields.get("note") or [""])[-1].strip()
    wall = (fields.get("published_at") or [""])[-1].strip()
    errors: dict[str, str] = {}
    if not data:
        errors["file"] = _t(call, "placements.page.error.file_missing")
    elif len(data) > evidence.MAX_UPLOAD_BYTES:
        errors["file"] = _t(call, "placements.page.error.file_too_large")
    elif evidence.sniffed_type(data) is None:
        errors["file"] = _t(call, "placements.page.error.file_type")
    if any(r not in manual.confirmable(deal, item) for r in rules):
        errors["rules"] = _t(call, "form.error.choice")
    if len(note) > uploads.MAX_NOTE:
        errors["note"] = _t(call, "form.error.too_long", max=uploads.MAX_NOTE)
    published = None
    if wall:
        published, problem = _published_at(call, deal, wall)
        if problem:
            errors["published_at"] = problem
    status = 422
    if not errors:
        given = uploads.Upload(data=data, filename=part.filename if part else None, rules=tuple(rules),
                               note=note or None, published_at=published)
        try:
            uploads.upload(call.principal, item.id, given)
        except ValidationFailed as exc:
            field = str((exc.details or [{}])[0].get("field") or "__all__")
            errors[field if field in ("file", "rules", "published_at") else "__all__"] = \
                _t(call, "form.error.invalid")
        except Conflict:
            errors["__all__"], status = _refusal(call, item.id, wanted="evidence"), 409
        else:
            return _back(call, item, "evidence_uploaded")
    values = {"rules": rules, "note": note, "published_at": wall}
    return _again(call, item, "evidence", FormState(values, errors), status)
