"""Stored values as plain Python: PynamoDB map and list attribute values as dicts and lists
(JSON-able, comparable). Pure; rules may use it."""
from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    """PynamoDB map/list attribute values as plain dicts and lists (JSON-able, comparable)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
