"""report/build.py on small hand-made campaigns (items as plain objects, no database): what the cost-based KPIs
are computed over (a deal in another currency is left out of them), KPIs whose base only some publications
report (partial, never a wrong number), clicks counted once and each on a row (or shown as unassigned), clicks
that are unknown rather than 0, and figures taken per metric from the newest snapshot that carries them.
Every expected number was worked out by hand (docs/kpis.md)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace as Item

from chalicelib.campaigns.metrics.read import Snapshot
from chalicelib.campaigns.report.build import build
from chalicelib.campaigns.report.reads import Raw

TODAY = date(2026, 12, 10)
OUT = "2026-12-05T10:00:00Z"


def campaign(**targets) -> Item:
    return Item(id="c1", brand_id="b1", currency="RUB", starts_on="2026-12-01", ends_on="2026-12-31", name="Зима",
                goal="sales", status="active", budget_minor=None, targets=targets)


def raw(**parts) -> Raw:
    values = {"campaign": campaign(), "brand": Item(timezone="UTC", name="Бренд"), **parts}
    return Raw(**values)


def deal(deal_id: str, *items: str, fee_minor: int = 1_000_000, currency: str = "RUB", status: str = "in_progress"):
    """A deal of `fee_minor` (no agency fee, no product) with the deliverables `items`."""
    return Item(id=deal_id, deliverable_ids=list(items), fee_minor=fee_minor, agency_fee_pct=None,
                product_value_minor=None, status=status, currency=currency, created_at="2026-12-01T00:00:00Z",
                title=f"Сделка {deal_id}", influencer_id="i1")


def deliverable(item_id: str, deal_id: str, *, published: bool = True, status: str = "published"):
    return Item(id=item_id, deal_id=deal_id, account_id="a1", status=status, handle=f"@{item_id}",
                platform="vk", url=None, published_at=OUT if published else None, publish_at=OUT,
                check_result=None)


def post(post_id: str):
    return Item(id=post_id, title=f"Пост {post_id}", publish_at=OUT, status="published")


def target(post_id: str, channel_id: str, *, published: bool = True):
    return Item(id=f"{post_id}{channel_id}", post_id=post_id, channel_id=channel_id, platform="vk",
                published_at=OUT if published else None, url=None)


def link(code: str, *, post_id=None, deal_id=None, deliverable_id=None):
    return Item(code=code, post_id=post_id, deal_id=deal_id, deliverable_id=deliverable_id)


def clicks(code: str, n: int, day: str = "2026-12-05"):
    return Item(code=code, day=day, clicks=n)


def conversion(order_id: str, amount_minor: int, *, currency: str = "RUB", deal_id=None, deliverable_id=None,
               post_id=None):
    return Item(order_id=order_id, amount_minor=amount_minor, currency=currency, occurred_at="2026-12-06T12:00:00Z",
                deal_id=deal_id, deliverable_id=deliverable_id, post_id=post_id)


def snap(subject: str, values: dict, taken_at: str = "2026-12-06T12:00:00Z", source: str = "manual") -> Snapshot:
    return Snapshot(subject=subject, taken_at=taken_at, source=source, values=values)


def history(*snapshots: Snapshot) -> dict:
    found: dict = {}
    for s in snapshots:
        found.setdefault(s.subject, []).append(s)
    return found


# --- 1. a deal in another currency is left out of the cost-based KPIs -----------------------------------------

def other_currency_campaign(**targets) -> Raw:
    """A RUB deal (10 000 ₽: 1 000 views, 2 000 impressions, 50 engagements, 100 clicks, one 30 000 ₽ order)
    and a USD deal (not in the cost: 9 000 views, 8 000 impressions, 450 engagements, 900 clicks, two orders
    in roubles of 50 000 ₽)."""
    rub, usd = deal("rub", "d1"), deal("usd", "d2", currency="USD", fee_minor=99_999)
    return raw(
        campaign=campaign(**targets), deals=[rub, usd],
        deliverables=[deliverable("d1", "rub"), deliverable("d2", "usd")],
        links=[link("l1", deal_id="rub", deliverable_id="d1"), link("l2", deal_id="usd", deliverable_id="d2")],
        click_days=[clicks("l1", 100), clicks("l2", 900)],
        conversions=[conversion("o1", 3_000_000, deal_id="rub", deliverable_id="d1"),
                     conversion("o2", 2_500_000, deal_id="usd", deliverable_id="d2"),
                     conversion("o3", 2_500_000, deal_id="usd")],
        history=history(snap("deliverable:d1", {"views": 1000, "impressions": 2000, "likes": 50}),
                        snap("deliverable:d2", {"views": 9000, "impressions": 8000, "likes": 450})))


def test_a_deal_in_another_currency_is_left_out_of_the_cost_based_kpis():
    report = build(other_currency_campaign(), TODAY)
    k = report.kpis
    # cost 10 000 ₽ over the RUB deal's figures only
    assert k.cpm == Decimal(5000)  # 10 000 / 2 000 × 1000 (not 10 000 / 10 000 × 1000 = 1 000)
    assert k.cpv == Decimal(10)  # 10 000 / 1 000 (not / 10 000 = 1)
    assert k.cpe == Decimal(200)  # 10 000 / 50
    assert k.cpc == Decimal(100)  # 10 000 / 100 (not / 1 000 = 10)
    assert k.cpa == Decimal(10_000)  # one order, not three
    assert k.roas == Decimal(3)  # 30 000 / 10 000 (not 80 000 / 10 000)
    assert k.roi == Decimal(2)
    # the totals still show everything that happened
    assert (report.counts.views, report.counts.clicks, report.counts.conversions) == (10_000, 1000, 3)
    assert report.revenue_minor == 8_000_000
    assert [(d.deal_id, d.currency) for d in report.left_out_deals] == [("usd", "USD")]
    assert report.kpi_base.revenue_minor == 3_000_000 and report.kpi_base.conversions == 1


def test_a_ceiling_is_not_met_thanks_to_a_deal_outside_the_cost():
    rows = {r.name: r for r in build(other_currency_campaign(cpm_max=200_000, cpa_max=500_000), TODAY).targets}
    assert rows["cpm_max"].status == "behind" and rows["cpm_max"].actual == Decimal(5000)  # 5 000 > 2 000
    assert rows["cpa_max"].status == "behind" and rows["cpa_max"].actual == Decimal(10_000)


def test_the_page_lists_the_left_out_deals():
    from chalicelib.campaigns.report.page_view import context

    notes = context(build(other_currency_campaign(), TODAY), "en")["notes"]
    assert any("«Сделка usd» (USD)" in n and "left out of CPM" in n for n in notes), notes


# --- 2. ratios over the publications that report their base -----------------------------------------------

def partial_campaign(**targets) -> Raw:
    """Cost 20 000 ₽ (two deals of 10 000); d1: 1 000 impressions, 10 clicks (link); d2: 3 000 views, no
    impressions, 500 clicks (link); d3 of the second deal is not out yet (no figures)."""
    return raw(
        campaign=campaign(**targets), deals=[deal("a", "d1"), deal("b", "d2", "d3")],
        deliverables=[deliverable("d1", "a"), deliverable("d2", "b"), deliverable("d3", "b", published=False)],
        links=[link("l1", deliverable_id="d1"), link("l2", deliverable_id="d2")],
        click_days=[clicks("l1", 10), clicks("l2", 500)],
        history=history(snap("deliverable:d1", {"views": 2000, "impressions": 1000}),
                        snap("deliverable:d2", {"views": 3000})))


def test_ctr_is_over_the_publications_that_report_clicks_and_impressions():
    report = build(partial_campaign(), TODAY)
    assert report.kpis.ctr == Decimal("0.01")  # 10 / 1 000 — not 510 / 1 000
    assert (report.kpi_base.ctr_clicks, report.kpi_base.ctr_impressions) == (10, 1000)


def test_a_cost_per_kpi_whose_base_is_partial_has_no_value_and_says_so():
    report = build(partial_campaign(cpm_max=100_000_000), TODAY)
    assert report.kpis.cpm is None and report.kpis.partial == ("cpm",)  # not 20 000 / 1 000 × 1000
    assert report.kpis.cpv == Decimal(4)  # 20 000 / 5 000: every publication that went out reports views
    assert report.kpis.cpc == Decimal(20_000) / Decimal(510)
    (row,) = report.targets  # a ceiling of 1 000 000 ₽ would be "on track" on the partial figure
    assert row.name == "cpm_max" and row.status == "partial" and row.actual is None
    assert "impressions" in report.partial_totals


def test_a_partial_total_does_not_decide_an_at_least_target_it_has_not_reached():
    report = build(partial_campaign(impressions=1_000_000), TODAY)
    (row,) = report.targets
    assert row.status == "partial" and row.actual == Decimal(1000)
    report = build(partial_campaign(impressions=10), TODAY)
    assert report.targets[0].status == "on_track"  # what is known already reaches it


def test_the_page_labels_a_partial_kpi():
    from chalicelib.campaigns.report.page_view import context

    kpis = {name: text for _, text, name in context(build(partial_campaign(), TODAY), "en")["kpis"]}
    assert kpis["cpm"] == "— (not every paid publication reports impressions)"


# --- 3, 4. clicks: once, on a row, or shown as unassigned; unknown is not 0 -----------------------------------

def test_a_deal_wide_link_replaces_its_deliverables_snapshot_clicks():
    report = build(raw(deals=[deal("a", "d1")], deliverables=[deliverable("d1", "a")],
                       links=[link("l1", deal_id="a")], click_days=[clicks("l1", 70)],
                       history=history(snap("deliverable:d1", {"views": 100, "clicks": 40}))), TODAY)
    assert report.counts.clicks == 70  # not 70 + 40
    (line,) = report.bloggers
    assert line.counts.clicks == 70
    assert report.publications[0].counts.clicks is None


def test_clicks_of_links_without_a_row_are_unassigned_and_shown_as_such():
    gone = Item(id="gone")  # a post that left the campaign: reads.py does not return it
    report = build(raw(posts=[post("p1")], targets=[target("p1", "ch")],
                       deals=[deal("a", "d1", "d2")],
                       deliverables=[deliverable("d1", "a"), deliverable("d2", "a", status="cancelled")],
                       links=[link("lp", post_id="p1"), link("l1", deliverable_id="d1"),
                              link("lx", deliverable_id="d2"), link("lg", post_id=gone.id), link("lc")],
                       click_days=[clicks("lp", 5), clicks("l1", 7), clicks("lx", 11), clicks("lg", 13),
                                   clicks("lc", 17), clicks("deleted", 19)]), TODAY)
    assert report.unassigned_clicks == 11 + 13 + 17 + 19
    row_clicks = sum(p.counts.clicks for p in report.publications)
    assert row_clicks == 12 and report.counts.clicks == row_clicks + report.unassigned_clicks


def test_no_link_and_no_snapshot_clicks_is_unknown_not_zero():
    report = build(raw(campaign=campaign(clicks=100), posts=[post("p1")], targets=[target("p1", "ch")],
                       history=history(snap("target:p1ch", {"views": 100, "impressions": 200}))), TODAY)
    assert report.counts.clicks is None and report.kpis.ctr is None and report.kpis.cpc is None
    assert report.targets[0].status == "unknown"


def test_a_link_with_no_clicks_yet_is_zero():
    report = build(raw(posts=[post("p1")], targets=[target("p1", "ch")], links=[link("lp", post_id="p1")]), TODAY)
    assert report.counts.clicks == 0


# --- the figures: per metric, the newest snapshot that carries it ------------------------------------------

def test_a_later_snapshot_with_fewer_fields_keeps_the_other_metrics():
    report = build(raw(posts=[post("p1")], targets=[target("p1", "ch")], history=history(
        snap("target:p1ch", {"views": 1000, "impressions": 4000, "likes": 30}, "2026-12-04T12:00:00Z"),
        snap("target:p1ch", {"views": 1500}, "2026-12-06T12:00:00Z", source="check"))), TODAY)
    counts = report.publications[0].counts
    assert (counts.views, counts.impressions, counts.engagements) == (1500, 4000, 30)
    views = {d: int(v) for d, v in report.series[0].points}
    assert views[date(2026, 12, 5)] == 1000 and views[date(2026, 12, 6)] == 1500
