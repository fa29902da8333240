"""The campaign report over HTTP on a seeded campaign (tests/support/campaign_reports.seed_report: every item
written straight through the models), on 10 December 2026: the JSON's numbers (worked out by hand in
docs/kpis.md), the CSV carrying the same strings, the PDF read back with pypdf, and who may read it."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from chalicelib.core.csv_cells import unguard_cell
from tests.support.posts import call

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def tenth_of_december(monkeypatch):
    from chalicelib.campaigns.report import service

    monkeypatch.setattr(service, "today_in", lambda zone: TODAY)


def report(client, user, campaign_id):
    r = call(client, "get", f"/v1/campaigns/{campaign_id}/report", user)
    assert r.status_code == 200, r.body
    return json.loads(r.body)


def rub(amount: str) -> dict:
    return {"amount": amount, "currency": "RUB"}


def test_the_report_adds_up_the_seeded_campaign(client, crew, seeded):
    data = report(client, crew["smm_manager"], seeded["campaign"].id)
    assert data["campaign"]["budget"] == rub("500000.00") and data["campaign"]["zone"] == "Europe/Moscow"
    assert data["range"] == {"first_day": "2026-12-01", "last_day": "2026-12-31", "today": "2026-12-10"}
    # 150 000 + 15 000 (10 %) + 4 990 − 7 500 penalty = 162 490; the boost 20 000; the cancelled deal nothing
    assert data["cost"] == {"fees": rub("150000.00"), "agency_fees": rub("15000.00"), "product_value": rub("4990.00"),
                            "adjustments": rub("-7500.00"), "deals": rub("162490.00"), "lines": rub("20000.00"),
                            "total": rub("182490.00")}
    assert data["totals"] == {"views": 27_000, "reach": 12_000, "impressions": 6000, "engagements": 620,
                              "clicks": 600, "unassigned_clicks": None, "conversions": 3, "revenue": rub("8000.00"),
                              "cost": rub("182490.00")}
    # only the VK channel reports impressions: CPM would be the whole cost ÷ VK's 6 000 (partial, so no value),
    # and no publication reports both clicks and impressions (the post's link counts both channels): no CTR
    assert data["kpis"] == {"er": "0.019375", "er_base": "reach_and_followers", "err": "0.6", "ctr": None,
                            "cpm": None, "cpv": rub("6.758889"), "cpc": rub("304.15"), "cpe": rub("294.33871"),
                            "cpa": rub("60830"), "roas": "0.043838", "roi": "-0.956162"}
    assert data["kpi_base"] == {"cost": rub("182490.00"), "revenue": rub("8000.00"), "views": 27_000,
                                "impressions": 6000, "engagements": 620, "clicks": 600, "conversions": 3,
                                "ctr_clicks": None, "ctr_impressions": None, "partial": ["cpm"]}
    assert data["notes"] == {"other_currency_conversions": 1, "other_currency_deals": 0, "left_out_deals": [],
                             "partial_totals": ["reach", "impressions"]}


def test_targets_against_actuals_pro_rata(client, crew, seeded):
    rows = {t["name"]: t for t in report(client, crew["smm_manager"], seeded["campaign"].id)["targets"]}
    assert list(rows) == ["clicks", "conversions", "cpm_max", "roi_min"]
    # by day 10 of 31: 5 000 × 10 / 31 = 1 612.903226 clicks expected; 600 is 1 012.903226 behind
    assert rows["clicks"] == {"name": "clicks", "kind": "count", "status": "behind", "target": "5000",
                              "expected": "1612.903226", "actual": "600", "gap": "-1012.903226"}
    assert rows["conversions"]["expected"] == "32.258065" and rows["conversions"]["status"] == "behind"
    # CPM has no value (not every paid publication reports impressions): the ceiling is not decided
    assert rows["cpm_max"] == {"name": "cpm_max", "kind": "money", "status": "partial", "target": rub("30000"),
                               "expected": rub("30000"), "actual": None, "gap": None}
    assert rows["roi_min"]["status"] == "behind" and rows["roi_min"]["target"] == "-0.5"


def test_spend_by_week_and_figures_by_day(client, crew, seeded):
    data = report(client, crew["smm_manager"], seeded["campaign"].id)
    weeks = data["spend"]["weeks"]
    assert [w["week"] for w in weeks] == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert weeks[0] == {"week": "2026-W49", "monday": "2026-11-30", "spent": rub("162490.00"),
                        "cumulative": rub("162490.00"), "budget_left": rub("337510.00")}
    assert weeks[1]["spent"] == rub("20000.00") and weeks[-1]["budget_left"] == rub("317510.00")
    assert data["spend"]["days"] == [{"day": "2026-12-05", "spent": rub("162490.00")},
                                     {"day": "2026-12-10", "spent": rub("20000.00")}]
    series = {name: {p["day"]: p["value"] for p in points} for name, points in data["series"].items()}
    assert len(series["clicks"]) == 31
    assert (series["clicks"]["2026-12-03"], series["clicks"]["2026-12-05"], series["clicks"]["2026-12-06"]) == (100, 300, 200)
    assert series["conversions"]["2026-12-07"] == 2 and series["revenue"]["2026-12-07"] == rub("3000")
    views = series["views"]  # 4 000 on the 3rd; +12 000 on the 5th; +5 000 on the 6th; the post's 10 000 on the 8th
    assert [views[f"2026-12-0{d}"] for d in range(2, 9)] == [0, 4000, 4000, 16_000, 21_000, 21_000, 27_000]
    assert views["2026-12-31"] == 27_000


def test_the_blogger_table_and_the_top_publications(client, crew, seeded):
    data = report(client, crew["smm_manager"], seeded["campaign"].id)
    lines = {b["deal_id"]: b for b in data["bloggers"]}
    live = lines[seeded["deal"].id]
    assert live["counted"] is True and live["fee"] == rub("150000.00") and live["cost"] == rub("162490.00")
    assert (live["views"], live["clicks"], live["conversions"]) == (12_000, 500, 1)
    assert live["cpa"] == rub("162490") and live["roi"] == "-0.969229"  # (5 000 − 162 490) / 162 490
    assert live["check_result"] == "warn"
    cancelled = lines[seeded["cancelled"].id]
    assert cancelled["counted"] is False and cancelled["cpa"] is None and cancelled["roi"] is None
    publications = {p["id"]: p for p in data["publications"]}
    post = publications[seeded["post"].id]
    assert (post["views"], post["clicks"], post["conversions"], post["er"], post["er_base"]) == (
        15_000, 100, 1, "0.041667", "reach")  # 500 / 12 000
    assert post["impressions"] == 6000 and post["incomplete"] == ["impressions"]  # VK's; Telegram reports none
    blogger = publications[seeded["deliverable"].id]
    assert (blogger["er"], blogger["er_base"], blogger["followers"]) == ("0.006", "followers", 20_000)
    assert [p["id"] for p in data["top"]["views"]] == [seeded["post"].id, seeded["deliverable"].id]
    assert [p["id"] for p in data["top"]["clicks"]] == [seeded["deliverable"].id, seeded["post"].id]


def test_a_member_whose_deal_left_the_campaign_is_not_counted(client, crew, seeded):
    from tests.support.campaign_reports import add_campaign_deal

    deal, _ = add_campaign_deal(crew, seeded["campaign"], deliverables=({"wall": "2026-12-12T12:00"},))
    deal.update(actions=[type(deal).campaign_id.set("someothercampaign")], add_version_condition=False)
    data = report(client, crew["smm_manager"], seeded["campaign"].id)
    assert deal.id not in {b["deal_id"] for b in data["bloggers"]}
    assert data["cost"]["total"] == rub("182490.00")


def csv_rows(response) -> list[dict]:
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    assert text.startswith("\ufeff")
    records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header = records[0]
    keys = ("section", "id", "name", "metric", "label", "value", "currency")
    assert len(header) == len(keys)
    return [dict(zip(keys, (unguard_cell(c) for c in row))) for row in records[1:]]


def test_the_csv_carries_the_json_numbers(client, crew, seeded):
    user = crew["smm_manager"]
    data = report(client, user, seeded["campaign"].id)
    r = call(client, "get", f"/v1/campaigns/{seeded['campaign'].id}/report.csv", user)
    assert r.status_code == 200, r.body
    assert "attachment" in r.headers["Content-Disposition"]
    rows = csv_rows(r)

    def value(v):
        return "" if v is None else v["amount"] if isinstance(v, dict) else str(v)

    got = {(row["section"], row["id"], row["metric"]): row["value"] for row in rows}
    for metric, v in data["kpis"].items():
        assert got[("kpis", "", metric)] == value(v), metric
    for metric, v in data["totals"].items():
        assert got[("totals", "", metric)] == value(v), metric
    for b in data["bloggers"]:
        for metric in ("fee", "cost", "views", "clicks", "conversions", "cpa", "roi", "check_result"):
            assert got[("blogger", b["deal_id"], metric)] == value(b[metric]), metric
    for t in data["targets"]:
        for metric in ("target", "expected", "actual", "gap", "status"):
            assert got[("targets", t["name"], metric)] == value(t[metric])
    for name, points in data["series"].items():
        for p in points:
            assert got[("series", p["day"], name)] == value(p["value"])
    for metric, v in data["kpi_base"].items():
        if metric != "partial":
            assert got[("kpi_base", "", metric)] == value(v), metric
    assert got[("kpi_base", "cpm", "partial")] == "impressions"
    assert got[("kpis", "", "roi")] == "-0.956162"
    labels = {row["metric"]: row["label"] for row in rows if row["section"] == "kpis"}
    assert labels["cpm"] == "CPM" and labels["er_base"] == "ER base"


def test_the_csv_speaks_russian_to_a_russian_reader(client, crew, seeded):
    r = call(client, "get", f"/v1/campaigns/{seeded['campaign'].id}/report.csv", crew["russian_manager"])
    text = r.body.decode("utf-8")
    assert text.lstrip("\ufeff").startswith("Раздел,Идентификатор,Название,Показатель")
    assert "CPM (за 1000 показов)" in text


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_has_the_title_the_kpis_and_the_charts_data(client, crew, seeded):
    campaign = seeded["campaign"]
    r = call(client, "get", f"/v1/campaigns/{campaign.id}/report.pdf", crew["smm_manager"],
             headers={"Accept": "application/pdf"})
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"] == "application/pdf" and r.body.startswith(b"%PDF")
    text = pdf_text(r.body)
    squeezed = " ".join(text.replace("\u00a0", " ").split())
    assert campaign.name in squeezed  # Зимняя коллекция
    assert "RUB 304.15" in squeezed  # CPC
    assert "not every paid publication reports impressions" in squeezed  # CPM: partial
    assert "1.94 %" in squeezed  # ER
    assert "2026-W49" in squeezed and "RUB 162,490.00" in squeezed  # the spend chart's data table
    assert "Views so far" in squeezed and "27,000" in squeezed  # a line chart and its numbers
    assert "Анна готовит" in squeezed  # the blogger's line


def test_a_browser_asking_for_the_pdf_is_sent_to_a_download_link(client, crew, seeded):
    r = call(client, "get", f"/v1/campaigns/{seeded['campaign'].id}/report.pdf", crew["smm_manager"],
             headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 303
    assert "/files/" in r.headers["Location"]


@pytest.mark.parametrize("who, status", [("finance", 200), ("copywriter", 200), ("content_manager", 200),
                                         ("client_approver", 403), ("outsider", 404), ("admin", 200)])
def test_who_may_read_the_report(client, crew, seeded, who, status):
    for suffix in ("", ".csv"):
        r = call(client, "get", f"/v1/campaigns/{seeded['campaign'].id}/report{suffix}", crew[who])
        assert r.status_code == status, (suffix, r.body)


def test_no_sign_in_and_unknown_campaigns(client, crew, seeded):
    assert client.get(f"/v1/campaigns/{seeded['campaign'].id}/report").status_code == 401
    r = call(client, "get", "/v1/campaigns/nosuchcampaign/report", crew["smm_manager"])
    assert r.status_code == 404 and json.loads(r.body)["error"]["message"] == "No such campaign."
    assert call(client, "get", "/v1/campaigns/BAD..id/report.pdf", crew["smm_manager"]).status_code == 404


def test_each_reader_sees_only_what_their_role_shows(client, crew, seeded):
    """Totals for everyone who may see campaigns; posts only for who may see the content plan (not finance),
    the bloggers' rows (fees) only for who may see deals (not copywriters)."""
    full = report(client, crew["smm_manager"], seeded["campaign"].id)
    kinds = {p["kind"] for p in full["publications"]}
    assert kinds == {"post", "deliverable"} and full["bloggers"]
    finance = report(client, crew["finance"], seeded["campaign"].id)
    assert {p["kind"] for p in finance["publications"]} == {"deliverable"} and finance["bloggers"]
    assert all(p["kind"] == "deliverable" for rows in finance["top"].values() for p in rows)
    writer = report(client, crew["copywriter"], seeded["campaign"].id)
    assert {p["kind"] for p in writer["publications"]} == {"post"} and writer["bloggers"] == []
    assert finance["totals"] == writer["totals"] == full["totals"] and finance["kpis"] == full["kpis"]
