"""A deal as its contract prints it: the stored items (DealItem, DeliverableItem, the influencer and
accounts) turned into one frozen contract_view.ContractView. No I/O: the service reads, this maps.

  fee_minor + currency          → Money; product_value_minor likewise; agency_fee_pct text → Decimal
  terms map                     → rules.terms.Terms, penalties and usage rights included (stored.py)
  milestones [{label, percent (text), trigger, due_days, date}] → rules.payments.plan_items(fee, …):
                                  the items with their amounts, the last taking the rounding remainder;
                                  no milestones: the default schedule the payments use (payment_ops)
  advertiser {name, inn}        → Advertiser
  blogger_legal (the snapshot made at signing) or else the influencer's legal data → BloggerLegal
  deliverables (not cancelled)  → DeliverableLine: platform, handle, format, the agreed wall time in
                                  its zone, erid

`terms_from_map` and `milestones_from_list` tolerate missing keys and None ("not agreed"); what does
not make sense is left for the rules' checks to name (terms.problems, payments.check_schedule), and
`view_for` raises ContractDataError (a ValueError) with a sentence when the deal cannot be printed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from chalicelib.core.money import Money, MoneyError
from chalicelib.core.plain import plain
from chalicelib.deals.contract_view import Advertiser, BloggerLegal, ContractView, DeliverableLine
from chalicelib.deals.payment_ops import DEFAULT_SCHEDULE  # what the payments plan when no schedule was given
from chalicelib.deals.rules.payments import Milestone, PaymentRuleError, plan_items
from chalicelib.deals.stored import terms_from_map

__all__ = ["ContractDataError", "milestones_from_list", "terms_from_map", "view_for"]

LEFT_OUT = ("cancelled",)  # deliverables the contract does not list


class ContractDataError(ValueError):
    """The deal cannot be printed as it is (a sentence for the person)."""


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _whole(value, default: int = 0) -> int:
    if value is None or value == "" or isinstance(value, bool):
        return default
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return default
    return int(number) if number == number.to_integral_value() else default


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def milestones_from_list(values) -> list[Milestone]:
    """Milestones from the stored list of maps; a missing label is "", a missing percent 0 (the
    schedule check then says what is wrong), missing days 0, a date only when it is a real date."""
    out = []
    for entry in plain(values) or []:
        entry = entry if isinstance(entry, dict) else {}
        percent = _decimal(entry.get("percent"))
        out.append(Milestone(label=str(entry.get("label") or ""), percent=percent if percent is not None else Decimal(0),
                             trigger=str(entry.get("trigger") or ""), due_days=_whole(entry.get("due_days")),
                             date=_day(entry.get("date"))))
    return out


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def blogger_of(deal, influencer) -> BloggerLegal:
    """The influencer's legal data now (a new version prints what is true today; the version's record keeps
    it, and signing copies that record), else the snapshot of the last signature."""
    legal = {}
    if influencer is not None:
        legal = {"legal_type": influencer.legal_type, "legal_name": influencer.legal_name, "inn": influencer.inn,
                 "ogrn": influencer.ogrn, "display_name": influencer.display_name}
    legal = legal or plain(deal.blogger_legal) or {}
    if not legal:
        raise ContractDataError("The blogger's legal data is missing: the influencer was removed from the directory "
                                "and the deal has no snapshot of it.")
    display = _text(legal.get("display_name")) or _text(legal.get("legal_name")) or ""
    return BloggerLegal(legal_type=_text(legal.get("legal_type")) or "individual",
                        legal_name=_text(legal.get("legal_name")) or display, inn=_text(legal.get("inn")),
                        ogrn=_text(legal.get("ogrn")), display_name=display)


def _wall(item) -> dt.datetime:
    text = _text(getattr(item, "wall", None))
    if text:
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=None, second=0, microsecond=0)
        except ValueError:
            pass
    instant = dt.datetime.fromisoformat(str(item.publish_at).replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.timezone.utc)
    return instant.astimezone(ZoneInfo(item.timezone)).replace(tzinfo=None, second=0, microsecond=0)


def deliverable_lines(deliverables, accounts=()) -> tuple[DeliverableLine, ...]:
    by_id = {a.id: a for a in accounts or ()}
    lines = []
    for item in deliverables:
        if item.status in LEFT_OUT:
            continue
        account = by_id.get(item.account_id)
        platform = _text(item.platform) or (account.platform if account else "")
        handle = _text(item.handle) or (account.handle if account else "")
        lines.append(DeliverableLine(platform=platform, handle=handle, format=item.format, publish_at=_wall(item),
                                     zone=item.timezone, erid=_text(item.erid)))
    return tuple(lines)


def view_for(deal, deliverables, influencer, accounts, version: int, today: dt.date) -> ContractView:
    """The contract of `deal` as version `version`, dated `today`. ContractDataError when it cannot be
    printed: a fee, product value or schedule that does not add up, the blogger's data missing."""
    try:
        fee = Money(int(deal.fee_minor), deal.currency)
        product = None if deal.product_value_minor is None else Money(int(deal.product_value_minor), deal.currency)
    except (MoneyError, TypeError, ValueError) as exc:
        raise ContractDataError(f"The deal's fee is not an amount of money: {exc}") from None
    schedule = milestones_from_list(plain(deal.milestones) or DEFAULT_SCHEDULE)
    try:
        payments = tuple(plan_items(fee, schedule))
    except PaymentRuleError as exc:
        raise ContractDataError(f"The payment schedule cannot be printed: {exc}") from None
    advertiser = plain(deal.advertiser) or {}
    try:
        return ContractView(
            language=deal.language, disclosure=deal.disclosure, contract_number=deal.contract_number, version=version,
            date=today, advertiser=Advertiser(name=_text(advertiser.get("name")) or "",
                                              inn=_text(advertiser.get("inn")) or ""),
            blogger=blogger_of(deal, influencer), title=deal.title, fee=fee, vat=deal.vat,
            agency_fee_pct=_decimal(deal.agency_fee_pct), product_value=product, terms=terms_from_map(deal.terms),
            payments=payments, deliverables=deliverable_lines(deliverables, accounts))
    except ContractDataError:
        raise
    except (MoneyError, TypeError, ValueError) as exc:
        raise ContractDataError(f"The deal cannot be printed as a contract: {exc}") from None
