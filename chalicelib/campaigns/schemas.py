"""Campaigns, cost lines and members: request and response models (the wire shapes of routes.py).

Money is `{"amount": "500000.00", "currency": "RUB"}` on the wire, as for deals (deals/schemas.MoneyIn:
a JSON float is refused), always in the campaign's currency (the service checks that, naming the field).
Counts are JSON whole numbers ≥ 0 (not strings, floats or booleans); dates are "YYYY-MM-DD" strings (not
numbers); `roi_min` is a decimal string ("0.5" is +50 %); UTM values are safe tokens (letters, digits, `.`,
`_`, `-`), so a tagged URL never needs them escaped. The pages send text: page_forms.py turns a typed count
into a number first.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from chalicelib.campaigns.rules.fields import COUNT_TARGETS, GOALS, MONEY_TARGETS
from chalicelib.core.schemas import Input, Output, PageQuery
from chalicelib.deals.schemas import MoneyIn, MoneyOut

Goal = Enum("Goal", {name: name for name in GOALS}, type=str)


class CampaignStatus(str, Enum):
    active = "active"
    archived = "archived"


class CostKind(str, Enum):
    boost = "boost"
    production = "production"
    other = "other"


def _whole(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("give a whole number, such as 5000 (a number, not text)")
    return value


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> Any:
    """A date as "YYYY-MM-DD" text (a number such as 0 would otherwise read as 1970-01-01)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DAY.match(value.strip()):
        return value.strip()
    raise ValueError("give the date as text, YYYY-MM-DD, such as 2026-12-01")


def _no_float(value: Any) -> Any:
    if isinstance(value, (bool, float)):
        raise ValueError('give the number as a string, such as "0.5" (never a floating-point number)')
    return value


def _currency(value: str) -> str:
    from chalicelib.core.money import currencies

    code = value.strip().upper()
    if code not in currencies():
        raise ValueError("not an ISO 4217 currency code, such as RUB")
    return code


Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10**15)]
Day = Annotated[dt.date, BeforeValidator(_day)]
def _plain(value: Decimal) -> Decimal:
    """Its digits only: "0E-1000026" (a zero that passes every bound) would be a million characters as text."""
    return value.normalize() if value else Decimal(0)


Ratio = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=-1, le=1000, max_digits=12, decimal_places=4),
                  AfterValidator(_plain)]
Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(_currency)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]  # one line
UtmToken = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class TargetsIn(Input):
    """What the campaign should reach; any of them, unset = no target."""

    reach: Count | None = None
    impressions: Count | None = None
    engagements: Count | None = None
    clicks: Count | None = None
    conversions: Count | None = None
    revenue: MoneyIn | None = Field(default=None, description="At least this revenue")
    cpm_max: MoneyIn | None = Field(default=None, description="Cost per 1000 impressions at most")
    cpc_max: MoneyIn | None = Field(default=None, description="Cost per click at most")
    cpa_max: MoneyIn | None = Field(default=None, description="Cost per conversion at most")
    roi_min: Ratio | None = Field(default=None, description='(revenue − cost) ÷ cost at least: "0.5" is +50 %')


ENDS_BEFORE_START = "the campaign cannot end before it starts"


def _ends_after_start(ends_on: dt.date | None, info: ValidationInfo) -> dt.date | None:
    starts_on = info.data.get("starts_on")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ValueError(ENDS_BEFORE_START)
    return ends_on


class CampaignCreate(Input):
    name: Name
    goal: Goal
    starts_on: Day
    ends_on: Day
    currency: Currency = Field(description="ISO 4217: the budget, costs, targets and revenue are in it (fixed)")
    budget: MoneyIn | None = None
    targets: TargetsIn = Field(default_factory=TargetsIn)
    utm_source: UtmToken | None = Field(default=None, description="For links of neither a post nor a deal: a "
                                        "post's link carries its network, a deal's the blogger's handle")
    utm_medium: UtmToken | None = None
    utm_campaign: UtmToken | None = None

    _order = field_validator("ends_on")(_ends_after_start)


CANNOT_BE_NULL = "cannot be null (it cannot be cleared); leave the field out to keep it"
NOT_NULL = ("name", "goal", "starts_on", "ends_on", "currency", "targets")


class CampaignPatch(Input):
    """Any field; `targets` replaces the targets as a whole; null clears the budget and the UTM values.
    `version` (or If-Match) guards against overwriting someone's change (409 when stale)."""

    version: int | None = Field(default=None, ge=1)
    name: Name | None = None
    goal: Goal | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    currency: Currency | None = Field(default=None, description="Only the campaign's own: it cannot change")
    budget: MoneyIn | None = None
    targets: TargetsIn | None = None
    utm_source: UtmToken | None = None
    utm_medium: UtmToken | None = None
    utm_campaign: UtmToken | None = None

    _order = field_validator("ends_on")(_ends_after_start)

    @field_validator(*NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value):
        """null clears only the budget and the UTM values; elsewhere it is refused on its own field."""
        if value is None:
            raise ValueError(CANNOT_BE_NULL)
        return value


class CampaignQuery(PageQuery):
    status: CampaignStatus | None = None


class CostLineCreate(Input):
    kind: CostKind = CostKind.other
    label: Label
    spent_on: Day
    amount: MoneyIn = Field(description="In the campaign's currency, more than zero")


class CampaignOut(Output):
    id: str
    brand_id: str
    name: str
    goal: str
    starts_on: str
    ends_on: str
    currency: str
    budget: MoneyOut | None = None
    targets: dict = Field(description="Counts as numbers, money as {amount, currency, text}, roi_min as a string")
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    status: str = Field(description="active | archived")
    created_at: str
    created_by: str
    updated_at: str | None = None
    version: int


class CampaignList(Output):
    items: list[CampaignOut]
    cursor: str | None = None


class CostLineOut(Output):
    id: str
    campaign_id: str
    kind: str
    label: str
    spent_on: str
    amount: MoneyOut
    created_at: str
    created_by: str


class CostLineList(Output):
    items: list[CostLineOut]
    total: MoneyOut


class MemberOut(Output):
    kind: str = Field(description="post | deal")
    id: str
    title: str
    status: str
    added_at: str


class MemberList(Output):
    items: list[MemberOut]
    cursor: str | None = None


TARGET_NAMES = (*COUNT_TARGETS, *MONEY_TARGETS, "roi_min")
