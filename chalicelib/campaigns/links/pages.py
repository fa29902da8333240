"""Tracked links and promo codes in the browser."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
