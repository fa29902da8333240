"""Costs and spend by day and week, targets against actuals, and the day-by-day series (docs/kpis.md), on
numbers worked out by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from chalicelib.campaigns.rules import costs, series, targets

DEC = date(2026, 12, 1), date(2026, 12, 31)


def test_a_deal_costs_fee_agency_product_and_its_adjustments():
    cost = costs.deal_cost(15_000_000, "10", 499_000, [-750_000])
    assert (cost.fee, cost.agency, cost.product, cost.adjustments) == (15_000_000, 1_500_000, 499_000, -750_000)
    assert cost.total == 16_249_000  # 150 000 + 15 000 + 4 990 − 7 500 = 162 490.00 ₽


def test_the_agency_fee_is_rounded_down_to_the_minor_unit_and_may_be_absent():
    assert costs.agency_fee(333, "12.5") == 41  # 41.625 kopecks → 41
    assert costs.agency_fee(1000, None) == 0
    assert costs.deal_cost(1000, None, None).total == 1000


def test_a_deal_falls_on_its_first_deliverable_day_else_its_creation():
    created = date(2026, 11, 20)
    assert costs.deal_day([date(2026, 12, 9), None, date(2026, 12, 5)], created) == date(2026, 12, 5)
    assert costs.deal_day([None], created) == created


def test_spend_by_iso_week_against_the_budget():
    days = costs.by_day([(date(2026, 12, 5), 16_249_000), (date(2026, 12, 10), 2_000_000),
                         (date(2026, 12, 10), 1_000)])
    assert days == {date(2026, 12, 5): 16_249_000, date(2026, 12, 10): 2_001_000}
    weeks = costs.by_week(days, *DEC, budget=50_000_000)
    # 2026-12-01 is a Tuesday in ISO week 49 (Monday 30 November); 2026 has 53 ISO weeks
    assert [w.label for w in weeks] == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert weeks[0].monday == date(2026, 11, 30)
    assert [w.spent for w in weeks] == [16_249_000, 2_001_000, 0, 0, 0]
    assert [w.cumulative for w in weeks] == [16_249_000, 18_250_000, 18_250_000, 18_250_000, 18_250_000]
    assert weeks[-1].budget_left == 31_750_000
    assert costs.by_week({}, *DEC, budget=None)[0].budget_left is None


def test_spend_outside_the_campaign_adds_its_week():
    weeks = costs.by_week({date(2027, 1, 15): 100}, date(2026, 12, 28), date(2026, 12, 31), budget=50)
    assert [w.label for w in weeks] == ["2026-W53", "2027-W02"]
    assert weeks[-1].budget_left == -50  # over budget: negative


def test_the_elapsed_share_counts_days_inclusively():
    assert targets.elapsed_share(*DEC, today=date(2026, 11, 30)) == 0
    assert targets.elapsed_share(*DEC, today=date(2026, 12, 1)) == Decimal(1) / Decimal(31)
    assert targets.elapsed_share(*DEC, today=date(2026, 12, 10)) == Decimal(10) / Decimal(31)
    assert targets.elapsed_share(*DEC, today=date(2027, 2, 1)) == 1


def test_targets_on_track_or_behind_with_the_gap():
    stored = {"clicks": 5000, "conversions": 100, "revenue": 10_000_000, "cpm_max": 3_000_000, "cpc_max": 50_000,
              "roi_min": "-0.5", "reach": 1000}
    actuals = {"clicks": Decimal(600), "conversions": Decimal(40), "revenue": Decimal("8000.00"),
               "cpm_max": Decimal("30415"), "cpc_max": Decimal("304.15"), "roi_min": Decimal("-0.25"), "reach": None}
    rows = {r.name: r for r in targets.compare(stored, actuals, digits=2, starts_on=DEC[0], ends_on=DEC[1],
                                               today=date(2026, 12, 10))}
    assert list(rows) == ["reach", "clicks", "conversions", "revenue", "cpm_max", "cpc_max", "roi_min"]
    clicks = rows["clicks"]  # by day 10 of 31: 5 000 × 10 / 31 = 1 612.903… expected; 600 is behind
    assert clicks.expected == Decimal(5000) * Decimal(10) / Decimal(31)
    assert clicks.status == "behind" and round(clicks.gap, 6) == Decimal("-1012.903226")
    conversions = rows["conversions"]  # 100 × 10 / 31 = 32.258…; 40 is ahead by 7.741…
    assert conversions.status == "on_track" and round(conversions.gap, 3) == Decimal("7.742")
    revenue = rows["revenue"]  # 100 000.00 ₽ × 10 / 31 = 32 258.06…; 8 000 is behind
    assert revenue.kind == "money" and revenue.target == Decimal("100000.00") and revenue.status == "behind"
    cpm = rows["cpm_max"]  # a ceiling of 30 000.00 ₽, not pro-rated: 30 415 is 415 over
    assert cpm.expected == Decimal("30000.00") and cpm.status == "behind" and cpm.gap == Decimal("-415.00")
    cpc = rows["cpc_max"]  # a ceiling of 500.00 ₽: 304.15 is 195.85 under
    assert cpc.status == "on_track" and cpc.gap == Decimal("195.85")
    roi = rows["roi_min"]  # a floor of −50 %: −25 % is 25 points above
    assert roi.kind == "ratio" and roi.status == "on_track" and roi.gap == Decimal("0.25")
    assert rows["reach"].status == "unknown" and rows["reach"].gap is None


def test_before_the_start_nothing_is_expected_yet():
    (row,) = targets.compare({"clicks": 5000}, {"clicks": Decimal(0)}, digits=2, starts_on=DEC[0], ends_on=DEC[1],
                             today=date(2026, 11, 1))
    assert row.expected == 0 and row.status == "on_track"


def test_a_broken_stored_target_is_left_out():
    assert targets.compare({"clicks": "lots", "roi_min": "NaN"}, {}, digits=2, starts_on=DEC[0], ends_on=DEC[1],
                           today=DEC[0]) == []


def test_views_so_far_step_with_each_items_latest_snapshot():
    days = series.day_range(date(2026, 12, 3), date(2026, 12, 8))
    a = [(date(2026, 12, 3), 4000), (date(2026, 12, 8), 10_000)]
    b = [(date(2026, 12, 6), 5000)]
    c = [(date(2026, 12, 5), 12_000)]
    views = series.running_views(days, [a, b, c])
    assert [int(v) for _, v in views.points] == [4000, 4000, 16_000, 21_000, 21_000, 27_000]


def test_snapshots_before_the_range_count_from_its_first_day():
    days = series.day_range(date(2026, 12, 3), date(2026, 12, 4))
    views = series.running_views(days, [[(date(2026, 11, 1), 700), (date(2026, 12, 4), 900)]])
    assert [int(v) for _, v in views.points] == [700, 900]


def test_daily_series_and_the_range_widened_to_the_data():
    days = series.day_range(date(2026, 12, 1), date(2026, 12, 3), [date(2026, 12, 5)])
    assert days[0] == date(2026, 12, 1) and days[-1] == date(2026, 12, 5) and len(days) == 5
    clicks = series.daily("clicks", "count", days, {date(2026, 12, 2): 7, date(2026, 12, 5): 3})
    assert [int(v) for _, v in clicks.points] == [0, 7, 0, 0, 3] and clicks.total == 10
    long = series.day_range(date(2020, 1, 1), date(2026, 12, 31))
    assert len(long) == series.MAX_DAYS and long[-1] == date(2026, 12, 31)
