"""Payments in the browser: a brand's payments page (due this week with the overdue marked, on hold with
the reasons, paid this month; a CSV download for the accountant), a deal's payments page (the
`deals/payments_table.html` partial, which the deal page includes too) and the forms that approve, pay,
hold, release and cancel a payment or add an adjustment.

Thin like every page: parse (pages.page does authentication, CSRF and errors) → a payment_service call
→ render. Buttons show only what this person may do now (payment_service.actions_for). A refused form
comes back as its page with a translated message (409: the payment moved meanwhile; 422: a field);
a successful POST answers 303 back to where the form was (`return_to`: brand | deal | payments).
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState, validate
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.payment_schemas import AdjustmentIn, AdjustmentRule, PayIn, PaymentStatusName
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission

payments = lazy_import("chalicelib.deals.payment_service")
brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)

ACTIONS = ("approve", "pay", "hold", "release", "cancel")
STATUSES = tuple(s.value for s in PaymentStatusName)
HOLDS = ("check_failed", "dispute", "manual")
RULES = tuple(r.value for r in AdjustmentRule)
SUMMARY = ("total", "planned", "due", "approved", "on_hold", "paid", "cancelled", "adjustments", "balance")
SECTIONS = ("due_this_week", "on_hold", "paid_this_month")
RETURNS = ("brand", "deal", "payments")
NOTICES = (*ACTIONS, "adjust")  # ?done=… after a successful form
RULE_FIELDS = {"late": "minutes_late", "missing_elements": "count", "early_deletion": "live_hours",
               "manual": "amount"}
ADJUSTMENT_FIELDS = ("rule", "deliverable_id", "minutes_late", "count", "live_hours", "amount", "note")


def brand_payments_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}/payments"


def deal_payments_path(deal_id: str) -> str:
    return f"/deals/{quote(deal_id, safe='')}/payments"


def deal_path(deal_id: str) -> str:
    return f"/deals/{quote(deal_id, safe='')}"


# --- what the pages show -------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def labels(language: str) -> dict[str, dict[str, str]]:
    """Names of statuses, holds, actions, adjustment rules, summary lines and sections (keys built from values)."""
    def names(prefix: str, values) -> dict[str, str]:
        return {v: i18n.translate(f"{prefix}.{v}", language) for v in values}

    return {"status": names("payments.status", STATUSES), "hold": names("payments.hold", HOLDS),
            "action": names("payments.action", ACTIONS), "rule": names("payments.rule", RULES),
            "summary": names("payments.summary", SUMMARY), "section": names("payments.section", SECTIONS),
            "empty": names("payments.empty", SECTIONS)}


def day_text(value, language: str) -> str:
    import datetime as dt

    from babel.dates import format_date

    if not value:
        return "—"
    return format_date(dt.date.fromisoformat(value) if isinstance(value, str) else value, "medium", locale=language)


def _money(minor, currency: str, language: str) -> str:
    from chalicelib.core.money import Money

    return Money(int(minor), currency).format(language)


def payment_view(principal, record, language: str, today, *, deal=None, influencer_name: str | None = None) -> dict:
    names = labels(language)
    return {
        "id": record.id, "deal_id": record.deal_id, "deal_url": deal_path(record.deal_id),
        "deal_title": deal.title if deal else None, "contract_number": deal.contract_number if deal else None,
        "influencer": influencer_name, "label": record.label, "amount": _money(record.amount_minor, record.currency,
                                                                               language),
        "status": record.status, "status_text": names["status"].get(record.status, record.status),
        "due_on": day_text(record.due_on, language) if record.due_on else None,
        "overdue": payments.overdue(record, today), "paid_on": day_text(record.paid_on, language)
        if record.paid_on else None, "reference": record.reference,
        "holds": [names["hold"].get(h, h) for h in record.holds or []],
        "actions": payments.actions_for(principal, record, deal.status if deal else None),
        "releasable": payments.releasable(principal, record),
        "version": record.version,
    }


def adjustment_view(record, language: str) -> dict:
    from chalicelib.core.money import Money
    from chalicelib.core.plain import plain

    amount = Money(int(record.amount_minor), record.currency)
    again, _ = payments.recomputed(record)
    inputs = plain(record.inputs) or {}
    shown = {k: v for k, v in inputs.items() if k not in ("fee", "amount")}
    fee = inputs.get("fee")
    return {"id": record.id, "rule": labels(language)["rule"].get(record.rule, record.rule),
            "amount": amount.format(language), "matches": again == amount,
            "fee": Money.parse(fee["amount"], fee["currency"]).format(language) if isinstance(fee, dict) else None,
            "inputs": ", ".join(f"{k} = {v}" for k, v in shown.items()), "note": record.note,
            "deliverable_id": record.deliverable_id, "created_at": day_text(record.created_at[:10], language)}


def deal_table(principal, language: str, deal_id: str, *, return_to: str = "deal",
               adjustment_form: FormState | None = None, pay_forms: dict | None = None) -> dict:
    """The context of `deals/payments_table.html` for one deal (see the comment at its top):
    `{"payments_table": {...}}`, to be passed to render alongside the page's own context."""
    from chalicelib.deals import repo

    found = payments.of_deal(principal, deal_id)
    deal = found.deal
    today = payments.brand_today(deal.brand_id)
    names = labels(language)
    can_adjust = principal.can(deal.brand_id, Permission.manage_deals) and deal.status not in payments.SHUT \
        and bool(deal.payment_ids)
    deliverables = [(d.id, f"{d.handle} · {d.wall.replace('T', ' ')}") for d in repo.deliverables_of(deal)
                    if d.status != "cancelled"] if can_adjust else []
    return {"payments_table": {
        "deal_id": deal.id, "return_to": return_to, "currency": deal.currency,
        "items": [payment_view(principal, r, language, today, deal=deal) for r in found.records],
        "adjustments": [adjustment_view(a, language) for a in found.adjustments],
        "summary": [(key, names["summary"][key], found.summary[key].format(language)) for key in SUMMARY],
        "can_adjust": can_adjust, "deliverables": deliverables, "rules": [(r, names["rule"][r]) for r in RULES],
        "adjustment_form": adjustment_form or FormState(), "pay_forms": pay_forms or {},
        "pay_default": today.isoformat(), "adjust_url": f"{deal_path(deal.id)}/adjustments", "labels": names,
    }}


def notice(call: PageCall) -> str | None:
    done = call.query.get("done") if call.request.method == "GET" else None
    return i18n.translate(f"payments.notice.{done}", call.language) if done in NOTICES else None


# --- the brand's payments ------------------------------------------------------------------------------

def _brand_page(call: PageCall, brand_id: str, *, status: int = 200, problem: str | None = None,
                pay_forms: dict | None = None):
    principal, language = call.principal, call.language
    view = payments.brand_overview(principal, brand_id)
    brand = brands.get(principal, brand_id)
    names = labels(language)
    sections = []
    for key in SECTIONS:
        records = view.sections[key]
        rows = [payment_view(principal, r, language, view.today, deal=view.deals.get(r.deal_id),
                             influencer_name=view.names.get(r.influencer_id)) for r in records]
        sections.append({"key": key, "title": names["section"][key], "empty": names["empty"][key], "rows": rows,
                         "total": ", ".join(m.format(language) for m in payments.totals(records))})
    return call.render(
        "deals/payments.html", status=status, brand=brand, sections=sections, notice=notice(call), problem=problem,
        pay_forms=pay_forms or {}, return_to="brand", pay_default=view.today.isoformat(),
        today=day_text(view.today, language), week_ends=day_text(view.week_ends, language),
        month_starts=day_text(view.month_starts, language),
        csv_url=f"/v1/brands/{quote(brand_id, safe='')}/payments.csv",
        statuses=[(s, names["status"][s]) for s in STATUSES], page_url=brand_payments_path(brand_id), names=names)


@page(bp, "/brands/{brand_id}/payments")
def brand_payments(call: PageCall, brand_id):
    return _brand_page(call, brand_id)


# --- a deal's payments ---------------------------------------------------------------------------------

def _deal_page(call: PageCall, deal_id: str, *, status: int = 200, problem: str | None = None,
               adjustment_form: FormState | None = None, pay_forms: dict | None = None):
    context = deal_table(call.principal, call.language, deal_id, return_to="payments",
                         adjustment_form=adjustment_form, pay_forms=pay_forms)
    from chalicelib.deals import service

    deal = service.get(call.principal, deal_id)
    brand = brands.get(call.principal, deal.brand_id)
    return call.render("deals/payments_deal.html", status=status, brand=brand, deal=deal, notice=notice(call),
                       problem=problem, deal_url=deal_path(deal_id), brand_payments_url=brand_payments_path(brand.id),
                       **context)


@page(bp, "/deals/{deal_id}/payments")
def deal_payments(call: PageCall, deal_id):
    return _deal_page(call, deal_id)


@page(bp, "/payments/{payment_id}")
def payment_page(call: PageCall, payment_id):
    """A payment's address: its place on its deal's payments page."""
    record = payments.payment(call.principal, payment_id)
    return call.redirect(deal_payments_path(record.deal_id), fragment=f"payment-{record.id}")


# --- the forms -----------------------------------------------------------------------------------------

def _refusal(call: PageCall, payment_id: str, action: str) -> str:
    """Why a move was refused (409), in the reader's language, from the payment as it is now."""
    from chalicelib.deals import repo
    from chalicelib.deals.payment_ops import as_rule
    from chalicelib.deals.rules import payments as rules

    language = call.language
    fresh = payments.payment(call.principal, payment_id, consistent=True)
    deal = repo.get(fresh.deal_id, consistent=True)
    if deal is not None and deal.status in payments.SHUT:
        return i18n.translate("payments.refused.deal_shut", language)
    if action == "release" and fresh.status == "on_hold" and not payments.releasable(call.principal, fresh):
        key = "dispute" if "dispute" in (fresh.holds or []) else "check"
        return i18n.translate(f"payments.refused.{key}_hold", language)
    if action not in rules.actions(as_rule(fresh)) or (action == "hold" and "manual" in (fresh.holds or [])):
        return i18n.translate("payments.refused.status", language, action=labels(language)["action"][action],
                              status=labels(language)["status"].get(fresh.status, fresh.status))
    return i18n.translate("payments.refused.changed", language)


def _version(form: dict) -> int | None:
    raw = (form.get("version") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 and int(raw) > 0 else None


def _back_to(call: PageCall, record, return_to: str, *, status: int, problem: str | None = None,
             pay_forms: dict | None = None):
    if return_to == "brand":
        return _brand_page(call, record.brand_id, status=status, problem=problem, pay_forms=pay_forms)
    return _deal_page(call, record.deal_id, status=status, problem=problem, pay_forms=pay_forms)


def _action_page(action: str):
    @page(bp, f"/payments/{{payment_id}}/{action}", ("POST",), back="/payments/{payment_id}")
    def view(call: PageCall, payment_id):
        record = payments.payment(call.principal, payment_id)
        form = call.form or {}
        return_to = form.get("return_to") if form.get("return_to") in RETURNS else "payments"
        kwargs: dict = {"version": _version(form)}
        if action == "pay":
            data, state = validate(PayIn, form, call.language, fields=("paid_on", "reference"))
            if data is None:
                state.errors = {k: i18n.translate(f"payments.error.{k}" if k in ("paid_on", "reference")
                                                  else "form.error.invalid", call.language) for k in state.errors}
                return _back_to(call, record, return_to, status=422, pay_forms={record.id: state})
            kwargs.update(paid_on=data.paid_on, reference=data.reference)
        elif action == "hold":
            kwargs["reason"] = (form.get("reason") or "").strip()[:500] or None
        elif action == "release":
            kwargs["hold"] = form.get("hold") if form.get("hold") in ("manual", "check_failed") else "manual"
        try:
            payments.act(call.principal, payment_id, action, **kwargs)
        except ValidationFailed:  # pay: the day paid is in the future
            state = FormState({k: form.get(k, "") for k in ("paid_on", "reference")},
                              {"paid_on": i18n.translate("payments.error.paid_on_future", call.language)})
            return _back_to(call, record, return_to, status=422, pay_forms={record.id: state})
        except Conflict:
            return _back_to(call, record, return_to, status=409, problem=_refusal(call, payment_id, action))
        target = {"brand": brand_payments_path(record.brand_id), "deal": deal_path(record.deal_id)}.get(
            return_to, deal_payments_path(record.deal_id))
        return call.redirect(target, fragment=f"payment-{record.id}", done=action)

    view.__name__ = f"payment_{action}_form"
    return view


approve_form = _action_page("approve")
pay_form = _action_page("pay")
hold_form = _action_page("hold")
release_form = _action_page("release")
cancel_form = _action_page("cancel")


def _adjustment_data(form: dict, currency: str, language: str) -> tuple[AdjustmentIn | None, FormState]:
    values = {name: (form.get(name) or "").strip() for name in ADJUSTMENT_FIELDS}
    rule = values["rule"]
    errors: dict[str, str] = {}
    if rule not in RULES:
        errors["rule"] = i18n.translate("form.error.choice", language)
    else:
        needed = RULE_FIELDS.get(rule)
        if needed and not values[needed]:
            errors[needed] = i18n.translate("form.error.required", language)
        if rule != "manual" and not values["deliverable_id"]:
            errors["deliverable_id"] = i18n.translate("form.error.required", language)
        if rule == "manual" and not values["note"]:
            errors["note"] = i18n.translate("form.error.required", language)
    if errors:
        return None, FormState(values, errors)
    data: dict = {"rule": rule, "note": values["note"] or None}
    if rule != "manual":
        data["deliverable_id"] = values["deliverable_id"]
    needed = RULE_FIELDS.get(rule)
    from chalicelib.deals.page_forms import amount_text  # the deal form's reading of "1 500,00" / "1,500.00"

    if needed == "amount":
        data["amount"] = {"amount": amount_text(values["amount"], language), "currency": currency}
    elif needed:
        data[needed] = amount_text(values[needed], language) if needed == "live_hours" else values[needed]
    from pydantic import ValidationError

    try:
        return AdjustmentIn.model_validate(data), FormState(values)
    except ValidationError as exc:
        for err in exc.errors(include_url=False, include_input=False):
            name = str(err["loc"][0]) if err["loc"] else (needed or "rule")
            errors.setdefault(name, i18n.translate("payments.error.number" if name in RULE_FIELDS.values()
                                                   else "form.error.invalid", language))
        return None, FormState(values, errors)


@page(bp, "/deals/{deal_id}/adjustments", ("POST",), back="/deals/{deal_id}/payments")
def add_adjustment(call: PageCall, deal_id):
    from chalicelib.deals import service

    deal = service.managed(call.principal, deal_id)
    form = call.form or {}
    return_to = "deal" if form.get("return_to") == "deal" else "payments"
    data, state = _adjustment_data(form, deal.currency, call.language)
    if data is not None:
        try:
            payments.add_adjustment(call.principal, deal_id, data)
        except ValidationFailed as exc:
            field = str((exc.details or [{}])[0].get("field") or "rule").split(".")[0]
            key = {"count": "payments.error.too_many_missing", "deliverable_id": "payments.error.deliverable",
                   "amount": "payments.error.amount"}.get(field, "payments.error.no_clause")
            state.errors = {field if field in ADJUSTMENT_FIELDS else "rule": i18n.translate(key, call.language)}
        except Conflict:
            return _deal_page(call, deal_id, status=409, adjustment_form=state,
                              problem=i18n.translate("payments.refused.adjust", call.language))
        else:
            target = deal_path(deal_id) if return_to == "deal" else deal_payments_path(deal_id)
            return call.redirect(target, fragment="adjustments", done="adjust")
    return _deal_page(call, deal_id, status=422, adjustment_form=state)
