"""The brand's "what we published and what it brought" (GET /v1/brands/{id}/report, report.csv, the page) on a
seeded week of a Berlin brand — Monday 22 to Sunday 28 March 2027, the Sunday on which the clocks go forward:
the range's edges are included in the brand's zone (a post at 00:00:30 on Monday and one at 23:59 on Sunday
are in, the minute before and after are out), latest metrics, link clicks, conversions, a placement's share
of its deal's fee, the KPIs and totals computed by hand; bad ranges are 422 sentences; who may read it."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from tests.support.posts import approve_post, body, call

WEEK = {"from": "2027-03-22", "to": "2027-03-28"}
REPORT = "/v1/brands/{}/report?from=2027-03-22&to=2027-03-28"


def went_out(post_id: str, channel_id: str, at: str, state: str = "published") -> str:
    from chalicelib.publishing import repo
    from chalicelib.publishing.models import TargetItem

    target = repo.get(repo.target_id(post_id, channel_id))
    actions = [TargetItem.state.set(state), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove()]
    if state == "published":
        actions += [TargetItem.published_at.set(at), TargetItem.url.set(f"https://t.me/acme/{post_id[-4:]}")]
    target.update(actions=actions)
    return target.id


def attach_post(campaign, post_id: str) -> None:
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from tests.support.campaigns import add_member

    PostItem(*post_key(post_id)).update(actions=[PostItem.campaign_id.set(campaign.id)], add_version_condition=False)
    add_member(campaign, "post", post_id)


def snapshot(subject: str, taken_at: str, **values) -> None:
    from chalicelib.campaigns.metrics import repo

    repo.new_snapshot(subject, taken_at, "manual", values, entered_by="tests").save()


def link(campaign, code: str, clicks: int, **owner) -> None:
    from chalicelib.campaigns.links import repo
    from tests.support.factories import unique

    code = unique(code)  # codes are global: each test's week has its own

    repo.new_link(code=code, campaign_id=campaign.id, brand_id=campaign.brand_id, label=code,
                  target_url="https://shop.example/", tagged_url="https://shop.example/?utm_source=x",
                  created_at="2027-03-20T10:00:00.000000Z", created_by="tests", **owner).save()
    for n in range(clicks):
        repo.count_click(code, campaign.id, "2027-03-2" + str(3 + n % 2), f"visitor{n % 7}")


def conversion(campaign, order_id: str, amount_minor: int, **owner) -> None:
    from chalicelib.campaigns.conversions import repo

    repo.new_conversion(campaign.id, order_id=order_id, occurred_at="2027-03-25T12:00:00.000000Z",
                        amount_minor=amount_minor, currency="RUB", attributed_by="promo", source="webhook",
                        received_at="2027-03-25T12:00:01.000000Z", **owner).save()


def published(item, at: str):
    from chalicelib.deals.models import DeliverableItem

    item.update(actions=[DeliverableItem.published_at.set(at), DeliverableItem.status.set("published"),
                         DeliverableItem.url.set("https://t.me/anna_tg/7")])
    return item


@pytest.fixture
def week(client, team):
    from tests.support.campaigns import add_campaign
    from tests.support.deals import add_deal, add_deliverable, add_influencer

    brand, tg = team["brand"], team["tg"]
    campaign = add_campaign(brand.id, name="Весенний запуск", starts_on="2027-03-01", ends_on="2027-04-30")
    posts = {}
    for name, wall, at, state in (
            ("monday_first", "2027-03-22T00:00", "2027-03-21T23:00:30.000000Z", "published"),  # Mon 00:00:30 CET
            ("sunday_last", "2027-03-28T23:59", "2027-03-28T21:59:00.000000Z", "published"),  # Sun 23:59 CEST
            ("next_monday", "2027-03-29T00:00", "2027-03-28T22:00:10.000000Z", "published"),  # Mon 00:00:10 CEST
            ("sunday_before", "2027-03-21T23:59", "2027-03-21T22:59:00.000000Z", "published"),  # Sun 23:59 CET
            ("failed", "2027-03-24T12:00", None, "failed")):
        post = approve_post(client, team, title=f"Пост {name}", publish_at=wall, channel_ids=[tg])
        attach_post(campaign, post["id"])
        posts[name] = {"id": post["id"], "target": went_out(post["id"], tg, at, state)}
    snapshot(f"target:{posts['monday_first']['target']}", "2027-03-23T10:00:00.000000Z", views=900, reach=700)
    snapshot(f"target:{posts['monday_first']['target']}", "2027-03-25T10:00:00.000000Z", views=1000, reach=800,
             impressions=1200, likes=50, comments=10)  # the latest counts
    link(campaign, "postlink1", 40, post_id=posts["monday_first"]["id"])
    conversion(campaign, "order-post", 500_000, post_id=posts["monday_first"]["id"])

    blogger = add_influencer(brand.id, display_name="Анна готовит")
    three = add_deal({"brand": brand}, blogger, campaign_id=campaign.id, status="in_progress", fee_minor=15_000_000)
    inside = published(add_deliverable(three, wall="2027-03-24T18:00", erid="erid1"), "2027-03-24T15:00:00.000000Z")
    add_deliverable(three, wall="2027-04-10T18:00", erid="erid2")
    published(add_deliverable(three, wall="2027-03-29T10:00", erid="erid3"), "2027-03-29T08:00:00.000000Z")  # out
    snapshot(f"deliverable:{inside.id}", "2027-03-26T10:00:00.000000Z", views=5000, reach=4000, impressions=6000,
             likes=200, comments=40, shares=10)
    conversion(campaign, "order-1", 1_000_000, deal_id=three.id, deliverable_id=inside.id)
    conversion(campaign, "order-2", 1_000_000, deal_id=three.id, deliverable_id=inside.id)
    one = add_deal({"brand": brand}, blogger, campaign_id=campaign.id, status="in_progress", fee_minor=3_000_000)
    late = published(add_deliverable(one, wall="2027-03-28T23:00", erid="erid4"), "2027-03-28T21:30:00.000000Z")
    link(campaign, "deallink1", 25, deal_id=one.id)  # the deal has one deliverable: its clicks are the placement's
    return {**team, "campaign": campaign, "posts": posts, "inside": inside, "late": late, "three": three}


def test_the_week_lists_what_went_out_inside_its_edges_with_what_it_brought(client, week):
    r = call(client, "get", REPORT.format(week["brand"].id), week["smm_manager"])
    assert r.status_code == 200, r.body
    report = body(r)
    assert (report["from"], report["to"], report["zone"]) == ("2027-03-22", "2027-03-28", "Europe/Berlin")
    posts = {p["post_id"]: p for p in report["posts"]}
    ids = week["posts"]
    assert set(posts) == {ids["monday_first"]["id"], ids["sunday_last"]["id"], ids["failed"]["id"]}
    first = posts[ids["monday_first"]["id"]]
    assert first["went_out"] and first["published_at"] == "2027-03-21T23:00:30.000000Z"
    assert first["metrics"]["views"] == 1000 and first["metrics"]["engagements"] == 60
    assert first["clicks"] == 40 and first["unique_visitors"] == 14  # 7 visitors on each of two days
    assert first["conversions"] == 1 and first["revenue"] == [{"amount": "5000.00", "currency": "RUB"}]
    assert first["campaign"] == "Весенний запуск" and first["cost"] is None
    assert first["kpis"]["er"] == "0.075" and first["kpis"]["ctr"] == "0.033333" and first["kpis"]["roi"] is None
    failed = posts[ids["failed"]["id"]]
    assert not failed["went_out"] and failed["publications"][0]["state"] == "failed"

    placements = {p["deliverable_id"]: p for p in report["placements"]}
    assert set(placements) == {week["inside"].id, week["late"].id}
    inside = placements[week["inside"].id]
    assert inside["cost"] == {"amount": "50000.00", "currency": "RUB"}  # 150 000 ÷ 3 deliverables
    assert inside["blogger"] == "Анна готовит" and inside["conversions"] == 2
    assert inside["kpis"] == {"er": "0.0625", "er_base": "reach", "ctr": None, "cpm": "8333.333333", "cpc": None,
                              "cpa": "25000", "roi": "-0.6"}
    late = placements[week["late"].id]
    assert late["cost"] == {"amount": "30000.00", "currency": "RUB"} and late["clicks"] == 25
    assert late["kpis"]["cpc"] == "1200" and late["kpis"]["cpa"] is None and late["kpis"]["ctr"] is None

    totals = report["totals"]
    assert (totals["posts"], totals["placements"], totals["went_out"]) == (3, 2, 4)
    assert totals["cost"] == [{"amount": "80000.00", "currency": "RUB"}]
    assert totals["revenue"] == [{"amount": "25000.00", "currency": "RUB"}]
    assert (totals["clicks"], totals["conversions"], totals["currency"]) == (65, 3, "RUB")
    assert Decimal(totals["kpis"]["roi"]) == Decimal("-0.6875")  # (25 000 − 80 000) ÷ 80 000
    assert totals["metrics"]["views"] == 6000 and totals["metrics"]["engagements"] == 310


def test_one_day_ranges_hold_the_edges(client, week):
    brand = week["brand"].id
    sunday = body(call(client, "get", f"/v1/brands/{brand}/report?from=2027-03-28&to=2027-03-28", week["smm_manager"]))
    assert [p["post_id"] for p in sunday["posts"]] == [week["posts"]["sunday_last"]["id"]]
    assert [p["deliverable_id"] for p in sunday["placements"]] == [week["late"].id]
    monday = body(call(client, "get", f"/v1/brands/{brand}/report?from=2027-03-29&to=2027-03-29", week["smm_manager"]))
    assert [p["post_id"] for p in monday["posts"]] == [week["posts"]["next_monday"]["id"]]


FIRST_DAY = "Give the first day as YYYY-MM-DD, such as 2026-12-07."
FIRST_YEAR = "The first day must fall in a year from 1970 to 2100."
LAST_YEAR = "The last day must fall in a year from 1970 to 2100."


@pytest.mark.parametrize("query, field, says", [
    ("from=2027-03-28&to=2027-03-22", "to", "The last day comes before the first: give a 'to' on or after 'from'."),
    ("from=2026-01-01&to=2027-01-02", "to", "A report covers at most 366 days: choose a shorter range."),
    ("from=2027-3-22&to=2027-03-28", "from", FIRST_DAY),
    ("from=2027-02-30", "from", FIRST_DAY),
    ("from=2024-W01-1", "from", FIRST_DAY),  # an ISO week date: fromisoformat would take it
    ("from=%D9%A2%D9%A0%D9%A2%D9%A4-01-01", "from", FIRST_DAY),  # Arabic-Indic digits
    ("to=2027-03-2x", "to", "Give the last day as YYYY-MM-DD, such as 2026-12-13."),
    ("to=0001-01-03", "to", LAST_YEAR),  # the missing first day would be before year 1
    ("from=9999-12-30", "from", FIRST_YEAR),  # the missing last day would be after year 9999
    ("from=0001-01-01&to=0001-01-03", "from", FIRST_YEAR),  # not a time of the brand's zone
    ("from=2027-03-22&to=2101-01-01", "to", LAST_YEAR),
    ("from=2027-03-22&to=2027-03-28&x=1", "x", "Some query parameters are not valid."),
])
def test_bad_ranges_are_422_sentences(client, week, query, field, says):
    r = call(client, "get", f"/v1/brands/{week['brand'].id}/report?{query}", week["smm_manager"])
    assert r.status_code == 422, r.body
    error = body(r)["error"]
    assert error["message"] == says
    assert [d["field"] for d in error["details"]] == [field]


def test_the_page_names_the_field_of_an_odd_day(client, week):
    from tests.support.web import as_user, field_error

    browser = as_user(client, week["smm_manager"])
    for query, field, says in (("to=0001-01-03", "to", LAST_YEAR), ("from=9999-12-30", "from", FIRST_YEAR),
                               ("from=2024-W01-1", "from", FIRST_DAY)):
        r = browser.get(f"/brands/{week['brand'].id}/report?{query}")
        assert r.status_code == 422 and field_error(r, "range-form", field) == says


def test_a_whole_year_is_allowed_and_russian_sentences_for_russians(client, week, make_user):
    ok = call(client, "get", f"/v1/brands/{week['brand'].id}/report?from=2027-01-01&to=2028-01-01",
              week["smm_manager"])
    assert ok.status_code == 200, ok.body  # 366 days
    russian = make_user("smm_manager", brand=week["brand"], language="ru")
    r = call(client, "get", f"/v1/brands/{week['brand'].id}/report?from=2027-03-28&to=2027-03-01", russian)
    assert r.status_code == 422 and "Последний день раньше первого" in body(r)["error"]["message"]


def test_without_a_range_it_is_the_last_full_week_in_the_brands_zone(client, week):
    import time_machine

    # Monday 29 March 2027, 00:30 in Berlin (still Sunday in UTC): the last full week is 22–28 March
    with time_machine.travel(datetime(2027, 3, 28, 22, 30, tzinfo=timezone.utc), tick=False):
        r = call(client, "get", f"/v1/brands/{week['brand'].id}/report", week["smm_manager"])
    assert (body(r)["from"], body(r)["to"]) == ("2027-03-22", "2027-03-28")


def test_the_csv_has_a_line_per_item(client, week):
    r = call(client, "get", f"/v1/brands/{week['brand'].id}/report.csv?from=2027-03-22&to=2027-03-28",
             week["smm_manager"])
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "report-2027-03-22-2027-03-28.csv" in r.headers["Content-Disposition"]
    text = r.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 5 and [row["Kind"] for row in rows] == ["post"] * 3 + ["placement"] * 2
    inside = next(row for row in rows if row["Cost"] == "50000.00")
    assert inside["Revenue"] == "20000.00" and inside["Day"] == "2027-03-24"
    assert inside["ROI"] == "'-0.6"  # core/csv_cells guards every cell starting with "-" against formulas
    assert rows[0]["Day"] == "2027-03-22" and rows[0]["Link clicks"] == "40"
    assert sorted(row["State"] for row in rows) == ["Failed", "Published", "Published", "Published", "Published"]


def test_the_csv_speaks_the_readers_language(client, week, make_user):
    russian = make_user("smm_manager", brand=week["brand"], language="ru")
    r = call(client, "get", f"/v1/brands/{week['brand'].id}/report.csv?from=2027-03-22&to=2027-03-28", russian)
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8")[1:])))
    assert rows[0][:6] == ["Тип", "День", "Название", "Кампания", "Где", "Состояние"]
    states = sorted(row[5] for row in rows[1:])
    assert states == sorted(["Ошибка", "Опубликован", "Опубликован", "Опубликовано", "Опубликовано"])


def test_who_may_read_it(client, week, make_user):
    from tests.support.factories import make_brand

    path = REPORT.format(week["brand"].id)
    assert call(client, "get", path, week["client_approver"]).status_code == 403
    assert call(client, "get", path, make_user("smm_manager", brand=make_brand())).status_code == 404
    assert call(client, "get", path, make_user("finance", brand=week["brand"])).status_code == 200
    assert client.get(path).status_code == 401


def test_the_page_shows_the_week(client, week):
    from tests.support.web import as_user, text_of

    browser = as_user(client, week["smm_manager"])
    r = browser.get(f"/brands/{week['brand'].id}/report?from=2027-03-22&to=2027-03-28")
    assert r.status_code == 200, r.body
    text = text_of(r)
    assert "What we published and what it brought" in text and "Europe/Berlin" in text
    assert "Пост monday_first" in text and "Пост sunday_last" in text and "Пост next_monday" not in text
    assert "Анна готовит" in text and "RUB\u00a050,000.00" in text and "RUB\u00a080,000.00" in text
    assert "ROI -68.75\u00a0%" in text  # the totals' ROI, as a percent
    assert "report.csv?from=2027-03-22&amp;to=2027-03-28" in r.body.decode()
    ru = browser.get(f"/brands/{week['brand'].id}/report?from=2027-03-22&to=2027-03-28&lang=ru")
    assert "Что вышло и что это дало" in text_of(ru) and "Размещения у блогеров" in text_of(ru)


def test_the_page_says_what_is_wrong_with_a_range(client, week):
    from tests.support.web import as_user, field_error

    browser = as_user(client, week["smm_manager"])
    r = browser.get(f"/brands/{week['brand'].id}/report?from=2027-03-28&to=2027-03-01")
    assert r.status_code == 422
    assert "before the first" in field_error(r, "range-form", "to")


def test_the_page_is_refused_to_those_without_the_right(client, week):
    from tests.support.web import as_user

    r = as_user(client, week["client_approver"]).get(f"/brands/{week['brand'].id}/report")
    assert r.status_code == 403


def test_finance_sees_the_placements_and_copywriters_the_posts(client, week, make_user):
    """Each reader sees what their role shows: no posts for finance, no placements (fees) for copywriters."""
    full = body(call(client, "get", REPORT.format(week["brand"].id), week["smm_manager"]))
    assert full["posts"] and full["placements"]
    finance = body(call(client, "get", REPORT.format(week["brand"].id), make_user("finance", brand=week["brand"])))
    assert finance["posts"] == [] and len(finance["placements"]) == len(full["placements"])
    writer = body(call(client, "get", REPORT.format(week["brand"].id), make_user("copywriter", brand=week["brand"])))
    assert writer["placements"] == [] and len(writer["posts"]) == len(full["posts"])


def test_a_placement_without_a_link_counts_the_clicks_its_snapshots_report(client, week):
    """As the campaign report does: a row's link clicks, else the clicks its snapshots report, never both."""
    snapshot(f"deliverable:{week['inside'].id}", "2027-03-27T10:00:00.000000Z", clicks=120)  # no link of its own
    snapshot(f"deliverable:{week['late'].id}", "2027-03-29T10:00:00.000000Z", clicks=999)  # it has the deal's link
    report = body(call(client, "get", REPORT.format(week["brand"].id), week["smm_manager"]))
    placements = {p["deliverable_id"]: p for p in report["placements"]}
    inside, late = placements[week["inside"].id], placements[week["late"].id]
    assert inside["clicks"] == 120 and inside["kpis"]["cpc"] == "416.666667"  # 50 000 ÷ 120
    assert inside["kpis"]["ctr"] == "0.02" and "clicks" not in inside["metrics"]  # 120 ÷ 6 000 impressions
    assert late["clicks"] == 25  # the link's clicks, not the snapshot's
