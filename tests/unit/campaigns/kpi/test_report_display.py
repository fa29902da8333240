"""The report written for a reader: a count target's gap that is a fraction of one (whole counts: behind rounds
up, ahead rounds down — never "0 behind"), and the spend chart with a week whose spend so far is negative (a
bar below the zero line, never a negative height); the clicks chart says its days are UTC days."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.campaigns.report.build import build
from chalicelib.campaigns.report.charts import line_chart, spend_chart
from chalicelib.campaigns.report.display import Shown
from chalicelib.campaigns.rules import targets
from tests.unit.campaigns.kpi.test_report_build import TODAY, campaign, raw


@pytest.mark.parametrize("actual, expected, text", [
    ("1", "1.4", "1 behind"),  # 0.4 short: one more is needed, not "0 behind"
    ("600", "1612.903226", "1,013 behind"),
    ("40", "32.258065", "7 ahead"),  # 7.74 ahead: 7 could still be lost
    ("3", "2.5", "0 ahead"),
])
def test_a_count_gap_is_whole_and_never_zero_behind(actual, expected, text):
    row = targets.TargetRow("clicks", "count", Decimal(5000), Decimal(expected), Decimal(actual),
                            targets.BEHIND, Decimal(actual) - Decimal(expected))
    assert Shown("en", "RUB").gap(row) == text


def test_a_negative_week_is_drawn_below_the_zero_line():
    from tests.unit.campaigns.kpi.test_report_build import Item

    lines = [Item(amount_minor=-500_000, spent_on="2026-12-02"), Item(amount_minor=1_500_000, spent_on="2026-12-09")]
    report = build(raw(campaign=campaign(), cost_lines=lines), TODAY)
    chart = spend_chart(report, Shown("en", "RUB"))
    first, second = chart["bars"][:2]  # −5 000 ₽ so far, then +10 000 ₽ so far
    assert all(b["h"] >= 0 for b in chart["bars"])
    assert first["y"] == chart["zero_y"] and first["h"] > 0  # down from the zero line
    assert round(second["y"] + second["h"], 1) == chart["zero_y"]  # up to it
    assert chart["top"] <= second["y"] and first["y"] + first["h"] <= chart["bottom"]
    assert chart["min"] == "-RUB\u00a05,000.00"


def test_the_clicks_chart_says_its_days_are_utc():
    report = build(raw(campaign=campaign()), TODAY)
    clicks = next(s for s in report.series if s.name == "clicks")
    assert "UTC day" in line_chart(clicks, Shown("en", "RUB"))["desc"]
    assert report.first_day == date(2026, 12, 1)
