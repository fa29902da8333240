"""The campaign report as the HTML that becomes its PDF (templates/campaigns/report_pdf.html): the page's
sections (page_view.context) with every chart's data table open, so the numbers are in the PDF as text."""
from __future__ import annotations

from chalicelib.campaigns.report import page_view
from chalicelib.campaigns.report.view import Report
from chalicelib.core.rendering import render

TEMPLATE = "campaigns/report_pdf.html"


def report_html(report: Report, language: str) -> str:
    def url(path: str, **_query) -> str:  # the PDF links nowhere inside the app
        return path

    return render(TEMPLATE, language, pdf=True, url=url, **page_view.context(report, language))


def report_pdf(report: Report, language: str) -> bytes:
    """The PDF bytes, made in this process (the routes go through campaigns/pdf.answer_pdf instead)."""
    from chalicelib.campaigns import pdf

    return pdf.render_pdf(report_html(report, language))
