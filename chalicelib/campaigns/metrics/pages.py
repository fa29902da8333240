"""Metric snapshots in the browser: entered by hand, imported by CSV."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
