"""The campaign report: JSON, CSV, PDF; the brand's range report; the evidence export."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
