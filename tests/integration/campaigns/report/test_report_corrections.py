"""The report over HTTP on the seeded campaign with what used to be miscounted added to it (docs/kpis.md):
a blogger paid in another currency (left out of the cost-based KPIs, named in the notes), a deal-wide link
beside its deliverable's snapshot clicks (counted once), links whose post or deliverable has no row (unassigned
clicks), a campaign with no click figure at all (unknown, not 0), negative numbers in the CSV written as
numbers, and a later snapshot with fewer fields (the others' last values kept)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from tests.integration.campaigns.report.test_report_api import csv_rows, report, rub
from tests.support.posts import call
from tests.support.web import as_user, html


@pytest.fixture(autouse=True)
def tenth_of_december(monkeypatch):
    from chalicelib.campaigns.report import service

    monkeypatch.setattr(service, "today_in", lambda zone: date(2026, 12, 10))


def test_a_blogger_paid_in_dollars_is_left_out_of_the_cost_based_kpis(client, crew, seeded):
    from tests.support.campaign_reports import add_campaign_deal, add_clicks, add_conversion, add_link, add_snapshot

    campaign = seeded["campaign"]
    deal, (item,) = add_campaign_deal(crew, campaign, currency="USD", fee_minor=100_000, title="Dollar deal",
                                      deliverables=({"wall": "2026-12-06T12:00", "status": "fulfilled",
                                                     "published_at": "2026-12-06T10:00:00Z"},))
    add_snapshot(f"deliverable:{item.id}", "2026-12-07T10:00:00Z", {"views": 90_000, "likes": 5000})
    add_clicks(add_link(campaign, deal_id=deal.id, deliverable_id=item.id), "2026-12-06", 4000)
    add_conversion(campaign, "D-1", "2026-12-07T10:00:00Z", 10_000_000, deal_id=deal.id, deliverable_id=item.id)
    data = report(client, crew["smm_manager"], campaign.id)
    # everything happened, so the totals show it …
    assert data["totals"]["views"] == 117_000 and data["totals"]["clicks"] == 4600
    assert data["totals"]["conversions"] == 4 and data["totals"]["revenue"] == rub("108000.00")
    # … but the cost (182 490 ₽) paid for none of it: the KPIs are those of the seeded campaign
    kpis = data["kpis"]
    assert (kpis["cpv"], kpis["cpc"], kpis["cpe"], kpis["cpa"]) == (
        rub("6.758889"), rub("304.15"), rub("294.33871"), rub("60830"))
    assert (kpis["roas"], kpis["roi"]) == ("0.043838", "-0.956162")
    assert data["kpi_base"]["revenue"] == rub("8000.00") and data["kpi_base"]["views"] == 27_000
    assert data["notes"]["other_currency_deals"] == 1
    assert data["notes"]["left_out_deals"] == [{"deal_id": deal.id, "title": "Dollar deal", "currency": "USD"}]
    roi = {t["name"]: t for t in data["targets"]}["roi_min"]
    assert roi["status"] == "behind" and roi["actual"] == "-0.956162"
    page = html(as_user(client, crew["smm_manager"]).get(f"/campaigns/{campaign.id}"))
    assert "«Dollar deal» (USD)" in page and "left out of CPM, CPV, CPC, CPE, CPA, ROAS and ROI" in page


def test_a_deal_wide_link_and_links_without_a_row(client, crew, seeded):
    from tests.support.campaign_reports import add_campaign_deal, add_clicks, add_link, add_post, add_snapshot

    campaign = seeded["campaign"]
    deal, (item,) = add_campaign_deal(crew, campaign, deliverables=({"wall": "2026-12-06T12:00",
                                                                     "status": "fulfilled",
                                                                     "published_at": "2026-12-06T10:00:00Z"},))
    add_snapshot(f"deliverable:{item.id}", "2026-12-07T10:00:00Z", {"views": 1000, "clicks": 40})
    add_clicks(add_link(campaign, deal_id=deal.id), "2026-12-06", 70)  # the whole deal's link
    left = add_post(campaign, seeded["channels"][:1], title="Ушёл", publish_at="2026-12-04T09:00:00Z",
                    member=False)  # a post that is not (or no longer) in the campaign
    add_clicks(add_link(campaign, post_id=left.id), "2026-12-04", 9)
    add_clicks(add_link(campaign), "2026-12-04", 1)  # a link for the whole campaign
    data = report(client, crew["smm_manager"], campaign.id)
    line = {b["deal_id"]: b for b in data["bloggers"]}[deal.id]
    assert line["clicks"] == 70  # the deal's link; the deliverable's 40 snapshot clicks are not added
    assert {p["id"]: p for p in data["publications"]}[item.id]["clicks"] is None
    assert data["totals"]["unassigned_clicks"] == 10
    assert data["totals"]["clicks"] == 600 + 70 + 10  # rows + unassigned, each click once
    # CPC = (182 490 + the new deal's 150 000 + 15 000 + 4 990) ÷ (100 + 500 + 70 + 10) = 352 480 ÷ 680
    assert data["kpis"]["cpc"] == rub("518.352941")
    page = html(as_user(client, crew["smm_manager"]).get(f"/campaigns/{campaign.id}"))
    assert 'id="total-unassigned_clicks">10<' in page


def test_no_click_figure_at_all_is_unknown_not_zero(client, crew):
    from tests.support.campaign_reports import add_channel, add_post, add_snapshot
    from tests.support.campaigns import add_campaign

    campaign = add_campaign(crew["brand"].id, targets={"clicks": 100})
    channel = add_channel(crew["brand"].id, "vk")
    post = add_post(campaign, [channel], publish_at="2026-12-03T09:00:00Z")
    add_snapshot(f"target:{post.id}{channel.id}", "2026-12-04T10:00:00Z", {"views": 100, "impressions": 300})
    data = report(client, crew["smm_manager"], campaign.id)
    assert data["totals"]["clicks"] is None and data["kpis"]["ctr"] is None and data["kpis"]["cpc"] is None
    assert data["targets"][0]["status"] == "unknown"
    page = html(as_user(client, crew["smm_manager"]).get(f"/campaigns/{campaign.id}"))
    assert 'id="kpi-ctr">—<' in page and 'id="total-clicks">—<' in page


def test_negative_numbers_in_the_csv_are_numbers_and_names_stay_guarded(client, crew):
    from tests.support.campaign_reports import seed_report

    seeded = seed_report(crew, name="=SUM(A1:A9)")
    seeded["post"].update(actions=[type(seeded["post"]).title.set("-1+1")], add_version_condition=False)
    user = crew["smm_manager"]
    data = report(client, user, seeded["campaign"].id)
    r = call(client, "get", f"/v1/campaigns/{seeded['campaign'].id}/report.csv", user)
    text = r.body.decode("utf-8")
    assert ",-0.956162,RUB" not in text and ",-0.956162," in text  # ROI: a ratio, no currency
    assert "'-0.956162" not in text and "'-7500.00" not in text and ",-7500.00,RUB" in text
    assert "'=SUM(A1:A9)" in text and "'-1+1" in text
    rows = csv_rows(r)
    raw_values = {(row["section"], row["id"], row["metric"]): row["value"] for row in rows}
    assert raw_values[("kpis", "", "roi")] == data["kpis"]["roi"] == "-0.956162"
    gap = {t["name"]: t for t in data["targets"]}["clicks"]["gap"]
    assert raw_values[("targets", "clicks", "gap")] == gap == "-1012.903226"


def test_a_later_snapshot_with_fewer_fields_does_not_wipe_the_others(client, crew, seeded):
    from tests.support.campaign_reports import add_snapshot

    _, vk = seeded["channels"]
    add_snapshot(f"target:{seeded['post'].id}{vk.id}", "2026-12-09T12:00:00Z", {"views": 5500})
    data = report(client, crew["smm_manager"], seeded["campaign"].id)
    post = {p["id"]: p for p in data["publications"]}[seeded["post"].id]
    assert (post["views"], post["impressions"], post["reach"], post["engagements"]) == (15_500, 6000, 12_000, 500)
    assert data["totals"]["impressions"] == 6000 and data["totals"]["engagements"] == 620
    views = {p["day"]: p["value"] for p in data["series"]["views"]}
    assert views["2026-12-08"] == 27_000 and views["2026-12-09"] == 27_500
    assert json.loads(json.dumps(data["kpis"]))["cpe"] == rub("294.33871")


def test_views_typed_for_a_channel_the_post_is_not_on_yet_stay_out_of_the_chart_too(client, crew, seeded):
    """A post's channel without a publication target (not scheduled there yet) has a metrics subject, and figures
    may be typed for it; the totals leave them out (a post sums its targets), so the views chart does too."""
    from tests.support.campaign_reports import add_channel, add_post, add_snapshot

    campaign = seeded["campaign"]
    channel = add_channel(campaign.brand_id, "vk", "Ещё не запланирован")
    draft = add_post(campaign, [], title="Черновик", publish_at="2026-12-20T09:00:00Z", published=False)
    draft.update(actions=[type(draft).channel_ids.set([channel.id])], add_version_condition=False)
    add_snapshot(f"target:{draft.id}{channel.id}", "2026-12-04T12:00:00Z", {"views": 50_000})
    tg, _ = seeded["channels"]
    add_snapshot(f"target:{seeded['post'].id}{tg.id}", "2026-12-09T12:00:00Z", {"views": 11_000})  # one that counts
    data = report(client, crew["smm_manager"], campaign.id)
    assert data["totals"]["views"] == 28_000
    views = {p["day"]: p["value"] for p in data["series"]["views"]}
    assert views["2026-12-04"] == 4000 and views["2026-12-08"] == 27_000 and views["2026-12-09"] == 28_000
    assert views["2026-12-31"] == data["totals"]["views"]


def test_a_publications_figures_are_the_rules_current_values():
    """build.latest_values is rules/metrics.current's values (per metric, the newest snapshot carrying it) with
    their engagements."""
    from chalicelib.campaigns.metrics.read import Snapshot
    from chalicelib.campaigns.report.build import latest_values
    from chalicelib.campaigns.rules.metrics import current

    snapshots = [Snapshot(subject="s", taken_at="2026-12-01T10:00:00Z", source="csv", values={"views": 10, "likes": 2}),
                 Snapshot(subject="s", taken_at="2026-12-02T10:00:00Z", source="manual", values={"views": 20})]
    assert latest_values(snapshots) == {**current(snapshots)[1], "engagements": 2} == \
        {"views": 20, "likes": 2, "engagements": 2}
    assert latest_values([]) == {"engagements": None}
