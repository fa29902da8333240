"""Small read helpers shared by the repositories (importing this module loads no PynamoDB)."""
from __future__ import annotations

from typing import Any, TypeVar

from chalicelib.core.db import connection as db_connection
from chalicelib.core.db import prefetch

M = TypeVar("M")


def get_item(model: type[M], pk: str, sk: str, *, consistent: bool = False) -> M | None:
    """One item or None; served from the request's prefetched items when the route asked for it."""
    from pynamodb.exceptions import DoesNotExist

    db_connection.bind_models()
    found, item = prefetch.take(model, pk, sk)
    if found:
        return item
    try:
        return model.get(pk, sk, consistent_read=consistent)
    except DoesNotExist:
        return None


def changed_fields(item: Any, wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields whose value differs from the item's, their values before) — for updates and audit."""
    changes = {key: value for key, value in wanted.items() if getattr(item, key) != value}
    return changes, {key: getattr(item, key) for key in changes}
