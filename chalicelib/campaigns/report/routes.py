"""The campaign report: JSON, CSV, PDF (docs/kpis.md has every formula; the use case: service.py). All three
need view_campaigns (404 for a campaign of a brand the caller is not in, 403 without the right) and show the
one report build.py makes, so their numbers agree.

  GET /v1/campaigns/{id}/report       the report as JSON (out.py: money {"amount", "currency"}, ratios as
                                      decimal strings or null)
  GET /v1/campaigns/{id}/report.csv   one flat table: section, id, name, metric, label, value, currency
                                      (csv_out.py; UTF-8 with a BOM, formula-guarded cells)
  GET /v1/campaigns/{id}/report.pdf   the page's sections with their charts and data tables, as a PDF
                                      (WeasyPrint through campaigns/pdf.py). With `Accept: application/pdf`
                                      (or */*) the bytes; a browser gets 303 to a short-lived download link
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route

service = lazy_import("chalicelib.campaigns.report.service")
out = lazy_import("chalicelib.campaigns.report.out")
csv_out = lazy_import("chalicelib.campaigns.report.csv_out")
pdf_out = lazy_import("chalicelib.campaigns.report.pdf_out")
pdf = lazy_import("chalicelib.campaigns.pdf")

bp = Blueprint(__name__)
TAG = "campaigns"


@json_route(bp, "/v1/campaigns/{campaign_id}/report", "GET", tag=TAG,
            summary="The campaign's report: totals, KPIs, targets against actuals, spend by ISO week against the "
                    "budget, figures by day, top publications and a line per blogger (money as "
                    "{amount, currency}, ratios as decimal strings, null when a denominator is zero or unknown)",
            errors=(401, 403, 404))
def report(call, campaign_id):
    return out.report_out(service.report_of(call.principal, campaign_id))


def _file_name(report, suffix: str) -> str:
    return f"campaign-{report.campaign_id}-report.{suffix}"


@json_route(bp, "/v1/campaigns/{campaign_id}/report.csv", "GET", tag=TAG,
            summary="The campaign's report as one flat CSV table (section, id, name, metric, label, value, currency): "
                    "the JSON's numbers; UTF-8 with a BOM, the header in the caller's language",
            raw_response="text/csv", errors=(401, 403, 404))
def report_csv(call, campaign_id):
    found = service.report_of(call.principal, campaign_id)
    return csv_file(csv_out.report_csv(out.report_out(found), call.principal.language), _file_name(found, "csv"))


@json_route(bp, "/v1/campaigns/{campaign_id}/report.pdf", "GET", tag=TAG,
            summary="The campaign's report as a PDF with its charts. With `Accept: application/pdf` (or */*) the PDF "
                    "itself; otherwise (a browser) 303 See Other to a download link that expires in minutes",
            raw_response="application/pdf", errors=(401, 403, 404, 503))
def report_pdf(call, campaign_id):
    found = service.report_of(call.principal, campaign_id)
    html = pdf_out.report_html(found, call.principal.language)
    return pdf.answer_pdf(call, html, owner_id=found.campaign_id, kind="report", filename=_file_name(found, "pdf"))
