"""What templates/campaigns/_report_body.html shows, for the page and the PDF alike: the report's values as
texts in the reader's language (display.Shown), and its charts (charts.py)."""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from chalicelib.campaigns.report import charts
from chalicelib.campaigns.report.display import TOP_BY, Shown
from chalicelib.campaigns.report.view import Report
from chalicelib.campaigns.rules.kpi import COST_BASES, KPI_NAMES

COUNTS = ("views", "reach", "impressions", "engagements", "clicks", "conversions")
STATUS_BADGES = {"on_track": "status-published", "behind": "status-failed", "unknown": "status-draft",
                 "partial": "status-draft"}
CHECK_BADGES = {"pass": "status-published", "warn": "status-changes_requested", "fail": "status-failed",
                "inconclusive": "status-in_review"}


def campaign_path(campaign_id: str, tail: str = "") -> str:
    return f"/campaigns/{quote(campaign_id, safe='')}{tail}"


def report_path(campaign_id: str, suffix: str) -> str:
    return f"/v1/campaigns/{quote(campaign_id, safe='')}/report{suffix}"


def _er(shown: Shown, value, base) -> str:
    text = shown.percent(value)
    return f"{text} ({shown.name('er_base', base)})" if value is not None and base else text


def context(report: Report, language: str) -> dict:
    shown = Shown(language, report.currency)
    r = report
    totals = [(shown.name("metric", name), shown.number(getattr(r.counts, name)), name) for name in COUNTS]
    if r.unassigned_clicks is not None:
        totals.append((shown.name("metric", "unassigned_clicks"), shown.number(r.unassigned_clicks),
                       "unassigned_clicks"))
    totals += [(shown.name("metric", "revenue"), shown.minor(r.revenue_minor), "revenue"),
               (shown.name("metric", "cost"), shown.minor(r.cost.total), "cost")]
    kpis = []
    for name in KPI_NAMES:
        value = getattr(r.kpis, name)
        text = _er(shown, value, r.kpis.er_base) if name == "er" else shown.kpi(name, value)
        if name in r.kpis.partial:
            text = f"{text} ({shown.t(f'campaign_report.partial.{COST_BASES[name]}')})"
        kpis.append((shown.name("kpi", name), text, name))
    target_rows = [{"name": row.name, "label": shown.name("target", row.name),
                    "target": shown.target_value(row, row.target), "expected": shown.target_value(row, row.expected),
                    "actual": shown.target_value(row, row.actual), "status": row.status,
                    "status_text": shown.name("target_status", row.status), "gap": shown.gap(row),
                    "badge": STATUS_BADGES[row.status]} for row in r.targets]
    parts = (("fees", r.cost.fees), ("agency_fees", r.cost.agency), ("product_value", r.cost.products),
             ("adjustments", r.cost.adjustments))
    if not r.cost.parts_shown:  # a reader who may not see deals: their total only
        parts = (("deals", r.cost.deals),)
    cost_rows = [(shown.name("cost", name), shown.minor(value))
                 for name, value in (*parts, ("lines", r.cost.lines), ("total", r.cost.total))]
    top = {name: [{"title": p.title, "where": p.where, "kind": shown.name("kind", p.kind),
                   "views": shown.number(p.counts.views), "engagements": shown.number(p.counts.engagements),
                   "clicks": shown.number(p.counts.clicks), "er": _er(shown, p.er.value, p.er.base),
                   "url": p.url if (p.url or "").startswith(("https://", "http://")) else None}
                  for p in rows] for name, rows in r.top.items()}
    bloggers = []
    for b in r.bloggers:
        bloggers.append({
            "deal_id": b.deal_id, "title": b.title, "influencer": b.influencer, "handles": b.handles,
            "status": shown.t(f"deals.status.{b.status}") if b.status else "—", "counted": b.counted,
            "fee": shown.minor(b.cost.fee, b.currency), "cost": shown.minor(b.cost.total, b.currency),
            "views": shown.number(b.counts.views), "clicks": shown.number(b.counts.clicks),
            "conversions": shown.number(b.counts.conversions), "revenue": shown.minor(b.revenue_minor),
            "cpa": shown.money(b.cpa), "roi": shown.percent(b.roi),
            "check": shown.name("check", b.check_result or "none"), "check_result": b.check_result,
            "check_badge": CHECK_BADGES.get(b.check_result or "", "status-draft"),
            "checks": [{"handle": h, "status": shown.t(f"deals.deliverable_status.{s}") if s else "—",
                        "result": shown.name("check", c or "none")} for h, s, c in b.checks],
        })
    notes = []
    if r.left_out_deals:
        deals = ", ".join(f"«{d.title}» ({d.currency})" for d in r.left_out_deals)
        notes.append(shown.t("campaign_report.note.other_currency_deals", count=len(r.left_out_deals),
                             currency=r.currency, deals=deals))
    elif r.other_currency_deals:  # a reader who may not see deals: how many, not which
        notes.append(shown.t("campaign_report.note.other_currency_deals_unnamed", count=r.other_currency_deals,
                             currency=r.currency))
    if r.unassigned_clicks:
        notes.append(shown.t("campaign_report.note.unassigned_clicks", count=shown.number(r.unassigned_clicks)))
    if r.other_currency_conversions:
        notes.append(shown.t("campaign_report.note.other_currency_conversions", count=r.other_currency_conversions,
                             currency=r.currency))
    spent_share = shown.percent(Decimal(r.cost.total) / Decimal(r.budget_minor)) if r.budget_minor else "—"
    return {
        "report": r, "shown": shown, "notes": notes,
        "head": {"goal": shown.name("goal", r.goal), "status": shown.name("status", r.status),
                 "dates": shown.t("campaign_report.dates", starts=shown.day(r.starts_on), ends=shown.day(r.ends_on)),
                 "budget": shown.minor(r.budget_minor) if r.budget_minor is not None
                 else shown.t("campaign_report.no_budget"),
                 "spent": shown.minor(r.cost.total), "spent_share": spent_share,
                 "range": shown.t("campaign_report.dates", starts=shown.day(r.first_day), ends=shown.day(r.last_day)),
                 "today": shown.day(r.today), "zone": r.zone},
        "totals": totals, "kpis": kpis, "targets": target_rows, "cost_rows": cost_rows,
        "spend_chart": charts.spend_chart(r, shown),
        "line_charts": [charts.line_chart(s, shown) for s in r.series],
        "top": top, "top_by": [(name, shown.name("top", name)) for name in TOP_BY], "bloggers": bloggers,
        "links": {name: campaign_path(r.campaign_id, f"/{name}")
                  for name in ("edit", "costs", "links", "metrics", "conversions")},
        "downloads": {"csv": report_path(r.campaign_id, ".csv"), "pdf": report_path(r.campaign_id, ".pdf")},
    }
