"""The brand's "what we published and what it brought" for a date range: the JSON API (reads, rows, totals:
brand_range.py; JSON and CSV forms: brand_range_out.py; docs/campaign-reports.md).

  GET /v1/brands/{id}/report?from=YYYY-MM-DD&to=YYYY-MM-DD       (view_campaigns) the posts and placements that
                                                                 went out (or were due) in the range — both days
                                                                 included, in the brand's zone; what went out late
                                                                 is marked (`late_at`) — with their latest
                                                                 metrics, link clicks, conversions, cost and KPIs,
                                                                 and the totals. Without from/to: the last full
                                                                 week (Monday–Sunday). 422 naming `from` or `to`
                                                                 for a bad day (YYYY-MM-DD, years 1970–2100), from
                                                                 after to, or more than 366 days.
  GET /v1/brands/{id}/report.csv?from=…&to=…                     the same rows as a CSV file (UTF-8 with a BOM)
"""
from __future__ import annotations

from chalice import Blueprint
from pydantic import ConfigDict, Field

from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input, Output
from chalicelib.identity.doors import json_route

brand_range = lazy_import("chalicelib.campaigns.report.brand_range")
brand_range_out = lazy_import("chalicelib.campaigns.report.brand_range_out")

bp = Blueprint(__name__)
TAG = "campaigns"


class RangeQuery(Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True, populate_by_name=True)

    first: str | None = Field(default=None, alias="from", max_length=40,
                              description="The first day, YYYY-MM-DD (the brand's zone); with `to` left out, a week")
    last: str | None = Field(default=None, alias="to", max_length=40,
                             description="The last day, YYYY-MM-DD, included; at most 366 days after `from`")


class MoneyWire(Output):
    amount: str
    currency: str


class KpisWire(Output):
    er: str | None = Field(description="engagements ÷ reach (or ÷ followers: er_base says which)")
    er_base: str | None
    ctr: str | None = Field(description="link clicks ÷ impressions")
    cpm: str | None
    cpc: str | None
    cpa: str | None
    roi: str | None = Field(description="(revenue − cost) ÷ cost")


class MetricsWire(Output):
    views: int | None = None
    reach: int | None = None
    impressions: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    forwards: int | None = None
    engagements: int | None = None


class PublicationWire(Output):
    channel_id: str
    channel: str
    platform: str
    state: str
    publish_at: str | None
    published_at: str | None
    url: str | None
    late: bool = Field(description="due in the range, went out after it")


class RowWire(Output):
    id: str
    title: str
    campaign_id: str | None
    campaign: str | None
    planned_at: str | None
    published_at: str | None
    went_out: bool = Field(description="went out within the range")
    late_at: str | None = Field(description="due in the range and went out after it: when (UTC). Listed for the "
                                            "record; what it brought counts in the range in which it went out")
    metrics: MetricsWire
    clicks: int | None = Field(description="clicks of the tracked links made for it (None: it has none)")
    unique_visitors: int | None = Field(description="visitors unique within a day, summed over days")
    conversions: int
    revenue: list[MoneyWire]
    cost: MoneyWire | None = Field(description="a placement's share of its deal's fee (fee ÷ its deliverables that "
                                               "are not cancelled)")
    kpis: KpisWire


class PostRowWire(RowWire):
    post_id: str
    publications: list[PublicationWire]


class PlacementRowWire(RowWire):
    deliverable_id: str
    deal_id: str
    contract_number: str | None
    blogger: str | None
    platform: str
    handle: str
    status: str
    url: str | None
    check_result: str | None


class TotalsWire(Output):
    posts: int
    placements: int
    went_out: int
    metrics: MetricsWire
    clicks: int | None
    unique_visitors: int | None
    conversions: int
    currency: str | None = Field(description="the one currency of cost and revenue; None when none or several")
    cost: list[MoneyWire]
    revenue: list[MoneyWire]
    kpis: KpisWire


class BrandReportOut(Output):
    model_config = ConfigDict(from_attributes=True, defer_build=True, populate_by_name=True,
                              serialize_by_alias=True)

    brand_id: str
    first: str = Field(alias="from")
    last: str = Field(alias="to")
    zone: str
    truncated: bool = Field(description="more than 5000 posts or placements in the range: the first 5000 are shown")
    posts: list[PostRowWire]
    placements: list[PlacementRowWire]
    totals: TotalsWire


@json_route(bp, "/v1/brands/{brand_id}/report", "GET", tag=TAG,
            summary="What the brand published in a date range and what it brought: posts and placements with "
                    "metrics, link clicks, conversions, cost, KPIs and totals (default: the last full week)",
            query=RangeQuery, response=BrandReportOut, errors=(401, 403, 404, 422))
def brand_report(call, brand_id):
    rep = brand_range.report(call.principal, brand_id, call.query.first, call.query.last)
    return BrandReportOut.model_validate(brand_range_out.to_wire(rep))


@json_route(bp, "/v1/brands/{brand_id}/report.csv", "GET", tag=TAG,
            summary="The brand's range report as a CSV file (one line per post and placement)", query=RangeQuery,
            raw_response="text/csv", errors=(401, 403, 404, 422))
def brand_report_csv(call, brand_id):
    rep = brand_range.report(call.principal, brand_id, call.query.first, call.query.last)
    return csv_file(brand_range_out.to_csv(rep, call.principal.language), brand_range_out.csv_filename(rep))
