"""The report written for a reader (the page and the PDF): amounts in their locale with Babel (rounded to the
currency's digits only here — JPY to whole yen, RUB to kopecks), ratios as percents, names of goals,
statuses, KPIs, targets and check results in the reader's language.

Keys built from values (`campaign_report.kpi.<name>` …) are listed by `translation_keys()`, so a test can
check that every one exists in both languages."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from chalicelib.campaigns.rules import kpi, targets
from chalicelib.core import i18n

GOALS = ("awareness", "traffic", "leads", "sales", "subscribers")
STATUSES = ("active", "archived")
METRICS = ("views", "reach", "impressions", "engagements", "clicks", "conversions", "revenue", "cost", "followers",
           "spend", "unassigned_clicks")
ER_BASES = (kpi.BASE_REACH, kpi.BASE_FOLLOWERS, kpi.BASE_MIXED)
TARGET_STATUSES = (targets.ON_TRACK, targets.BEHIND, targets.UNKNOWN, targets.PARTIAL)
CHECKS = ("pass", "warn", "fail", "inconclusive", "none")
COST_PARTS = ("fees", "agency_fees", "product_value", "adjustments", "deals", "lines", "total")
SERIES = ("views", "clicks", "conversions", "revenue", "spend")
TOP_BY = ("engagements", "views", "clicks")
KINDS = ("post", "deliverable")
CSV_SECTIONS = ("campaign", "cost", "totals", "kpis", "kpi_base", "targets", "spend_week", "series", "blogger",
                "publication")
CSV_COLUMNS = ("ctr_clicks", "ctr_impressions", "partial")  # kpi_base rows' labels: campaign_report.col.<name>
GAPS = ("ahead", "behind", "under", "over", "above", "below")

DASH = "—"


def translation_keys() -> set[str]:
    keys = {f"campaign_report.goal.{g}" for g in GOALS} | {f"campaign_report.status.{s}" for s in STATUSES}
    keys |= {f"campaign_report.metric.{m}" for m in METRICS} | {f"campaign_report.kpi.{k}" for k in kpi.KPI_NAMES}
    keys |= {f"campaign_report.er_base.{b}" for b in ER_BASES}
    keys |= {f"campaign_report.target.{t}" for t in targets.ORDER}
    keys |= {f"campaign_report.target_status.{s}" for s in TARGET_STATUSES}
    keys |= {f"campaign_report.check.{c}" for c in CHECKS} | {f"campaign_report.cost.{c}" for c in COST_PARTS}
    keys |= {f"campaign_report.series.{s}" for s in SERIES} | {f"campaign_report.top.{t}" for t in TOP_BY}
    keys |= {f"campaign_report.kind.{k}" for k in KINDS} | {f"campaign_report.gap.{g}" for g in GAPS}
    keys |= {f"campaign_report.csv_section.{s}" for s in CSV_SECTIONS}
    keys |= {f"campaign_report.col.{c}" for c in CSV_COLUMNS}
    keys |= {f"campaign_report.partial.{b}" for b in set(kpi.COST_BASES.values())}
    return keys


class Shown:
    """Numbers, amounts, percents and days for the reader's locale; every None is "—"."""

    def __init__(self, language: str, currency: str):
        self.language = i18n.normalize(language)
        self.currency = currency

    def t(self, key: str, **params) -> str:
        return i18n.translate(key, self.language, **params)

    def name(self, prefix: str, value: str | None) -> str:
        """The translated name of a value (campaign_report.<prefix>.<value>); the value itself if unknown."""
        if value is None:
            return DASH
        key = f"campaign_report.{prefix}.{value}"
        return self.t(key) if key in i18n.catalog("en") else value

    def number(self, value) -> str:
        from babel.numbers import format_decimal

        if value is None:
            return DASH
        return format_decimal(Decimal(value), format="#,##0.##", locale=self.language)

    def money(self, amount: Decimal | None, currency: str | None = None) -> str:
        """Major units, rounded (half-even) to the currency's digits as Babel writes them."""
        from babel.numbers import format_currency

        if amount is None:
            return DASH
        currency = currency or self.currency
        text = format_currency(amount, currency, locale=self.language)
        sign, rest = ("-", text[1:]) if text.startswith("-") else ("", text)
        if rest.startswith(currency) and len(rest) > len(currency) and rest[len(currency)].isdigit():
            text = f"{sign}{currency}\u00a0{rest[len(currency):]}"  # "RUB 6.76", "-RUB 7,500.00" (Babel: "RUB6.76")
        return text

    def minor(self, minor: int | None, currency: str | None = None) -> str:
        from chalicelib.core.money import digits

        if minor is None:
            return DASH
        currency = currency or self.currency
        return self.money(Decimal(int(minor)).scaleb(-digits(currency)), currency)

    def percent(self, ratio: Decimal | None) -> str:
        """A ratio as a percent with up to 2 decimals: 0.05253 → "5.25 %"."""
        from babel.numbers import format_decimal

        if ratio is None:
            return DASH
        return format_decimal(ratio * 100, format="#,##0.##", locale=self.language) + "\u00a0%"

    def times(self, ratio: Decimal | None) -> str:
        """ROAS: revenue per unit of cost, "2.5×"."""
        from babel.numbers import format_decimal

        if ratio is None:
            return DASH
        return format_decimal(ratio, format="#,##0.##", locale=self.language) + "\u00d7"

    def kpi(self, name: str, value: Decimal | None) -> str:
        if name in kpi.MONEY_KPIS:
            return self.money(value)
        return self.times(value) if name == "roas" else self.percent(value)

    def day(self, value: date | str | None) -> str:
        from babel.dates import format_date

        if not value:
            return DASH
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium",
                           locale=self.language)

    def target_value(self, row, value: Decimal | None, rounding: str = ROUND_HALF_EVEN) -> str:
        if value is None:
            return DASH
        if row.kind == "money":
            return self.money(value)
        if row.kind == "ratio":
            return self.percent(value)
        return self.number(value.quantize(Decimal(1), rounding=rounding))

    def gap(self, row) -> str:
        """In words: "1,200 ahead", "₽300.00 over the ceiling" …; "—" when unknown. A count's gap is whole: behind
        rounds up (0.4 behind is "1 behind": one more is needed), ahead rounds down (what may still be lost)."""
        if row.gap is None:
            return DASH
        amount = self.target_value(row, abs(row.gap), ROUND_CEILING if row.gap < 0 else ROUND_FLOOR)
        if row.name in targets.CEILINGS:
            word = "under" if row.gap >= 0 else "over"
        elif row.name in targets.FLOORS:
            word = "above" if row.gap >= 0 else "below"
        else:
            word = "ahead" if row.gap >= 0 else "behind"
        return self.t(f"campaign_report.gap.{word}", gap=amount)
