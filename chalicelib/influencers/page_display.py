"""What the influencer pages show, in the reader's language: names of statuses, tiers, verdicts and
rules, countries, numbers and days written for the locale (Babel), and the follower history as the
coordinates of a server-rendered SVG chart."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from chalicelib.core import i18n
from chalicelib.influencers.rules import tiers
from chalicelib.influencers.schemas import LegalType, Platform, Status, country_codes

VERDICTS = ("pass", "warn", "fail")


def _text(key: str, language: str, fallback: str) -> str:
    return i18n.translate(key, language) if key in i18n.catalog("en") else fallback


@lru_cache(maxsize=None)
def labels(language: str) -> dict[str, dict[str, str]]:
    """Names of statuses, legal types, platforms, tiers, verdicts, severities and rules (keys built from values)."""
    from chalicelib.influencers.rules.vetting import RULES

    return {
        "status": {s.value: i18n.translate(f"influencer.status.{s.value}", language) for s in Status},
        "legal_type": {t.value: i18n.translate(f"influencer.legal_type.{t.value}", language) for t in LegalType},
        "platform": {p.value: i18n.translate(f"platform.{p.value}", language) for p in Platform},
        "tier": {t: _text(f"tier.{t}", language, tiers.label(t)) for t in tiers.TIER_IDS},
        "verdict": {v: _text(f"vetting.verdict.{v}", language, v) for v in VERDICTS},
        "severity": {"fail": _text("vetting.severity.fail", language, "fail"),
                     "warn": _text("vetting.severity.warn", language, "warn"),
                     "info": i18n.translate("influencers.not_measured", language)},
        "rule": {r: _text(f"vetting.rule.{r}", language, r) for r in RULES},
    }


@lru_cache(maxsize=None)
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in the reader's language), by name."""
    from babel import Locale

    names = Locale.parse(language).territories
    return tuple(sorted(((c, names.get(c, c)) for c in country_codes()), key=lambda pair: pair[1].casefold()))


class Numbers:
    """Numbers, percentages and days written for the reader's locale (Babel)."""

    def __init__(self, language: str):
        self.language = language

    def number(self, value) -> str:
        from babel.numbers import format_decimal

        return "—" if value is None else format_decimal(int(value), locale=self.language)

    def compact(self, value) -> str:
        from babel.numbers import format_compact_decimal

        return "—" if value is None else format_compact_decimal(int(value), locale=self.language, fraction_digits=1)

    def percent(self, value) -> str:
        from babel.numbers import format_decimal

        if value in (None, ""):
            return "—"
        return format_decimal(Decimal(str(value)), format="#,##0.##", locale=self.language) + "\u00a0%"

    def day(self, value) -> str:
        from babel.dates import format_date

        if not value:
            return "—"
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium",
                           locale=self.language)


# --- the follower history chart -----------------------------------------------------------------------------

CHART = {"width": 400, "height": 170, "left": 58, "right": 392, "top": 12, "bottom": 134}


def chart_of(history: list, numbers: Numbers, handle: str, language: str) -> dict | None:
    """The measurements with a follower count as SVG coordinates: x by day, y between min and max."""
    points = [(date.fromisoformat(s.taken_on), int(s.followers)) for s in history if s.followers is not None]
    if not points:
        return None
    first, last = points[0][0], points[-1][0]
    low, high = min(v for _, v in points), max(v for _, v in points)
    span, rise = (last - first).days, high - low
    width, height = CHART["right"] - CHART["left"], CHART["bottom"] - CHART["top"]
    coords = []
    for day, value in points:
        x = CHART["left"] + (width * (day - first).days / span if span else width / 2)
        y = CHART["bottom"] - (height * (value - low) / rise if rise else height / 2)
        coords.append({"x": round(x, 1), "y": round(y, 1), "day": numbers.day(day), "value": numbers.number(value)})
    return {
        **CHART, "points": " ".join(f"{c['x']},{c['y']}" for c in coords),
        "dots": coords if len(coords) <= 60 else [],
        "first": numbers.day(first), "last": numbers.day(last),
        "min": numbers.compact(low), "max": numbers.compact(high),
        "label": i18n.translate("influencers.chart_label", language, handle=handle, count=len(points),
                                first=numbers.day(first), last=numbers.day(last), start=numbers.number(points[0][1]),
                                end=numbers.number(points[-1][1]), min=numbers.number(low), max=numbers.number(high)),
    }
