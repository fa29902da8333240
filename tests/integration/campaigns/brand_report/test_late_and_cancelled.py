"""The brand report's listing rule beyond the exact week (brand_range's docstring): what went out days after its
planned time is listed in the week it went out — a blogger posting nine days late, a publication that went out
nine days after the post's planned time — and, marked "went out later", in the week it was due, where what it
brought does not count again; a cancelled placement is never listed and takes no share of its deal's fee."""
from __future__ import annotations

import csv
import io

import pytest

from tests.integration.campaigns.brand_report.test_brand_report import attach_post, link, published, snapshot, went_out
from tests.support.posts import approve_post, body, call

WEEK = "/v1/brands/{}/report?from=2027-03-22&to=2027-03-28"
WEEK_BEFORE = "/v1/brands/{}/report?from=2027-03-15&to=2027-03-21"
OUT_AT = "2027-03-24T15:00:00.000000Z"  # Wednesday of the week, 16:00 in Berlin


@pytest.fixture
def late(client, team):
    from tests.support.campaigns import add_campaign
    from tests.support.deals import add_deal, add_deliverable, add_influencer

    brand, tg = team["brand"], team["tg"]
    campaign = add_campaign(brand.id, name="Поздний запуск", starts_on="2027-03-01", ends_on="2027-04-30")
    post = approve_post(client, team, title="Пост с опозданием", publish_at="2027-03-15T10:00", channel_ids=[tg])
    attach_post(campaign, post["id"])
    target = went_out(post["id"], tg, OUT_AT)  # planned Monday 15 March, went out (a retry, by hand) on the 24th
    blogger = add_influencer(brand.id, display_name="Анна опаздывает")
    deal = add_deal({"brand": brand}, blogger, campaign_id=campaign.id, status="in_progress", fee_minor=9_000_000)
    item = published(add_deliverable(deal, wall="2027-03-15T18:00", timezone="Europe/Berlin"), OUT_AT)
    return {**team, "campaign": campaign, "post": post, "target": target, "deal": deal, "item": item}


def test_what_went_out_nine_days_late_is_in_the_week_it_went_out(client, late):
    snapshot(f"deliverable:{late['item'].id}", "2027-03-26T10:00:00.000000Z", views=3000, reach=2000)
    snapshot(f"target:{late['target']}", "2027-03-26T10:00:00.000000Z", views=700)
    report = body(call(client, "get", WEEK.format(late["brand"].id), late["smm_manager"]))
    [post] = report["posts"]
    assert post["post_id"] == late["post"]["id"] and post["went_out"] and post["published_at"] == OUT_AT
    assert post["late_at"] is None and post["metrics"]["views"] == 700
    [placement] = report["placements"]
    assert placement["deliverable_id"] == late["item"].id and placement["went_out"] and placement["late_at"] is None
    assert placement["published_at"] == OUT_AT and placement["metrics"]["views"] == 3000
    assert placement["cost"] == {"amount": "90000.00", "currency": "RUB"}
    assert report["totals"]["went_out"] == 2 and report["totals"]["metrics"]["views"] == 3700


def test_in_the_week_it_was_due_it_is_marked_late_and_counts_nothing(client, late):
    from tests.support.web import as_user, text_of

    snapshot(f"deliverable:{late['item'].id}", "2027-03-26T10:00:00.000000Z", views=3000)
    report = body(call(client, "get", WEEK_BEFORE.format(late["brand"].id), late["smm_manager"]))
    [post] = report["posts"]
    assert not post["went_out"] and post["late_at"] == OUT_AT and post["publications"][0]["late"] is True
    [placement] = report["placements"]
    assert not placement["went_out"] and placement["late_at"] == OUT_AT and placement["published_at"] is None
    assert placement["cost"] is None and placement["metrics"]["views"] is None  # they count in the week it went out
    totals = report["totals"]
    assert (totals["posts"], totals["placements"], totals["went_out"]) == (1, 1, 0)
    assert totals["cost"] == [] and totals["metrics"]["views"] is None

    page = as_user(client, late["smm_manager"]).get(f"/brands/{late['brand'].id}/report?from=2027-03-15&to=2027-03-21")
    assert page.status_code == 200 and "went out later: Mar 24, 2027, 4:00" in text_of(page)
    r = call(client, "get", f"/v1/brands/{late['brand'].id}/report.csv?from=2027-03-15&to=2027-03-21",
             late["smm_manager"])
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8")[1:])))
    assert [row["State"] for row in rows] == ["went out later: 2027-03-24"] * 2


def test_further_than_the_maximum_lateness_is_not_found(client, late):
    from chalicelib.campaigns.report.brand_range import MAX_LATE

    assert MAX_LATE.days == 62
    far = body(call(client, "get", "/v1/brands/{}/report?from=2027-05-17&to=2027-05-23".format(late["brand"].id),
                    late["smm_manager"]))
    assert far["posts"] == [] and far["placements"] == []


def test_cancelled_placements_are_not_listed_and_take_no_share_of_the_fee(client, late):
    from tests.support.deals import add_deal, add_deliverable, add_influencer

    blogger = add_influencer(late["brand"].id, display_name="Три размещения")
    deal = add_deal({"brand": late["brand"]}, blogger, campaign_id=late["campaign"].id, status="in_progress",
                    fee_minor=9_000_000)
    kept = [published(add_deliverable(deal, wall=f"2027-03-2{n}T12:00", timezone="Europe/Berlin"),
                      f"2027-03-2{n}T11:00:00.000000Z") for n in (3, 5)]
    cancelled = add_deliverable(deal, wall="2027-03-24T12:00", timezone="Europe/Berlin", status="cancelled")
    link(late["campaign"], "deal", 2, deal_id=deal.id)
    report = body(call(client, "get", WEEK.format(late["brand"].id), late["smm_manager"]))
    placements = {p["deliverable_id"]: p for p in report["placements"]}
    assert cancelled.id not in placements
    for item in kept:
        assert placements[item.id]["cost"] == {"amount": "45000.00", "currency": "RUB"}  # 90 000 ÷ 2, not ÷ 3
        assert placements[item.id]["clicks"] is None  # the deal has two live placements: its link is not split


def test_a_deal_link_counts_for_its_one_placement_left(client, late):
    from tests.support.deals import add_deal, add_deliverable, add_influencer

    deal = add_deal({"brand": late["brand"]}, add_influencer(late["brand"].id), campaign_id=late["campaign"].id,
                    status="in_progress", fee_minor=6_000_000)
    kept = published(add_deliverable(deal, wall="2027-03-23T12:00", timezone="Europe/Berlin"),
                     "2027-03-23T11:00:00.000000Z")
    add_deliverable(deal, wall="2027-03-24T12:00", timezone="Europe/Berlin", status="cancelled")
    link(late["campaign"], "deal", 3, deal_id=deal.id)
    report = body(call(client, "get", WEEK.format(late["brand"].id), late["smm_manager"]))
    [row] = [p for p in report["placements"] if p["deliverable_id"] == kept.id]
    assert row["cost"] == {"amount": "60000.00", "currency": "RUB"} and row["clicks"] == 3

