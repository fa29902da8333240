"""A deal's stored maps as the rules' values and back: terms and overrides (plain JSON maps on the
items) ⇄ rules.terms.Terms, the fee and product value ⇄ Money. No I/O."""
from __future__ import annotations

from dataclasses import asdict, fields
from decimal import Decimal

from chalicelib.core.money import Money
from chalicelib.core.plain import plain
from chalicelib.deals.rules.terms import LISTS, Penalties, Terms, UsageRights

PERCENTS = ("late_pct_per_hour", "late_cap_pct", "missing_element_pct")


def terms_from_map(values) -> Terms:
    """Terms from a stored (or dumped) map; missing keys and None are "not agreed"."""
    values = dict(plain(values) or {})
    penalties = dict(values.pop("penalties", None) or {})
    for name in PERCENTS:
        if penalties.get(name) is not None:
            penalties[name] = Decimal(str(penalties[name]))
    rights = values.pop("usage_rights", None)
    known = {spec.name for spec in fields(Terms)} - {"penalties", "usage_rights"}
    kept = {k: v for k, v in values.items() if k in known}
    for name in LISTS:
        if kept.get(name) is not None:
            kept[name] = tuple(kept[name])
    return Terms(**kept, usage_rights=UsageRights(rights.get("text"), rights.get("days")) if rights else None,
                 penalties=Penalties(**{k: v for k, v in penalties.items() if k in {f.name for f in fields(Penalties)}}))


def terms_to_map(terms: Terms) -> dict:
    """The stored map: only what is agreed (None left out); decimals as text, tuples as lists."""
    out: dict = {}
    for spec in fields(Terms):
        value = getattr(terms, spec.name)
        if spec.name == "penalties":
            agreed = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(value).items() if v is not None}
            if agreed:
                out["penalties"] = agreed
        elif spec.name == "usage_rights":
            if value is not None:
                out["usage_rights"] = {k: v for k, v in asdict(value).items() if v is not None}
        elif value is not None:
            out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out


def terms_input(model) -> dict:
    """A TermsIn (or None) as the stored map."""
    if model is None:
        return {}
    return terms_to_map(terms_from_map(model.model_dump(mode="json", exclude_none=True)))


def fee(deal) -> Money:
    return Money(int(deal.fee_minor), deal.currency)


def product_value(deal) -> Money | None:
    return None if deal.product_value_minor is None else Money(int(deal.product_value_minor), deal.currency)


def agency_fee(deal) -> Money | None:
    """The agency's fee: its percent of the blogger's fee, rounded down to the minor unit."""
    if deal.agency_fee_pct is None:
        return None
    return fee(deal).percent(Decimal(deal.agency_fee_pct))


def money_wire(money: Money | None, locale: str | None = None) -> dict | None:
    if money is None:
        return None
    out = money.to_wire()
    if locale:
        out["text"] = money.format(locale)
    return out
