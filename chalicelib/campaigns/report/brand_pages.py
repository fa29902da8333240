"""The brand's "what we published and what it brought" in the browser (the report: brand_range.py).

  GET /brands/{id}/report?from=YYYY-MM-DD&to=YYYY-MM-DD   (view_campaigns) the range's posts and placements with
                                                          their metrics, clicks, conversions, cost and KPIs, and
                                                          the totals; default: the last full week (Mon–Sun) in
                                                          the brand's zone; what was due in the range and went
                                                          out after it is marked "went out later" (brand_range's
                                                          rule). A bad range shows the form again with the
                                                          field's sentence (422). Links: the week before and
                                                          after, the CSV and the JSON of the same range.

Thin: parse (the page door does sign-in and errors) → brand_range.report → the values written for the reader
(numbers, money and percents by Babel in the reader's language; times in the brand's zone) → render.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page

brand_range = lazy_import("chalicelib.campaigns.report.brand_range")

bp = Blueprint(__name__)
TEMPLATE = "campaigns/brand_report.html"
PERCENT_KPIS = ("er", "ctr", "roi")


def report_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}/report"


class _Shown:
    """Values of the report written for the reader."""

    def __init__(self, language: str, zone: str):
        from chalicelib.deals.page_display import Shown

        self.language, self.zone, self.shown = language, zone, Shown(language)

    def t(self, key: str, **params) -> str:
        return i18n.translate(key, self.language, **params)

    def known(self, prefix: str, value: str | None) -> str:
        """The name of a stored value (`targets.state.published`), or the value itself when it has none."""
        key = f"{prefix}.{value}"
        return self.t(key) if value and key in i18n.catalog("en") else (value or "—")

    def number(self, value) -> str:
        return self.shown.number(value)

    def money_minor(self, minor, currency: str | None) -> str:
        from chalicelib.core.money import format_minor

        if minor is None or not currency:
            return "—"
        return format_minor(int(Decimal(minor).to_integral_value(ROUND_HALF_EVEN)), currency, self.language)

    def money_major(self, major: Decimal | None, currency: str | None) -> str:
        from chalicelib.core.money import digits

        if major is None or not currency:
            return "—"
        return self.money_minor(major.scaleb(digits(currency)), currency)

    def percent(self, ratio: Decimal | None) -> str:
        return "—" if ratio is None else self.shown.percent((ratio * 100).quantize(Decimal("0.01"), ROUND_HALF_EVEN))

    def at(self, stamp: str | None) -> str:
        return self.shown.instant(stamp, self.zone).removesuffix(f" ({self.zone})") if stamp else "—"

    def kpis(self, values: dict, currency: str | None) -> dict:
        out = {name: self.percent(values.get(name)) for name in PERCENT_KPIS}
        out.update({name: self.money_major(values.get(name), currency) for name in ("cpm", "cpc", "cpa")})
        base = values.get("er_base")
        out["er_note"] = i18n.translate(f"brand_report.er_base.{base}", self.language) if base in (
            "followers", "reach_and_followers") else None
        return out

    def moneys(self, amounts: dict) -> str:
        return ", ".join(self.money_minor(m, c) for c, m in sorted(amounts.items())) or "—"


def _row(r, s: _Shown) -> dict:
    t, known = s.t, s.known
    out = {"id": r.id, "title": r.title or t("brand_report.untitled"), "campaign": r.campaign,
           "campaign_url": f"/campaigns/{quote(r.campaign_id, safe='')}" if r.campaign_id else None,
           "when": s.at(r.published_at or r.planned_at), "went_out": r.went_out,
           "late": t("brand_report.late", at=s.at(r.late_at)) if r.late_at else None,
           "metrics": {name: s.number(r.metrics.get(name))
                       for name in ("views", "reach", "impressions", "engagements")},
           "clicks": s.number(r.clicks), "visitors": s.number(r.visitors), "conversions": s.number(r.conversions),
           "revenue": s.moneys(r.revenue), "cost": s.money_minor(r.cost, r.currency),
           "kpis": s.kpis(r.kpis, r.currency)}
    if r.kind == "post":
        out["url"] = f"/posts/{quote(r.id, safe='')}"
        out["publications"] = [{"channel": p["channel"], "platform": known("platform", p["platform"]),
                                "state": known("targets.state", p["state"]), "published": p["state"] == "published",
                                "late": t("brand_report.late", at=s.at(p["published_at"])) if p.get("late") else None,
                                "link": p["url"] if (p.get("url") or "").startswith(("https://", "http://")) else None}
                               for p in r.publications]
    else:
        f = r.facts
        out["url"] = f"/deals/{quote(f['deal_id'], safe='')}"
        out.update({"blogger": f.get("blogger") or "—", "platform": known("platform", f.get("platform")),
                    "handle": f.get("handle"), "status": known("deals.deliverable_status", f.get("status")),
                    "result": known("placements.result", f.get("check_result")) if f.get("check_result") else None,
                    "link": f["url"] if (f.get("url") or "").startswith(("https://", "http://")) else None})
    return out


def _totals(totals: dict, s: _Shown) -> dict:
    m = totals["metrics"]
    return {"went_out": s.number(totals["went_out"]), "posts": s.number(totals["posts"]),
            "placements": s.number(totals["placements"]),
            "metrics": {name: s.number(m.get(name)) for name in ("views", "reach", "impressions", "engagements")},
            "clicks": s.number(totals["clicks"]), "visitors": s.number(totals["visitors"]),
            "conversions": s.number(totals["conversions"]), "cost": s.moneys(totals["cost"]),
            "revenue": s.moneys(totals["revenue"]), "kpis": s.kpis(totals["kpis"], totals["currency"]),
            "mixed": totals["mixed_currencies"]}


def _links(brand_id: str, first: dt.date, last: dt.date) -> dict:
    span = (last - first).days + 1
    brand_q = quote(brand_id, safe="")
    params = {"from": first.isoformat(), "to": last.isoformat()}
    shift = dt.timedelta(days=span)
    return {"earlier": {"from": (first - shift).isoformat(), "to": (last - shift).isoformat()},
            "later": {"from": (first + shift).isoformat(), "to": (last + shift).isoformat()},
            "csv": (f"/v1/brands/{brand_q}/report.csv", params), "json": (f"/v1/brands/{brand_q}/report", params)}


@page(bp, "/brands/{brand_id}/report")
def brand_report_page(call: PageCall, brand_id):
    from chalicelib.brands import service as brands

    brand = brands.get(call.principal, brand_id)
    language, zone = call.language, brand.timezone or "UTC"
    first, last = call.query.get("from"), call.query.get("to")
    try:
        rep = brand_range.report(call.principal, brand_id, first, last, language)
    except ValidationFailed as refused:
        errors = {d["field"]: d["message"] for d in refused.details or []}
        return call.render(TEMPLATE, status=422, brand=brand, report=None, errors=errors, zone=zone,
                           page_url=report_path(brand_id), first=first or "", last=last or "")
    s = _Shown(language, zone)
    shown = s.shown
    return call.render(
        TEMPLATE, brand=brand, errors={}, zone=zone, page_url=report_path(brand_id),
        first=rep.range.first.isoformat(), last=rep.range.last.isoformat(),
        report={"range": i18n.translate("brand_report.range", language, first=shown.day(rep.range.first),
                                        last=shown.day(rep.range.last), zone=zone),
                "posts": [_row(r, s) for r in rep.posts], "placements": [_row(r, s) for r in rep.placements],
                "totals": _totals(rep.totals, s), "truncated": rep.truncated,
                "links": _links(brand_id, rep.range.first, rep.range.last)})
