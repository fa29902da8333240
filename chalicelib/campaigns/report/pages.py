"""The campaign's page: its report in the browser (the same report as the JSON, CSV and PDF).

  GET /campaigns/{id}   header (name, goal, dates, budget, status; links to edit, costs, links, metrics and
                        conversions), totals against targets, spend against the budget by ISO week, a chart per
                        figure over time, the top publications, a line per blogger, downloads (CSV, PDF)

view_campaigns reads it (404 for a campaign of another brand, 403 without the right); the edit link shows to
those who may manage campaigns. Amounts and days in the reader's language; days in the brand's zone.
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page

service = lazy_import("chalicelib.campaigns.report.service")
page_view = lazy_import("chalicelib.campaigns.report.page_view")

bp = Blueprint(__name__)


@page(bp, "/campaigns/{campaign_id}")
def campaign_page(call: PageCall, campaign_id):
    from chalicelib.identity.rules import Permission

    report = service.report_of(call.principal, campaign_id)
    from chalicelib.campaigns.service import sees

    evidence = sees(call.principal, report.brand_id).everything  # the evidence shows posts and deals together
    can = call.principal.can
    return call.render("campaigns/campaign.html", pdf=False, can_manage=can(report.brand_id, Permission.manage_campaigns),
                       can_evidence=evidence, **page_view.context(report, call.language))
