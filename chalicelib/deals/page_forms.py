"""The deal pages' forms: flat field names in (`fee_amount`, `late_cap_pct`, `milestone_1_percent`), the
API schemas' nested data out (DealCreate / DealPatch / DeliverableCreate / DeliverablePatch), and every
refusal — the schema's or the service's, whose details name paths like `milestones.1.percent` or
`terms.penalties.late_cap_pct` — as a translated message next to its field.

Amounts and percents are read as people type them ("150 000,00", "0,5 %"); the lists of the terms are
one item a line; the payment schedule is rows of which the empty ones are left out (their index in
the schedule is not their row on the form: `Parsed.rows` maps one to the other). An edit sends only
the groups that changed (the terms and the schedule each as a whole)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import ValidationError

from chalicelib.core import i18n

MAX_MILESTONES = 10
MIN_MILESTONE_ROWS = 3
MILESTONE_PARTS = ("label", "percent", "trigger", "due_days", "date")
MINUTES = ("publish_window_before_minutes", "publish_window_after_minutes")
HOURS = ("min_live_hours", "top_hours", "pin_hours")
LISTS = ("required_texts", "required_links", "required_mentions", "required_hashtags", "forbidden_terms")
TERM_FIELDS = (*MINUTES, *HOURS, *LISTS, "promo_code", "creative_approval", "exclusivity_days", "usage_rights_text",
               "usage_rights_days")
PENALTY_PERCENTS = ("late_pct_per_hour", "late_cap_pct", "missing_element_pct")
PENALTY_FIELDS = (*PENALTY_PERCENTS, "early_deletion", "no_show")
DEAL_FIELDS = ("influencer_id", "title", "contract_number", "advertiser_name", "advertiser_inn", "disclosure",
               "language", "fee_amount", "fee_currency", "vat", "agency_fee_pct", "product_value_amount", "notes",
               *TERM_FIELDS, *PENALTY_FIELDS, "campaign_id")
# What an edit may send, by the form fields that make it up (the schedule is compared separately).
GROUPS = {"title": ("title",), "contract_number": ("contract_number",),
          "advertiser": ("advertiser_name", "advertiser_inn"), "disclosure": ("disclosure",),
          "language": ("language",), "fee": ("fee_amount", "fee_currency"), "vat": ("vat",),
          "agency_fee_pct": ("agency_fee_pct",), "product_value": ("product_value_amount", "fee_currency"),
          "terms": (*TERM_FIELDS, *PENALTY_FIELDS), "notes": ("notes",), "campaign": ("campaign_id",)}
DELIVERABLE_FIELDS = ("account_id", "format", "publish_at", "timezone", "erid", "notes")
ROW_FIELDS = ("status", "url", "erid")  # what the small form of a deliverable's row changes

WHOLE = "deals.error.whole_number"
# A field's own message when what was typed is not valid (empty and too long have the common ones).
FIELD_MESSAGES = {
    "influencer_id": "deals.error.influencer", "contract_number": "deals.error.contract_number",
    "advertiser_inn": "deals.error.inn", "fee_amount": "deals.error.amount", "fee_currency": "deals.error.currency",
    "product_value_amount": "deals.error.amount", "agency_fee_pct": "deals.error.percent",
    **{name: WHOLE for name in (*MINUTES, *HOURS, "exclusivity_days", "usage_rights_days")},
    **{name: "deals.error.percent" for name in PENALTY_PERCENTS},
    **{name: "deals.error.list" for name in LISTS}, "required_links": "deals.error.links",
    "promo_code": "deals.error.promo_code", "milestone_percent": "deals.error.milestone_percent",
    "milestone_due_days": "deals.error.due_days", "milestone_date": "deals.error.date",
    "publish_at": "deals.error.publish_at", "timezone": "form.error.timezone", "erid": "deals.error.erid",
    "url": "deals.error.url", "account_id": "deals.error.account",
    "campaign_id": "campaigns.error.join_deal",  # the field is there only when campaigns is plugged in
}
# What a service's refusal of a field means (its details name the field).
DOMAIN_MESSAGES = {
    "milestones": "deals.error.milestones_sum", "milestone_label": "deals.error.milestone_label",
    "milestone_date": "deals.error.milestone_date", "milestone_due_days": "deals.error.milestone_due_days",
    "late_cap_pct": "deals.error.late_cap", "late_pct_per_hour": "deals.error.late_rate",
    "top_hours": "deals.error.longer_than_live", "pin_hours": "deals.error.longer_than_live",
    "forbidden_terms": "deals.error.forbidden_required", "usage_rights_days": "deals.error.usage_days",
    "usage_rights_text": "deals.error.usage_text", "contract_number": "deals.error.number_taken",
    "fee_currency": "deals.error.currency_with_product", "product_value_amount": "deals.error.product_value",
    "account_id": "deals.error.account_venue", "format": "deals.error.format_platform",
    "status": "deals.error.status_move", "deliverables": "deals.error.send_no_deliverables",
    **{name: "deals.error.list_twice" for name in LISTS if name != "forbidden_terms"},
}
_MILESTONE = re.compile(r"^milestone_(\d+)_(\w+)$")


def milestone_name(row: int, part: str) -> str:
    return f"milestone_{row}_{part}"


@dataclass
class Parsed:
    """The schema's data from a form, what could not even be read, and which form row each
    schedule item came from."""

    data: dict
    errors: dict[str, str] = field(default_factory=dict)  # form field → translation key
    rows: list[int] = field(default_factory=list)


# --- reading what people type ----------------------------------------------------------------------------

def _squeeze(text: str) -> str:
    return "".join(text.split()).replace("\u00a0", "")


def amount_text(text: str, language: str) -> str:
    """"150 000,00" (ru) / "150,000.00" (en) → "150000.00"; what cannot be read is passed on for the schema."""
    value = _squeeze(text)
    if "," in value and "." in value:
        return value.replace(",", "")
    if "," in value:
        return value.replace(",", "") if language == "en" and re.fullmatch(r"\d{1,3}(,\d{3})+", value) \
            else value.replace(",", ".")
    return value


def percent_text(text: str) -> str:
    return _squeeze(text).rstrip("%").replace(",", ".")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _whole(text: str) -> str:
    return _squeeze(text)


# --- the deal form -------------------------------------------------------------------------------------------

def milestone_rows(form: dict[str, str]) -> list[dict[str, str]]:
    """The schedule's rows as posted (every row the form had, empty ones too)."""
    rows = []
    for n in range(MAX_MILESTONES):
        if not any(milestone_name(n, part) in form for part in MILESTONE_PARTS):
            break
        rows.append({part: (form.get(milestone_name(n, part)) or "").strip() for part in MILESTONE_PARTS})
    return rows


def _blank(row: dict[str, str]) -> bool:
    return not (row.get("label") or row.get("percent") or row.get("date"))


def _milestones(rows: list[dict[str, str]]) -> tuple[list[dict], list[int]]:
    out, where = [], []
    for n, row in enumerate(rows):
        if _blank(row):
            continue
        item = {"label": row["label"], "percent": percent_text(row["percent"]) or None,
                "trigger": row.get("trigger") or "on_signing"}
        if row.get("due_days"):
            item["due_days"] = _whole(row["due_days"])
        if row.get("date"):
            item["date"] = row["date"]
        out.append({k: v for k, v in item.items() if v is not None})
        where.append(n)
    return out, where


def _terms(values: dict[str, str]) -> dict:
    terms: dict = {}
    for name in (*MINUTES, *HOURS, "exclusivity_days"):
        if values.get(name, "").strip():
            terms[name] = _whole(values[name])
    for name in LISTS:
        if values.get(name, "").strip():
            terms[name] = _lines(values[name])
    if values.get("promo_code", "").strip():
        terms["promo_code"] = values["promo_code"].strip()
    if values.get("creative_approval"):
        terms["creative_approval"] = True
    text, days = values.get("usage_rights_text", "").strip(), values.get("usage_rights_days", "").strip()
    if text or days:
        terms["usage_rights"] = {"text": text, **({"days": _whole(days)} if days else {})}
    penalties = {name: percent_text(values[name]) for name in PENALTY_PERCENTS if values.get(name, "").strip()}
    penalties.update({name: values[name] for name in ("early_deletion", "no_show") if values.get(name, "").strip()})
    if penalties:
        terms["penalties"] = penalties
    return terms


def deal_data(values: dict[str, str], rows: list[dict[str, str]], language: str,
              groups: set[str] | None = None) -> Parsed:
    """The data of DealCreate (groups None: everything typed) or DealPatch (the groups that changed;
    "milestones" among them when the schedule changed)."""
    wanted = (lambda group: True) if groups is None else (lambda group: group in groups)
    v = {name: (values.get(name) or "").strip() for name in DEAL_FIELDS}
    data: dict = {}
    if groups is None and v["influencer_id"]:
        data["influencer_id"] = v["influencer_id"]
    for name in ("title", "contract_number", "disclosure", "language", "vat"):
        if wanted(name) and v[name]:
            data[name] = v[name]
    if wanted("advertiser") and (v["advertiser_name"] or v["advertiser_inn"]):
        data["advertiser"] = {"name": v["advertiser_name"], **({"inn": v["advertiser_inn"]} if v["advertiser_inn"]
                                                                else {})}
    if wanted("fee") and v["fee_amount"]:
        data["fee"] = {"amount": amount_text(v["fee_amount"], language), "currency": v["fee_currency"] or "RUB"}
    if wanted("agency_fee_pct"):
        data["agency_fee_pct"] = percent_text(v["agency_fee_pct"]) or None
    if wanted("product_value"):
        data["product_value"] = ({"amount": amount_text(v["product_value_amount"], language),
                                  "currency": v["fee_currency"] or "RUB"} if v["product_value_amount"] else None)
    if wanted("terms"):
        data["terms"] = _terms(values)
    if wanted("notes"):
        data["notes"] = v["notes"] or None
    if wanted("campaign"):
        data["campaign_id"] = v["campaign_id"] or None
    where: list[int] = []
    if groups is None or "milestones" in groups:
        milestones, where = _milestones(rows)
        if milestones or groups is not None:
            data["milestones"] = milestones
    if groups is None:
        data = {k: val for k, val in data.items() if val is not None}
    return Parsed(data, rows=where)


def required_on_edit(values: dict[str, str]) -> dict[str, str]:
    """An edit cannot empty these (the API refuses null for them): the field → its translation key."""
    return {name: "form.error.required" for name in ("title", "contract_number", "fee_amount", "advertiser_name")
            if not (values.get(name) or "").strip()}


def changed_groups(values: dict[str, str], before: dict[str, str], rows: list[dict[str, str]],
                   rows_before: list[dict[str, str]]) -> set[str]:
    def differs(name: str) -> bool:
        return (values.get(name) or "").strip() != (before.get(name) or "").strip()

    groups = {group for group, names in GROUPS.items() if any(differs(n) for n in names)}
    if group_rows(rows) != group_rows(rows_before):
        groups.add("milestones")
    if "product_value" in groups and not (values.get("product_value_amount") or before.get("product_value_amount")):
        groups.discard("product_value")  # the currency moved, with no product value to move with it
    return groups


def group_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows if not _blank(row)]


# --- the deliverable forms ---------------------------------------------------------------------------------

def deliverable_data(values: dict[str, str]) -> dict:
    data = {name: values[name].strip() for name in DELIVERABLE_FIELDS if values.get(name, "").strip()}
    if "publish_at" in data:
        data["publish_at"] = data["publish_at"].replace(" ", "T")[:16]
    return data


def row_data(values: dict[str, str], item) -> dict:
    """What a deliverable row's form changes: a new status, the live URL, the erid (an emptied one is kept)."""
    data = {}
    for name in ROW_FIELDS:
        text = (values.get(name) or "").strip()
        if text and text != (getattr(item, name, None) or ""):
            data[name] = text
    return data


# --- refusals as messages ----------------------------------------------------------------------------------

def form_name(loc, rows: list[int] | None = None) -> str:
    """A schema's error location or a service's field path as the form's field name."""
    parts = [str(p) for p in loc if str(p) != ""] or ["__all__"]
    head, rest = parts[0], parts[1:]
    if head == "fee":
        return "fee_currency" if rest[:1] == ["currency"] else "fee_amount"
    if head == "product_value":
        return "product_value_amount"
    if head == "advertiser":
        return "advertiser_inn" if rest[:1] == ["inn"] else "advertiser_name"
    if head in ("terms", "overrides"):
        if not rest:
            return "__all__"
        if rest[0] == "penalties":
            return rest[1] if len(rest) > 1 else "late_pct_per_hour"
        if rest[0] == "usage_rights":
            return "usage_rights_days" if rest[1:2] == ["days"] else "usage_rights_text"
        return rest[0]
    if head == "milestones":
        if rest and rest[0].isdigit():
            index = int(rest[0])
            row = rows[index] if rows is not None and index < len(rows) else index
            return milestone_name(row, rest[1] if len(rest) > 1 else "percent")
        return "milestones"
    if head == "deliverables":
        return "account_id" if rest[1:2] == ["account_id"] else "deliverables"
    return head


def _base(name: str) -> str:
    match = _MILESTONE.match(name)
    return f"milestone_{match.group(2)}" if match else name


def _message(name: str, kind: str, ctx: dict, language: str) -> str:
    if kind in ("missing", "string_too_short"):
        return i18n.translate("form.error.required", language)
    if kind == "string_too_long":
        return i18n.translate("form.error.too_long", language, max=ctx.get("max_length", ""))
    if _base(name) in FIELD_MESSAGES:
        return i18n.translate(FIELD_MESSAGES[_base(name)], language)
    return i18n.translate("form.error.choice" if kind == "enum" else "form.error.invalid", language)


def field_errors(exc: Exception, language: str, rows: list[int] | None = None) -> dict[str, str]:
    """A schema's or a service's refusal as {form field: message}."""
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for err in exc.errors(include_url=False, include_input=False):
            name = form_name(err["loc"], rows)
            errors.setdefault(name, _message(name, err["type"], err.get("ctx") or {}, language))
    else:
        for detail in getattr(exc, "details", None) or []:
            name = form_name(str(detail.get("field") or "__all__").split("."), rows)
            key = DOMAIN_MESSAGES.get(_base(name)) or FIELD_MESSAGES.get(_base(name)) or "form.error.invalid"
            errors.setdefault(name, i18n.translate(key, language))
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def check(model, parsed: Parsed, language: str, read_errors: dict | None = None):
    """(the model or None, errors): the schema's verdict plus what could not even be read."""
    errors = {name: i18n.translate(key, language) for name, key in (read_errors or {}).items()}
    try:
        result = model.model_validate(parsed.data)
    except ValidationError as exc:
        return None, {**field_errors(exc, language, parsed.rows), **errors}
    return (None, errors) if errors else (result, {})


# --- a stored deal as the form shows it --------------------------------------------------------------------

def _decimal_text(value) -> str:
    return "" if value in (None, "") else format(Decimal(str(value)).normalize(), "f")


def deal_values(deal) -> dict[str, str]:
    from chalicelib.core.plain import plain
    from chalicelib.deals import stored

    advertiser = plain(deal.advertiser) or {}
    terms = plain(deal.terms) or {}
    penalties = terms.get("penalties") or {}
    rights = terms.get("usage_rights") or {}
    value = stored.product_value(deal)
    values = {"influencer_id": deal.influencer_id, "title": deal.title, "contract_number": deal.contract_number,
              "advertiser_name": advertiser.get("name") or "", "advertiser_inn": advertiser.get("inn") or "",
              "disclosure": deal.disclosure, "language": deal.language,
              "fee_amount": str(stored.fee(deal).amount), "fee_currency": deal.currency, "vat": deal.vat,
              "agency_fee_pct": _decimal_text(deal.agency_fee_pct),
              "product_value_amount": str(value.amount) if value is not None else "", "notes": deal.notes or "",
              "promo_code": terms.get("promo_code") or "",
              "creative_approval": "on" if terms.get("creative_approval") else "",
              "usage_rights_text": rights.get("text") or "",
              "usage_rights_days": "" if rights.get("days") is None else str(rights["days"]),
              "campaign_id": deal.campaign_id or ""}
    for name in (*MINUTES, *HOURS, "exclusivity_days"):
        values[name] = "" if terms.get(name) is None else str(terms[name])
    for name in LISTS:
        values[name] = "\n".join(terms.get(name) or [])
    for name in PENALTY_PERCENTS:
        values[name] = _decimal_text(penalties.get(name))
    for name in ("early_deletion", "no_show"):
        values[name] = penalties.get(name) or ""
    return {k: str(v) for k, v in values.items()}


def stored_rows(milestones) -> list[dict[str, str]]:
    from chalicelib.core.plain import plain

    return [{"label": m.get("label") or "", "percent": _decimal_text(m.get("percent")),
             "trigger": m.get("trigger") or "on_signing", "due_days": str(m.get("due_days") or 0),
             "date": m.get("date") or ""} for m in plain(milestones) or []]


def row_count(rows: list[dict[str, str]]) -> int:
    """Rows the form shows for a schedule: one empty row more than filled, at least MIN_MILESTONE_ROWS."""
    return min(MAX_MILESTONES, max(MIN_MILESTONE_ROWS, len(group_rows(rows)) + 1))


def rows_values(rows: list[dict[str, str]], count: int) -> dict[str, str]:
    """The schedule's rows as form values, `count` rows (the ones past `rows` empty)."""
    values = {}
    for n in range(max(count, len(rows))):
        row = rows[n] if n < len(rows) else {}
        for part in MILESTONE_PARTS:
            values[milestone_name(n, part)] = row.get(part, "")
    return values
