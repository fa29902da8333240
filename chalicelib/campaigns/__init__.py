"""Campaigns and what they brought: costs, tracked links, promo codes, metric snapshots, conversions,
KPIs against targets and reports. `rules/` holds the pure KPI and attribution math; `links/`, `metrics/`,
`conversions/` and `report/` are its parts; models.py has every key."""
