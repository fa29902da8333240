"""The campaign pages' forms: flat field names in (`budget_amount`, `target_clicks`, `target_roi_min` as a
percent), the API schemas' data out (CampaignCreate / CampaignPatch / CostLineCreate), and every refusal —
the schema's or the service's, whose details name paths like `targets.revenue.currency` — as a
translated message next to its form field.

Amounts are read as people type them ("500 000,00"; deals/page_forms.amount_text) and are in the
campaign's currency; ROI is typed in percent ("50" → roi_min "0.5"); a count typed in digits becomes a
number (the API takes numbers only). An edit sends every field: an emptied budget, target or UTM value is
cleared, an emptied name, goal or date is "required" on its field, and a hidden `version` that is missing
or not a version is a sentence for the whole form."""
from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation, Overflow, Underflow, localcontext

from pydantic import ValidationError

from chalicelib.campaigns.rules.fields import COUNT_TARGETS, MONEY_TARGETS
from chalicelib.core import i18n
from chalicelib.core.errors import ValidationFailed
from chalicelib.deals.page_forms import amount_text, percent_text

TARGET_FIELDS = tuple(f"target_{name}" for name in (*COUNT_TARGETS, *MONEY_TARGETS, "roi_min"))
CAMPAIGN_FIELDS = ("name", "goal", "starts_on", "ends_on", "currency", "budget_amount", *TARGET_FIELDS,
                   "utm_source", "utm_medium", "utm_campaign")
COST_FIELDS = ("kind", "label", "spent_on", "amount")
HUNDRED = Decimal(100)

# A field's own message when what was typed is not valid (empty and too long have the common ones).
FIELD_MESSAGES = {
    "name": "campaigns.error.name", "label": "campaigns.error.name", "goal": "form.error.choice",
    "kind": "form.error.choice", "starts_on": "campaigns.error.date", "ends_on": "campaigns.error.date",
    "spent_on": "campaigns.error.date", "currency": "campaigns.error.currency",
    "budget_amount": "campaigns.error.amount", "amount": "campaigns.error.cost_amount",
    "target_roi_min": "campaigns.error.roi",
    **{f"target_{name}": "campaigns.error.count" for name in COUNT_TARGETS},
    **{f"target_{name}": "campaigns.error.amount" for name in MONEY_TARGETS},
    **{name: "campaigns.error.utm" for name in ("utm_source", "utm_medium", "utm_campaign")},
}
REQUIRED = ("name", "goal", "starts_on", "ends_on", "currency", "label", "spent_on", "amount", "kind")
MAX_COUNT_DIGITS = 16  # longer is refused by the schema anyway (counts ≤ 10**15)


def posted(form: dict | None, names) -> dict[str, str]:
    form = form or {}
    return {name: (form.get(name) or "").strip() for name in names}


def _money(text: str, currency: str, language: str) -> dict | None:
    return {"amount": amount_text(text, language), "currency": currency} if text else None


def _roi(text: str) -> str | None:
    """"50" (%) → "0.5"; what cannot be read is passed on as it is, for the schema to refuse."""
    if not text:
        return None
    try:
        with localcontext(Context(traps=[InvalidOperation, Overflow, Underflow])):
            return str(Decimal(percent_text(text)) / HUNDRED)
    except ArithmeticError:  # InvalidOperation, Overflow ("1e9999999"), Underflow ("1e-9999999"), any other
        return text


def _count(text: str) -> int | str:
    """"1 000 000" → 1000000; what is not digits is passed on as text, for the schema to refuse."""
    digits = "".join(text.split())
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_COUNT_DIGITS:
        return int(digits)
    return digits


def campaign_data(values: dict[str, str], language: str, currency: str | None = None) -> dict:
    """CampaignCreate's data (CampaignPatch's too, without `currency`) from the form's values; every
    optional field present (None when empty) so an edit clears what was emptied."""
    currency = currency or values.get("currency") or ""
    targets: dict = {}
    for name in COUNT_TARGETS:
        text = values.get(f"target_{name}", "")
        if text:
            targets[name] = _count(text)
    for name in MONEY_TARGETS:
        money = _money(values.get(f"target_{name}", ""), currency, language)
        if money:
            targets[name] = money
    roi = _roi(values.get("target_roi_min", ""))
    if roi is not None:
        targets["roi_min"] = roi
    data = {name: values.get(name) or None for name in ("name", "goal", "starts_on", "ends_on")}
    data.update(budget=_money(values.get("budget_amount", ""), currency, language), targets=targets,
                **{name: values.get(name) or None for name in ("utm_source", "utm_medium", "utm_campaign")})
    if "currency" in values:
        data["currency"] = values["currency"] or None
    return data


def cost_data(values: dict[str, str], currency: str, language: str) -> dict:
    return {"kind": values.get("kind") or None, "label": values.get("label") or None,
            "spent_on": values.get("spent_on") or None,
            "amount": _money(values.get("amount", ""), currency, language)}


def form_field(path: str | None) -> str:
    """The form field a schema or service path names: budget.amount → budget_amount, targets.cpa_max.currency
    → target_cpa_max, amount.amount → amount."""
    parts = [p for p in (path or "").split(".") if p]
    if not parts:
        return "__all__"
    if parts[0] == "budget":
        return "budget_amount"
    if parts[0] == "targets":
        return f"target_{parts[1]}" if len(parts) > 1 else "__all__"
    if parts[0] == "version":  # hidden: what is wrong with it is said for the whole form
        return "__all__"
    return parts[0]


def _message(name: str, kind: str, language: str) -> str:
    if kind in ("missing", "string_too_short") or (kind == "none" and name in REQUIRED):
        return i18n.translate("form.error.required", language)
    if kind == "ends_before_start":
        return i18n.translate("campaigns.error.ends_before_start", language)
    if kind == "currency_fixed":
        return i18n.translate("campaigns.error.currency_fixed", language)
    if kind == "other_currency":
        return i18n.translate("campaigns.error.other_currency", language)
    if kind in ("cost_line_max", "costs_total_max", "too_many_costs"):
        return i18n.translate(f"campaigns.error.{kind}", language)
    key = FIELD_MESSAGES.get(name)
    return i18n.translate(key or "form.error.invalid", language)


def _kind(err_type: str, message: str, name: str) -> str:
    if "end before it starts" in message:
        return "ends_before_start"
    if name == "currency" and "cannot change" in message:
        return "currency_fixed"
    if "campaign's currency" in message:
        return "other_currency"
    if name == "amount" and "split a larger cost" in message:  # costs.add's refusals
        return "cost_line_max"
    if name == "amount" and "would add up to more than" in message:
        return "costs_total_max"
    if name == "amount" and "cost lines; delete some" in message:
        return "too_many_costs"
    return err_type


def errors_of(exc: ValidationError | ValidationFailed, language: str, data: dict) -> dict[str, str]:
    """{form field: translated message} for a schema's or a service's refusal."""
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        found = [(".".join(str(p) for p in err["loc"]), err["type"], err["msg"])
                 for err in exc.errors(include_url=False, include_input=False)]
    else:
        found = [(d.get("field"), "value_error", d.get("message") or "") for d in exc.details or []]
    for path, err_type, message in found:
        name = form_field(path)
        if name == "__all__" and (path or "").startswith("version"):
            errors.setdefault(name, i18n.translate("campaigns.error.version", language))
            continue
        if err_type == "missing" or (name in data and data[name] is None and name in REQUIRED):
            err_type = "missing"
        errors.setdefault(name, _message(name, _kind(err_type, message, name), language))
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def check(model, data: dict, language: str):
    """(the model, {}) or (None, the errors by form field)."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, errors_of(exc, language, data)


def _percent(ratio) -> str:
    """"0.5" → "50" (how the form shows roi_min)."""
    text = format(Decimal(str(ratio)) * HUNDRED, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def values_of(campaign) -> dict[str, str]:
    """The edit form's values for a stored campaign (amounts written plainly, ROI in percent)."""
    from chalicelib.core.money import Money
    from chalicelib.core.plain import plain

    def amount(minor) -> str:
        return "" if minor is None else str(Money(int(minor), campaign.currency).amount)

    targets = plain(campaign.targets) or {}
    values = {"name": campaign.name, "goal": campaign.goal, "starts_on": campaign.starts_on,
              "ends_on": campaign.ends_on, "currency": campaign.currency,
              "budget_amount": amount(campaign.budget_minor),
              "utm_source": campaign.utm_source or "", "utm_medium": campaign.utm_medium or "",
              "utm_campaign": campaign.utm_campaign or ""}
    for name in COUNT_TARGETS:
        values[f"target_{name}"] = str(targets[name]) if targets.get(name) is not None else ""
    for name in MONEY_TARGETS:
        values[f"target_{name}"] = amount(targets.get(name))
    values["target_roi_min"] = _percent(targets["roi_min"]) if targets.get("roi_min") is not None else ""
    return values
