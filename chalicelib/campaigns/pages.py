"""Campaigns in the browser: a brand's campaigns, the campaign form, cost lines."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
