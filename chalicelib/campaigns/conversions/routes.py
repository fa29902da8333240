"""Conversions: the signed webhook, the CSV import, the list."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
