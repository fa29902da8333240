"""The campaign report for a person: `report_of(principal, campaign_id)` checks view_campaigns (campaigns/
service.require: 404 for a campaign of another brand, 403 without the right), reads everything (reads.py) and
builds the one Report (build.py) that the page, the JSON, the CSV and the PDF all show. "Today" is the
brand's today (targets are measured pro rata up to it)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from chalicelib.campaigns.report import build, reads
from chalicelib.campaigns.report.view import Report
from chalicelib.campaigns.service import sees
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def today_in(zone: str) -> date:
    from chalicelib.core.clock import utcnow
    from chalicelib.core.schedule import zone_info

    return utcnow().astimezone(zone_info(zone)).date()


def report_of(principal: Principal, campaign_id: str, *, today: date | None = None) -> Report:
    from chalicelib.campaigns.service import require

    campaign = require(principal, campaign_id, Permission.view_campaigns)
    return seen_by(principal, report_for(campaign, today=today))


def seen_by(principal: Principal, report: Report) -> Report:
    """The report as this person may see it (campaigns/service.sees): the totals, KPIs and charts for everyone
    who may see campaigns; the posts (titles, links) only for who may see the content plan (finance may not);
    the deals — the bloggers' rows, the deals' titles among the deliverables and the deals left out for their
    currency (their count stays), the cost of the deals by part (its total stays) — only for who may see deals
    (copywriters and designers may not)."""
    seen = sees(principal, report.brand_id)
    if seen.everything:
        return report

    def shown(items):
        return [p for p in items if seen.kind(p.kind)]

    changes: dict = {"publications": shown(report.publications),
                     "top": {key: shown(items) for key, items in report.top.items()}}
    if not seen.deals:
        changes.update(bloggers=[], left_out_deals=(), cost=replace(report.cost, parts_shown=False))
    return replace(report, **changes)


def report_for(campaign, *, today: date | None = None) -> Report:
    """The report of a campaign already allowed (the benchmark and the evidence export call this)."""
    raw = reads.read_campaign(campaign)
    zone = (raw.brand.timezone if raw.brand is not None else None) or "UTC"
    return build.build(raw, today or today_in(zone))
