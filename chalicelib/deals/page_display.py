"""What the deal pages show, in the reader's language: names of statuses, disclosure profiles, VAT
modes, triggers and formats, amounts in the reader's locale (Babel: "150 000,00 ₽" / "RUB 150,000.00"),
agreed wall times and stored instants written for the locale, and a deal's terms as plain lines.

Keys built from values (`deals.status.<status>` …) are listed by `translation_keys()`, so a test can
check that every one exists in both languages."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from chalicelib.core import i18n
from chalicelib.deals.contract_view import format_name, platform_name
from chalicelib.deals.schemas import (
    ContractLanguage,
    DealStatusName,
    DeliverableFormat,
    DeliverableStatusName,
    Disclosure,
    EarlyDeletion,
    Trigger,
    Vat,
)

# The currencies offered first in the fee's select (any ISO code the deal already has is added).
CURRENCIES = ("RUB", "USD", "EUR", "KZT", "BYN", "UZS", "AMD", "GEL", "AED", "TRY", "CNY", "GBP")
# app.css has badges for the post statuses; a deal's and a deliverable's statuses borrow their colours.
DEAL_BADGES = {"draft": "status-draft", "sent": "status-in_review", "signed": "status-approved",
               "in_progress": "status-scheduled", "completed": "status-published", "closed": "status-archived",
               "cancelled": "status-rejected", "disputed": "status-changes_requested"}
DELIVERABLE_BADGES = {"planned": "status-draft", "creative_requested": "status-in_review",
                      "draft_submitted": "status-in_review", "changes_requested": "status-changes_requested",
                      "approved": "status-approved", "scheduled": "status-scheduled", "published": "status-published",
                      "monitoring": "status-publishing", "fulfilled": "status-published", "late": "status-unconfirmed",
                      "nonconforming": "status-partially_published", "deleted_early": "status-missed",
                      "missed": "status-missed", "cancelled": "status-skipped"}
ACTIONS = ("send", "sign", "start", "complete", "close", "cancel", "dispute", "resolve")  # buttons (no "amend")
NEEDS_REASON = ("cancel", "dispute")
RESOLVE_TO = ("in_progress", "completed")


def _names(prefix: str, values) -> dict[str, str]:
    return {v: f"{prefix}.{v}" for v in values}


def _keys() -> dict[str, dict[str, str]]:
    return {
        "status": _names("deals.status", (s.value for s in DealStatusName)),
        "deliverable_status": _names("deals.deliverable_status", (s.value for s in DeliverableStatusName)),
        "disclosure": _names("deals.disclosure", (d.value for d in Disclosure)),
        "disclosure_hint": _names("deals.disclosure_hint", (d.value for d in Disclosure)),
        "language": _names("deals.contract_language", (c.value for c in ContractLanguage)),
        "vat": _names("deals.vat", (v.value for v in Vat)),
        "trigger": _names("deals.trigger", (t.value for t in Trigger)),
        "early_deletion": _names("deals.early_deletion", (e.value for e in EarlyDeletion)),
        "no_show": {"full": "deals.no_show.full"},
        "action": _names("deals.action", ACTIONS),
        "notice": _names("deals.notice", NOTICES),
    }


NOTICES = ("deal_created", "deal_saved", "deal_amended", "deliverable_added", "deliverable_saved", "contract_made",
           "signed_copy_uploaded", *(f"moved_{a}" for a in ACTIONS))


# The labels of the terms' lines: their own where the form's label names a unit, else the form's.
TERM_KEYS = {
    "publish_window_before_minutes": "deals.term.window_before",
    "publish_window_after_minutes": "deals.term.window_after",
    "min_live_hours": "deals.term.min_live", "top_hours": "deals.term.top", "pin_hours": "deals.term.pin",
    "exclusivity_days": "deals.term.exclusivity", "usage_rights_text": "deals.term.usage_rights",
    "missing_element_pct": "deals.term.missing_element",
    **{name: f"deals.field.{name}" for name in ("required_texts", "required_links", "required_mentions",
                                                 "required_hashtags", "forbidden_terms", "promo_code",
                                                 "creative_approval", "early_deletion", "no_show")},
}


def translation_keys() -> set[str]:
    """Every key this module builds from a value (for the catalog test)."""
    keys = {key for group in _keys().values() for key in group.values()}
    return keys | set(TERM_KEYS.values())


@lru_cache(maxsize=None)
def labels(language: str) -> dict[str, dict[str, str]]:
    """{group: {value: text}} for the statuses, profiles, modes, triggers, actions; plus formats and platforms."""
    shown = {group: {value: i18n.translate(key, language) for value, key in keys.items()}
             for group, keys in _keys().items()}
    shown["format"] = {f.value: format_name(f.value, language) for f in DeliverableFormat}
    return shown


def platform(name: str, language: str) -> str:
    return platform_name(name, language)


@lru_cache(maxsize=None)
def currencies(language: str, extra: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, "RUB — Russian ruble") for the fee's select, in the reader's language."""
    from babel.numbers import get_currency_name

    codes = CURRENCIES + ((extra,) if extra and extra not in CURRENCIES else ())
    return tuple((code, f"{code} — {get_currency_name(code, locale=language)}") for code in codes)


class Shown:
    """Amounts, percents, numbers, days and times written for the reader's locale (Babel)."""

    def __init__(self, language: str):
        self.language = language

    def money(self, money) -> str:
        return "—" if money is None else money.format(self.language)

    def percent(self, value) -> str:
        from babel.numbers import format_decimal

        if value in (None, ""):
            return "—"
        return format_decimal(Decimal(str(value)), format="#,##0.##", locale=self.language) + "\u00a0%"

    def number(self, value) -> str:
        from babel.numbers import format_decimal

        return "—" if value is None else format_decimal(int(value), locale=self.language)

    def day(self, value) -> str:
        from datetime import date

        from babel.dates import format_date

        if not value:
            return "—"
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium",
                           locale=self.language)

    def wall(self, wall: str | None, zone: str | None = None) -> str:
        """An agreed local wall time ("2030-03-02T12:00") as the reader's locale writes it, with its zone."""
        from babel.dates import format_date, format_time, get_datetime_format

        if not wall:
            return "—"
        moment = datetime.strptime(wall[:16], "%Y-%m-%dT%H:%M")
        text = get_datetime_format("medium", locale=self.language).replace(
            "{1}", format_date(moment.date(), "medium", locale=self.language)).replace(
            "{0}", format_time(moment.time(), "short", locale=self.language))
        return f"{text} ({zone})" if zone else text

    def instant(self, stamp: str | None, zone: str) -> str:
        """A stored UTC instant in `zone` (the brand's), with the zone's name."""
        from chalicelib.core import schedule
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return "—" if moment is None else self.wall(schedule.to_wall(moment, zone), zone)

    def count(self, key: str, value) -> str:
        return "—" if value is None else i18n.plural(key, int(value), self.language)


# --- the terms in plain words -------------------------------------------------------------------------------

def _lines(values) -> str:
    return ", ".join(str(v) for v in values) if values else "—"


def terms_lines(terms: dict, language: str) -> list[tuple[str, str]]:
    """(label, value) for every agreed term and penalty of a stored terms map, in the form's order."""
    shown = Shown(language)

    def t(key: str, **params) -> str:
        return i18n.translate(key, language, **params)

    names = labels(language)
    out: list[tuple[str, str]] = []

    def add(field: str, value) -> None:
        out.append((t(TERM_KEYS[field]), value))

    for name, unit in (("publish_window_before_minutes", "common.minutes"),
                       ("publish_window_after_minutes", "common.minutes"), ("min_live_hours", "deals.hours"),
                       ("top_hours", "deals.hours"), ("pin_hours", "deals.hours")):
        if terms.get(name) is not None:
            add(name, shown.count(unit, terms[name]))
    for name in ("required_texts", "required_links", "required_mentions", "required_hashtags", "forbidden_terms"):
        if terms.get(name) is not None:
            add(name, _lines(terms[name]))
    if terms.get("promo_code") is not None:
        add("promo_code", terms["promo_code"] or "—")
    if terms.get("creative_approval") is not None:
        add("creative_approval", t("deals.yes") if terms["creative_approval"] else t("deals.no"))
    if terms.get("exclusivity_days") is not None:
        add("exclusivity_days", shown.count("deals.days", terms["exclusivity_days"]))
    rights = terms.get("usage_rights") or {}
    if rights.get("text"):
        days = rights.get("days")
        add("usage_rights_text", rights["text"] + (f" ({shown.count('deals.days', days)})" if days else ""))
    penalties = terms.get("penalties") or {}
    if penalties.get("late_pct_per_hour") is not None:
        out.append((t("deals.term.late"), t("deals.term.late_value", rate=shown.percent(penalties["late_pct_per_hour"]),
                                            cap=shown.percent(penalties.get("late_cap_pct")))))
    if penalties.get("missing_element_pct") is not None:
        add("missing_element_pct", shown.percent(penalties["missing_element_pct"]))
    if penalties.get("early_deletion"):
        add("early_deletion", names["early_deletion"].get(penalties["early_deletion"], penalties["early_deletion"]))
    if penalties.get("no_show"):
        add("no_show", names["no_show"].get(penalties["no_show"], penalties["no_show"]))
    return out


def milestone_lines(milestones: list[dict], fee, language: str) -> list[dict]:
    """The payment schedule as rows: label, percent, its share of the fee, when it is due."""
    from chalicelib.core.money import split

    shown = Shown(language)
    names = labels(language)
    rows = []
    parts = []
    if fee is not None and milestones:
        try:
            parts = split(fee, [Decimal(str(m.get("percent") or 0)) for m in milestones])
        except (ArithmeticError, ValueError):  # MoneyError is a ValueError: percents not adding up to 100
            parts = []
    for n, m in enumerate(milestones):
        when = names["trigger"].get(m.get("trigger"), m.get("trigger") or "")
        if m.get("trigger") == "on_date" and m.get("date"):
            when = f"{when}: {shown.day(m['date'])}"
        elif m.get("due_days"):
            when = i18n.translate("deals.due_in", language, when=when, days=shown.count("deals.days", m["due_days"]))
        amount = parts[n] if n < len(parts) else None
        rows.append({"label": m.get("label") or "", "percent": shown.percent(m.get("percent")),
                     "amount": shown.money(amount), "when": when})
    return rows
