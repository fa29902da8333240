"""The evidence export of a campaign for its client, as one PDF (the reads and the view: evidence.py).

  GET /v1/campaigns/{id}/evidence.pdf   (view_campaigns) every post and deliverable of the campaign with its
                                        approved version, who approved it and when, where and when it went out,
                                        the placement checks, a blogger's approved draft (creative approval).
                                        `?lang=ru|en`: the document's language (default: the reader's).
                                        With `Accept: application/pdf` (or */*) the PDF itself;
                                        a browser gets 303 See Other to a download link that expires in minutes
                                        (campaigns/pdf.py, like the contract PDF).
"""
from __future__ import annotations

from typing import Literal

from chalice import Blueprint
from pydantic import Field

from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input
from chalicelib.identity.doors import json_route

evidence = lazy_import("chalicelib.campaigns.report.evidence")
pdf = lazy_import("chalicelib.campaigns.pdf")

bp = Blueprint(__name__)
TAG = "campaigns"
PDF_TYPE = "application/pdf"


class EvidenceQuery(Input):
    lang: Literal["en", "ru"] | None = Field(default=None, description="The document's language; the reader's "
                                                                       "when left out")


@json_route(bp, "/v1/campaigns/{campaign_id}/evidence.pdf", "GET", tag=TAG,
            summary="The evidence for the client as one PDF: every post (approved version, approvals, publications) "
                    "and deliverable (deal, blogger, agreed time, URL, placement checks, erid) of the campaign. "
                    "With `Accept: application/pdf` (or */*) the PDF itself; otherwise (a browser) 303 See Other to a "
                    "download link that expires in minutes", query=EvidenceQuery, raw_response=PDF_TYPE,
            errors=(401, 403, 404, 422, 503))
def evidence_pdf(call, campaign_id):
    html, filename, _view = evidence.evidence_html(call.principal, campaign_id, call.query.lang)
    return pdf.answer_pdf(call, html, owner_id=campaign_id, kind="evidence", filename=filename,
                          metadata={"campaign-id": campaign_id})
