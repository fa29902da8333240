"""The report's charts as coordinates for the SVG templates (templates/campaigns/_chart_bars.html and
_chart_line.html): drawn on the server, no script, each with a title, a description and its numbers as a
table beside it. Geometry only — the numbers shown come from display.Shown, never from these floats."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.campaigns.report.display import Shown
from chalicelib.campaigns.report.view import Report
from chalicelib.campaigns.rules.series import Series

BOX = {"width": 640, "height": 220, "left": 72, "right": 628, "top": 14, "bottom": 180}
MAX_DOTS = 62


@dataclass(frozen=True)
class Row:
    """One row of a chart's data table: its label and the texts of its columns."""

    label: str
    cells: tuple[str, ...]


class _Axis:
    """The y scale from the lowest value (0 at most) to the highest (0 at least): a negative value is drawn
    below the zero line, never as a negative height."""

    def __init__(self, values: list[Decimal]):
        self.low = min([Decimal(0), *values])
        self.high = max([Decimal(0), *values])
        self.span = float(self.high - self.low) or 1.0
        self.height = BOX["bottom"] - BOX["top"]

    def y(self, value: Decimal) -> float:
        return BOX["bottom"] - self.height * float(value - self.low) / self.span

    @property
    def zero_y(self) -> float:
        return round(self.y(Decimal(0)), 1)

    def bar(self, value: Decimal) -> tuple[float, float]:
        """(y, height) of a bar from the zero line to the value: up for a positive value, down for a negative."""
        top, zero = self.y(max(value, Decimal(0))), self.y(min(value, Decimal(0)))
        return round(top, 1), round(zero - top, 1)


def spend_chart(report: Report, shown: Shown) -> dict:
    """Bars: the spend up to each ISO week's end (cumulative), with the budget as a line across."""
    weeks = report.weeks
    budget = Decimal(report.budget_minor).scaleb(-report.digits) if report.budget_minor is not None else None
    cumulative = [Decimal(w.cumulative).scaleb(-report.digits) for w in weeks]
    axis = _Axis([*cumulative, *([budget] if budget is not None else [])])
    width = BOX["right"] - BOX["left"]
    slot = width / max(len(weeks), 1)
    bars = []
    for n, (week, value) in enumerate(zip(weeks, cumulative)):
        y, h = axis.bar(value)
        bars.append({"x": round(BOX["left"] + n * slot + slot * 0.15, 1), "y": y,
                     "w": round(slot * 0.7, 1), "h": h, "label": week.label,
                     "over": budget is not None and value > budget,
                     "title": f"{week.label}: {shown.money(value)}"})
    budget_y = round(axis.y(budget), 1) if budget is not None else None
    total = Decimal(report.cost.total).scaleb(-report.digits)
    return {
        **BOX, "id": "chart-budget", "bars": bars, "budget_y": budget_y, "zero_y": axis.zero_y,
        "max": shown.money(axis.high), "zero": shown.money(Decimal(0)),
        "min": shown.money(axis.low) if axis.low < 0 else None,
        "first": weeks[0].label if weeks else "", "last": weeks[-1].label if weeks else "",
        "title": shown.t("campaign_report.chart.spend_title"),
        "desc": shown.t("campaign_report.chart.spend_desc", weeks=len(weeks), spent=shown.money(total),
                        budget=shown.minor(report.budget_minor)),
        "columns": (shown.t("campaign_report.col.week"), shown.t("campaign_report.col.spent"),
                    shown.t("campaign_report.col.cumulative"), shown.t("campaign_report.col.budget_left")),
        "rows": [Row(w.label, (shown.minor(w.spent), shown.minor(w.cumulative), shown.minor(w.budget_left)))
                 for w in weeks],
    }


def line_chart(s: Series, shown: Shown) -> dict:
    """A line over the days of a series (y from 0 to its highest value)."""
    values = [v for _, v in s.points]
    axis = _Axis(values)
    width = BOX["right"] - BOX["left"]
    span = max(len(s.points) - 1, 1)

    def text(value: Decimal) -> str:
        return shown.money(value) if s.kind == "money" else shown.number(value)

    dots = []
    for n, (day, value) in enumerate(s.points):
        x = BOX["left"] + (width * n / span if len(s.points) > 1 else width / 2)
        y = axis.y(value)
        dots.append({"x": round(x, 1), "y": round(y, 1), "title": f"{shown.day(day)}: {text(value)}"})
    name = shown.name("series", s.name)
    first = shown.day(s.points[0][0]) if s.points else ""
    last = shown.day(s.points[-1][0]) if s.points else ""
    peak = max(s.points, key=lambda p: p[1]) if s.points else None
    if s.name == "views":
        desc = shown.t("campaign_report.chart.views_desc", first=first, last=last,
                       value=text(values[-1]) if values else "—")
    else:
        desc = shown.t("campaign_report.chart.series_desc", first=first, last=last, total=text(s.total),
                       max=text(peak[1]) if peak else "—", day=shown.day(peak[0]) if peak else "—")
    if s.name == "clicks":  # the redirector counts clicks by UTC day; everything else is by the brand's day
        desc = f"{desc} {shown.t('campaign_report.chart.clicks_utc')}"
    return {
        **BOX, "id": f"chart-{s.name}", "name": s.name, "title": name, "desc": desc,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots if len(dots) <= MAX_DOTS else [],
        "max": text(axis.high), "zero": text(Decimal(0)), "min": text(axis.low) if axis.low < 0 else None,
        "zero_y": axis.zero_y, "first": first, "last": last,
        "columns": (shown.t("campaign_report.col.day"), name),
        "rows": [Row(shown.day(day), (text(value),)) for day, value in s.points if value or s.name == "views"],
    }
