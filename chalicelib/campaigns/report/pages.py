"""The campaign's page (its report) and the brand's range report in the browser."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
