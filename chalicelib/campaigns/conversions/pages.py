"""Conversions in the browser: the CSV import and the webhook's secret."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
