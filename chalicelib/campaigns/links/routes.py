"""Tracked links and promo codes: the JSON API."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
