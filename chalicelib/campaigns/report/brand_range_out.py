"""The brand's range report (brand_range.py) in its outside forms: the JSON of GET /v1/brands/{id}/report and
the CSV of report.csv (one line per post and placement, headers and states in the reader's language).

A row listed only because it was due in the range and went out after it (brand_range's rule) carries
`late_at` (when it went out) and no results: they count in the range in which it went out. In the CSV its
state says "went out later, <day>".
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from chalicelib.campaigns.report.brand_range import KPIS, METRICS, Report, Row, local_day
from chalicelib.core import i18n


def money_wire(minor, currency: str) -> dict:
    """Exact minor units as major units rounded to the currency's digits (half-even): {"amount", "currency"}."""
    from chalicelib.core.money import digits

    places = digits(currency)
    amount = Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return {"amount": str(amount), "currency": currency}


def _kpis_wire(values: dict) -> dict:
    from chalicelib.campaigns.rules import kpi

    return {**{name: kpi.wire(values.get(name)) for name in KPIS}, "er_base": values.get("er_base")}


def _row_wire(r: Row) -> dict:
    return {"id": r.id, "title": r.title, "campaign_id": r.campaign_id, "campaign": r.campaign,
            "planned_at": r.planned_at, "published_at": r.published_at, "went_out": r.went_out,
            "late_at": r.late_at, "metrics": dict(r.metrics), "clicks": r.clicks, "unique_visitors": r.visitors,
            "conversions": r.conversions, "revenue": [money_wire(m, c) for c, m in sorted(r.revenue.items())],
            "cost": money_wire(r.cost, r.currency) if r.cost is not None and r.currency else None,
            "kpis": _kpis_wire(r.kpis)}


def to_wire(rep: Report) -> dict:
    t = rep.totals
    return {"brand_id": rep.brand_id, "from": rep.range.first.isoformat(), "to": rep.range.last.isoformat(),
            "zone": rep.range.zone, "truncated": rep.truncated,
            "posts": [{**_row_wire(r), "post_id": r.id, "publications": r.publications} for r in rep.posts],
            "placements": [{**_row_wire(r), "deliverable_id": r.id, **r.facts} for r in rep.placements],
            "totals": {"posts": t["posts"], "placements": t["placements"], "went_out": t["went_out"],
                       "metrics": t["metrics"], "clicks": t["clicks"], "unique_visitors": t["visitors"],
                       "conversions": t["conversions"], "currency": t["currency"],
                       "cost": [money_wire(m, c) for c, m in sorted(t["cost"].items())],
                       "revenue": [money_wire(m, c) for c, m in sorted(t["revenue"].items())],
                       "kpis": _kpis_wire(t["kpis"])}}


CSV_COLUMNS = ("kind", "day", "title", "campaign", "where", "state", "url", *METRICS, "engagements", "clicks",
               "unique_visitors", "conversions", "revenue", "cost", "currency", *KPIS)


def _known(prefix: str, value: str | None, language: str) -> str:
    """The name of a stored value in the reader's language (`targets.state.published`), else the value."""
    key = f"{prefix}.{value}"
    return i18n.translate(key, language) if value and key in i18n.catalog("en") else (value or "")


def _state(r: Row, zone: str, language: str) -> str:
    if r.kind == "post":
        states = sorted({_known("targets.state", p["state"], language) for p in r.publications if not p.get("late")})
    else:
        states = [] if r.late_at else [_known("deals.deliverable_status", r.facts.get("status"), language)]
    if r.late_at:
        states.append(i18n.translate("brand_report.late", language, at=local_day(r.late_at, zone)))
    return ", ".join(s for s in states if s)


def _csv_row(r: Row, zone: str, language: str) -> list[str]:
    from chalicelib.campaigns.rules import kpi

    if r.kind == "post":
        where = ", ".join(p["channel"] for p in r.publications)
        url = " ".join(p["url"] for p in r.publications if p.get("url"))
    else:
        where = " ".join(v for v in (r.facts.get("blogger"), r.facts.get("handle")) if v)
        url = r.facts.get("url") or ""
    currency = r.currency or (next(iter(r.revenue)) if len(r.revenue) == 1 else "")
    revenue = money_wire(r.revenue[currency], currency)["amount"] if currency in r.revenue else ""
    cost = money_wire(r.cost, r.currency)["amount"] if r.cost is not None and r.currency else ""
    numbers = ["" if r.metrics.get(m) is None else str(r.metrics[m]) for m in (*METRICS, "engagements")]
    return [i18n.translate(f"brand_report.kind.{r.kind}", language), local_day(r.published_at or r.planned_at, zone),
            r.title, r.campaign or "", where, _state(r, zone, language), url, *numbers,
            "" if r.clicks is None else str(r.clicks), "" if r.visitors is None else str(r.visitors),
            str(r.conversions), revenue, cost, currency or "", *[kpi.wire(r.kpis.get(name)) or "" for name in KPIS]]


def to_csv(rep: Report, language: str) -> bytes:
    """One line per post and placement (posts first), headers and states in the reader's language; UTF-8 with a
    BOM, every cell guarded against spreadsheet formulas (core/csv_cells). Numbers as digits with a point."""
    from chalicelib.core import csv_cells

    header = [i18n.translate(f"brand_report.csv.{name}", language) for name in CSV_COLUMNS]
    rows = [_csv_row(r, rep.range.zone, language) for r in (*rep.posts, *rep.placements)]
    return csv_cells.with_bom(csv_cells.write_rows(header, rows))


def csv_filename(rep: Report) -> str:
    return f"report-{rep.range.first.isoformat()}-{rep.range.last.isoformat()}.csv"
