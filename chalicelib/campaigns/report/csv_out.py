"""The campaign report as one flat CSV table (GET /v1/campaigns/{id}/report.csv), written from the JSON of
out.py, so its numbers are the JSON's strings exactly:

    section, id, name, metric, label, value, currency

`section` is one of campaign, cost, totals, kpis, kpi_base, targets, spend_week, series, blogger, publication
(a machine name, stable for formulas); `id` names the row's subject (a target, an ISO week, a day, a deal, a post or a
deliverable); `metric` is the machine name of the figure and `label` its name in the reader's language;
`value` is a count, a decimal amount in major units (money, with `currency`) or a decimal ratio (0.0525 =
5.25 %); empty when unknown. `kpi_base` rows say what the cost-based KPIs were computed over; a cost-per KPI
left without a value because its base is partial has a row (id: the KPI, metric "partial", value: its base).
Every cell is formula-guarded (core/csv_cells), except that a plain decimal number in the `value` column
(`-0.956162`, a negative ROI or gap) is written as it is, a number for the spreadsheet, equal to the JSON's
string; any other text there ("-1+1") and in every other column gets the leading apostrophe. UTF-8 with a BOM,
CRLF line ends.
"""
from __future__ import annotations

from chalicelib.campaigns.report.display import Shown
from chalicelib.campaigns.report.out import amount_text
from chalicelib.campaigns.rules.kpi import COST_BASES, KPI_NAMES
from chalicelib.core import csv_cells

COLUMNS = ("section", "id", "name", "metric", "label", "value", "currency")
VALUE_COLUMN = COLUMNS.index("value")
COUNT_METRICS = ("views", "reach", "impressions", "engagements", "clicks", "conversions")
PUBLICATION_METRICS = (*COUNT_METRICS, "followers", "er", "er_base", "revenue", "check_result")
BLOGGER_METRICS = ("fee", "agency_fee", "product_value", "adjustments", "cost", *COUNT_METRICS, "revenue", "cpa",
                   "roi", "check_result")
COST_KEYS = {"fees": "fees", "agency_fees": "agency_fees", "product_value": "product_value",
             "adjustments": "adjustments", "deals": "deals", "lines": "lines", "total": "total"}
LABEL_PREFIX = {  # a metric's label: campaign_report.<prefix>.<metric>
    **{m: "metric" for m in (*COUNT_METRICS, "revenue", "cost", "followers", "unassigned_clicks")},
    **{k: "kpi" for k in KPI_NAMES}, "ctr_clicks": "col", "ctr_impressions": "col", "partial": "col",
    "fee": "col", "agency_fee": "cost", "product_value": "cost", "adjustments": "cost", "check_result": "col",
    "er_base": "col", "budget": "field", "spent": "col", "cumulative": "col", "budget_left": "col",
    "target": "col", "expected": "col", "actual": "col", "status": "col", "gap": "col", "value": "col",
}
LABEL_ALIAS = {"agency_fee": "agency_fees", "check_result": "check"}


def _currency(value) -> str:
    return value["currency"] if isinstance(value, dict) else ""


def rows(data: dict, shown: Shown) -> list[list[str]]:
    def label(metric: str, prefix: str | None = None) -> str:
        prefix = prefix or LABEL_PREFIX.get(metric)
        return shown.name(prefix, LABEL_ALIAS.get(metric, metric)) if prefix else metric

    out: list[list[str]] = []

    def add(section, ident, name, metric, value, metric_label=None):
        out.append([section, ident or "", name or "", metric, metric_label or label(metric), amount_text(value),
                    _currency(value)])

    c = data["campaign"]
    add("campaign", c["id"], c["name"], "budget", c["budget"])
    for key, metric in COST_KEYS.items():
        add("cost", "", "", metric, data["cost"][key], label(key, "cost"))
    for metric, value in data["totals"].items():
        add("totals", "", "", metric, value)
    for metric, value in data["kpis"].items():
        add("kpis", "", "", metric, value, label("er_base") if metric == "er_base" else None)
    for metric, value in data["kpi_base"].items():
        if metric != "partial":
            add("kpi_base", "", "", metric, value)
    for name in data["kpi_base"]["partial"]:
        add("kpi_base", name, shown.name("kpi", name), "partial", COST_BASES[name])
    for row in data["targets"]:
        name = shown.name("target", row["name"])
        for metric in ("target", "expected", "actual", "gap", "status"):
            add("targets", row["name"], name, metric, row[metric])
    for week in data["spend"]["weeks"]:
        for metric in ("spent", "cumulative", "budget_left"):
            add("spend_week", week["week"], week["monday"], metric, week[metric])
    for name, points in data["series"].items():
        for point in points:
            add("series", point["day"], "", name, point["value"], shown.name("series", name))
    for b in data["bloggers"]:
        for metric in BLOGGER_METRICS:
            add("blogger", b["deal_id"], f"{b['influencer']} — {b['title']}", metric, b[metric])
    for p in data["publications"]:
        for metric in PUBLICATION_METRICS:
            add("publication", p["id"], p["title"], metric, p[metric])
    return out


def report_csv(data: dict, language: str) -> bytes:
    shown = Shown(language, data["campaign"]["currency"])
    header = [shown.t(f"campaign_report.csv.{name}") for name in COLUMNS]
    return csv_cells.with_bom(csv_cells.write_rows(header, rows(data, shown), numeric_columns=(VALUE_COLUMN,)))
