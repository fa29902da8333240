"""Campaigns, cost lines and members on the wire (schemas.CampaignOut, CostLineOut, MemberOut), money with
its text in the reader's locale. The webhook secret is never part of a campaign's answer (the conversions
page shows it to managers on its own).

Amounts are written from their integer minor units with Babel (`Amount`), not through core.money.Money,
whose bounds are for one amount typed in: a sum of many lines is shown whatever its size."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.campaigns.rules.fields import COUNT_TARGETS, MONEY_TARGETS
from chalicelib.campaigns.schemas import CampaignOut, CostLineOut, MemberOut
from chalicelib.core.money import digits
from chalicelib.core.plain import plain
from chalicelib.deals.schemas import MoneyOut


@dataclass(frozen=True)
class Amount:
    """Integer minor units in a currency, for showing only (the pages' `shown.money` calls `format`)."""

    minor: int
    currency: str

    @property
    def amount(self) -> Decimal:
        """In major units, exactly, with the currency's minor digits (150000.00)."""
        places = digits(self.currency)
        return Decimal(int(self.minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))

    def format(self, locale: str) -> str:
        """"150 000,00 ₽" (ru), "RUB 150,000.00" (en), as core.money.Money writes it."""
        from babel.numbers import format_currency

        text = format_currency(self.amount, self.currency, locale=locale)
        code = self.currency
        if text.startswith(code) and len(text) > len(code) and text[len(code)].isdigit():
            text = f"{code}\u00a0{text[len(code):]}"
        return text


def money_out(minor, currency: str, locale: str | None = None) -> MoneyOut | None:
    if minor is None:
        return None
    shown = Amount(int(minor), currency)
    return MoneyOut(amount=str(shown.amount), currency=currency, text=shown.format(locale) if locale else None)


def targets_out(targets, currency: str, locale: str | None = None) -> dict:
    stored = plain(targets) or {}
    out: dict = {}
    for name in COUNT_TARGETS:
        if stored.get(name) is not None:
            out[name] = int(stored[name])
    for name in MONEY_TARGETS:
        if stored.get(name) is not None:
            out[name] = money_out(stored[name], currency, locale).model_dump()
    if stored.get("roi_min") is not None:
        out["roi_min"] = str(stored["roi_min"])
    return out


def campaign_out(campaign, locale: str | None = None) -> CampaignOut:
    return CampaignOut(
        id=campaign.id, brand_id=campaign.brand_id, name=campaign.name, goal=campaign.goal,
        starts_on=campaign.starts_on, ends_on=campaign.ends_on, currency=campaign.currency,
        budget=money_out(campaign.budget_minor, campaign.currency, locale),
        targets=targets_out(campaign.targets, campaign.currency, locale), utm_source=campaign.utm_source,
        utm_medium=campaign.utm_medium, utm_campaign=campaign.utm_campaign, status=campaign.status,
        created_at=campaign.created_at, created_by=campaign.created_by, updated_at=campaign.updated_at,
        version=int(campaign.version))


def cost_out(item, currency: str, locale: str | None = None) -> CostLineOut:
    return CostLineOut(id=item.id, campaign_id=item.campaign_id, kind=item.kind, label=item.label,
                       spent_on=item.spent_on, amount=money_out(item.amount_minor, currency, locale),
                       created_at=item.created_at, created_by=item.created_by)


def member_out(member, subject) -> MemberOut:
    return MemberOut(kind=member.kind, id=member.subject_id, title=subject.title or "", status=subject.status,
                     added_at=member.added_at)
