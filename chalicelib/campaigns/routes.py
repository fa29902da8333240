"""Campaigns: the JSON API (campaigns, cost lines, members). Filled by issue 15's campaign core."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
