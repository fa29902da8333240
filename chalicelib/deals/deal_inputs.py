"""What a person gives for a deal's contract fields, checked and turned into stored values: the
advertiser (INN with its check digits), the money (one currency, never negative), the terms (the rules'
problems as 422s naming the field), the payment schedule, the contract number, the owner, the influencer."""
from __future__ import annotations

import datetime as dt

from chalicelib.brands.service import brand_settings
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.money import MoneyError
from chalicelib.core.plain import plain
from chalicelib.deals import payment_ops, repo, stored
from chalicelib.deals.models import DealItem
from chalicelib.deals.rules import payments as payment_rules
from chalicelib.deals.rules import terms as terms_rules
from chalicelib.influencers import repo as influencer_repo
from chalicelib.influencers.rules import legal


def problems(found: list[tuple[str, str]], message: str | None = None) -> ValidationFailed:
    return ValidationFailed(message or found[0][1], details=[{"field": f, "message": m} for f, m in found])


def stored_value(deal: DealItem, name: str):
    return plain(getattr(deal, name))


# --- the contract's fields ---------------------------------------------------------------------------

def advertiser(brand, given) -> dict:
    if given is not None:
        values = given.model_dump(exclude_none=True)
    else:
        settings = brand_settings(brand)
        values = {"name": settings.get("advertiser_name") or brand.name, "inn": settings.get("advertiser_inn")}
    inn = values.get("inn")
    if inn:
        problem = legal.check_inn(inn, "legal_entity" if len(inn) == 10 else "sole_proprietor")
        if problem:
            raise problems([("advertiser.inn", problem)])
    return {k: v for k, v in values.items() if v}


def money_fields(data, currency: str | None) -> dict:
    """fee, product value and agency fee as stored (one currency for the deal)."""
    out: dict = {}
    fields = data.model_fields_set
    fee = data.fee.money() if "fee" in fields and data.fee is not None else None
    if fee is not None:
        if fee.minor < 0:
            raise problems([("fee.amount", "The fee cannot be negative.")])
        out.update(currency=fee.currency, fee_minor=fee.minor)
        currency = fee.currency
    if "product_value" in fields:
        value = data.product_value.money() if data.product_value is not None else None
        if value is not None and value.currency != currency:
            raise problems([("product_value.currency", f"The product value is in the deal's currency, {currency}.")])
        if value is not None and value.minor < 0:
            raise problems([("product_value.amount", "The product value cannot be negative.")])
        out["product_value_minor"] = value.minor if value is not None else None
    if "agency_fee_pct" in fields:
        out["agency_fee_pct"] = str(data.agency_fee_pct) if data.agency_fee_pct is not None else None
    return out


def milestones(given) -> list[dict]:
    if given is None:
        return list(payment_ops.DEFAULT_SCHEDULE)
    values = [{"label": m.label, "percent": str(m.percent), "trigger": m.trigger.value, "due_days": m.due_days,
               "date": m.date.isoformat() if m.date else None} for m in given]
    rules_view = [payment_rules.Milestone(label=m.label, percent=m.percent, trigger=m.trigger.value,
                                          due_days=m.due_days, date=m.date) for m in given]
    found = payment_rules.check_schedule(rules_view)
    if found:
        raise problems(found)
    return values


def terms(given) -> dict:
    values = stored.terms_input(given)
    found = terms_rules.problems(stored.terms_from_map(values))
    if found:
        raise problems(found)
    return values


def contract_number(brand, wanted: str | None, now: dt.datetime) -> str:
    if wanted:
        return wanted.strip()
    prefix = brand_settings(brand).get("contract_prefix") or "GL"
    return f"{prefix}-{now.year}-{repo.next_number(brand.id, now.year):04d}"


def check_owner(brand_id: str, owner_id: str | None) -> None:
    from chalicelib.brands.members import repo as member_repo

    if owner_id is None:
        return
    membership = member_repo.get(brand_id, owner_id)
    if membership is None or not {"influencer_manager", "smm_manager"} & set(membership.roles or []):
        raise problems([("owner_id", "The owner must be an influencer or SMM manager of this brand.")])


def influencer(brand_id: str, influencer_id: str):
    influencer = influencer_repo.get(influencer_id, consistent=True)
    if influencer is None or influencer.brand_id != brand_id:
        raise problems([("influencer_id", "No such influencer in this brand's directory.")])
    if influencer.status in ("blacklisted", "rejected"):
        raise problems([("influencer_id", f"The influencer is {influencer.status}: no deals with them.")])
    return influencer


def contract_changes(deal: DealItem, data, brand) -> dict:
    fields = data.model_fields_set
    out: dict = {}
    if "title" in fields:
        out["title"] = data.title
    if "contract_number" in fields:
        out["contract_number"] = data.contract_number.strip()
    if "advertiser" in fields:
        out["advertiser"] = advertiser(brand, data.advertiser)
    for name in ("disclosure", "language", "vat"):
        if name in fields:
            out[name] = getattr(data, name).value
    try:
        out.update(money_fields(data, deal.currency))
    except MoneyError as exc:
        raise problems([("fee", str(exc))]) from None
    if "currency" in out and out["currency"] != deal.currency and deal.product_value_minor is not None \
            and "product_value_minor" not in out:
        raise problems([("fee.currency", "Change the product value's currency with the fee's.")])
    if "terms" in fields:
        out["terms"] = terms(data.terms)
    if "milestones" in fields:
        out["milestones"] = milestones(data.milestones)
    return {k: v for k, v in out.items() if stored_value(deal, k) != v}
