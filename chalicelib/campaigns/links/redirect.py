"""GET /r/{code}: the tracked link's redirect, counting the click."""
from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
