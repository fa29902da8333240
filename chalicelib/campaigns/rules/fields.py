"""The names a campaign is made of — goals, targets, metrics — in one light module (no PynamoDB), so the
pages, schemas and rules can use them without loading the models."""
from __future__ import annotations

GOALS = ("awareness", "traffic", "leads", "sales", "subscribers")
COUNT_TARGETS = ("reach", "impressions", "engagements", "clicks", "conversions")
MONEY_TARGETS = ("revenue", "cpm_max", "cpc_max", "cpa_max")  # minor units of the campaign's currency
RATIO_TARGETS = ("roi_min",)  # decimal text: "0.5" is +50 %
METRIC_FIELDS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves", "forwards", "clicks")
