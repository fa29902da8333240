"""The report on the wire (GET /v1/campaigns/{id}/report): plain JSON values, the same strings the CSV writes.

- Money: {"amount": "1500.00", "currency": "RUB"} — sums exactly, in the currency's digits; a KPI in money
  (CPM, CPV, CPC, CPE, CPA) and a pro-rata expectation with up to 6 decimal places (kpi.wire).
- Ratios (ER, ERR, CTR, ROAS, ROI): decimal strings with up to 6 places ("0.0525" is 5.25 %); null when the
  denominator is zero or unknown. Counts: integers, null when no item reported them.
- Days: YYYY-MM-DD in the brand's zone; instants: UTC ISO.
- `totals.clicks` is built from the rows and includes `totals.unassigned_clicks` (links whose post, deliverable
  or deal has no row in the report; null when there is no such link).
- `kpi_base`: what the cost-based KPIs were computed over (docs/kpis.md): the revenue, views, impressions,
  engagements, clicks and conversions of what the cost paid for, `partial` (the cost-per KPIs left null because
  not every paid publication reports their base) and CTR's clicks and impressions.
- `notes.left_out_deals`: the live deals in another currency, left out of the cost and the cost-based KPIs
  (their count: `notes.other_currency_deals`);
- What a reader may see (campaigns/service.sees, report/service.seen_by): without `view_posts` (finance) no
  posts in `publications` and `top`; without `view_deals` (copywriters, designers) no deliverables there, no
  `bloggers`, an empty `notes.left_out_deals` (the count stays) and `cost.fees`, `cost.agency_fees`,
  `cost.product_value` and `cost.adjustments` null (`cost.deals`, `cost.lines` and `cost.total` stay);
  `notes.partial_totals`: the totals that not every publication that went out reported (lower bounds). A
  publication's `incomplete`: the figures only some of its published channels reported.
"""
from __future__ import annotations

from decimal import Decimal

from chalicelib.campaigns.report.view import Counts, Publication, Report
from chalicelib.campaigns.rules.kpi import KPI_NAMES, MONEY_KPIS, wire


def money_minor(minor: int | None, report: Report, currency: str | None = None) -> dict | None:
    """Integer minor units as exact money in the report's currency (or `currency`, a deal's own)."""
    from chalicelib.core.money import digits as currency_digits

    if minor is None:
        return None
    currency = currency or report.currency
    places = report.digits if currency == report.currency else currency_digits(currency)
    amount = Decimal(int(minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))
    return {"amount": format(amount, "f"), "currency": currency}


def money_major(value: Decimal | None, report: Report) -> dict | None:
    return None if value is None else {"amount": wire(value), "currency": report.currency}


def amount_text(value) -> str:
    """A JSON value as the CSV writes it: money by its amount, None as "", the rest as text."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value["amount"]
    return str(value)


def kpis_out(report: Report) -> dict:
    out = {}
    for name in KPI_NAMES:
        value = getattr(report.kpis, name)
        out[name] = money_major(value, report) if name in MONEY_KPIS else wire(value)
    out["er_base"] = report.kpis.er_base
    return out


def kpi_base_out(report: Report) -> dict:
    b = report.kpi_base
    return {"cost": money_minor(report.cost.total, report), "revenue": money_minor(b.revenue_minor, report),
            "views": b.views, "impressions": b.impressions, "engagements": b.engagements, "clicks": b.clicks,
            "conversions": b.conversions, "ctr_clicks": b.ctr_clicks, "ctr_impressions": b.ctr_impressions,
            "partial": list(b.partial)}


def counts_out(counts: Counts) -> dict:
    return {"views": counts.views, "reach": counts.reach, "impressions": counts.impressions,
            "engagements": counts.engagements, "clicks": counts.clicks, "conversions": counts.conversions}


def target_value(row, value: Decimal | None, report: Report):
    if value is None:
        return None
    return money_major(value, report) if row.kind == "money" else wire(value)


def targets_out(report: Report) -> list[dict]:
    return [{"name": r.name, "kind": r.kind, "status": r.status,
             "target": target_value(r, r.target, report), "expected": target_value(r, r.expected, report),
             "actual": target_value(r, r.actual, report), "gap": target_value(r, r.gap, report)}
            for r in report.targets]


def publication_out(p: Publication, report: Report) -> dict:
    return {"kind": p.kind, "id": p.id, "title": p.title, "where": p.where, "platform": p.platform, "url": p.url,
            "published_at": p.published_at, "deal_id": p.deal_id, "status": p.status,
            "check_result": p.check_result, **counts_out(p.counts), "followers": p.followers,
            "er": wire(p.er.value), "er_base": p.er.base, "revenue": money_minor(p.revenue_minor, report),
            "incomplete": list(p.incomplete)}


def blogger_out(b, report: Report) -> dict:
    def money(minor):
        return money_minor(minor, report, b.currency)

    return {"deal_id": b.deal_id, "title": b.title, "influencer": b.influencer, "handles": b.handles,
            "status": b.status, "counted": b.counted, "fee": money(b.cost.fee), "agency_fee": money(b.cost.agency),
            "product_value": money(b.cost.product), "adjustments": money(b.cost.adjustments),
            "cost": money(b.cost.total), **counts_out(b.counts), "revenue": money_minor(b.revenue_minor, report),
            "cpa": money_major(b.cpa, report), "roi": wire(b.roi), "check_result": b.check_result,
            "checks": [{"handle": h, "status": s, "check_result": c} for h, s, c in b.checks]}


def report_out(report: Report) -> dict:
    return {
        "campaign": {"id": report.campaign_id, "brand_id": report.brand_id, "name": report.name, "goal": report.goal,
                     "status": report.status, "currency": report.currency, "starts_on": report.starts_on.isoformat(),
                     "ends_on": report.ends_on.isoformat(), "budget": money_minor(report.budget_minor, report),
                     "zone": report.zone},
        "range": {"first_day": report.first_day.isoformat(), "last_day": report.last_day.isoformat(),
                  "today": report.today.isoformat()},
        "cost": {**{name: money_minor(value if report.cost.parts_shown else None, report) for name, value in (
                     ("fees", report.cost.fees), ("agency_fees", report.cost.agency),
                     ("product_value", report.cost.products), ("adjustments", report.cost.adjustments))},
                 "deals": money_minor(report.cost.deals, report), "lines": money_minor(report.cost.lines, report),
                 "total": money_minor(report.cost.total, report)},
        "totals": {**counts_out(report.counts), "unassigned_clicks": report.unassigned_clicks,
                   "revenue": money_minor(report.revenue_minor, report), "cost": money_minor(report.cost.total, report)},
        "kpis": kpis_out(report),
        "kpi_base": kpi_base_out(report),
        "targets": targets_out(report),
        "spend": {"budget": money_minor(report.budget_minor, report),
                  "weeks": [{"week": w.label, "monday": w.monday.isoformat(), "spent": money_minor(w.spent, report),
                             "cumulative": money_minor(w.cumulative, report),
                             "budget_left": money_minor(w.budget_left, report)} for w in report.weeks],
                  "days": [{"day": d.isoformat(), "spent": money_minor(v, report)}
                           for d, v in report.spend_days.items()]},
        "series": {s.name: [{"day": d.isoformat(), "value": money_major(v, report) if s.kind == "money" else int(v)}
                            for d, v in s.points] for s in report.series},
        "top": {name: [publication_out(p, report) for p in rows] for name, rows in report.top.items()},
        "bloggers": [blogger_out(b, report) for b in report.bloggers],
        "publications": [publication_out(p, report) for p in report.publications],
        "notes": {"other_currency_conversions": report.other_currency_conversions,
                  "other_currency_deals": report.other_currency_deals,
                  "left_out_deals": [{"deal_id": d.deal_id, "title": d.title, "currency": d.currency}
                                     for d in report.left_out_deals],
                  "partial_totals": list(report.partial_totals)},
    }
