"""Is the database reachable? One cheap read, short timeouts, no exception escapes."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def database_answers() -> bool:
    from chalicelib.core.db import connection as db_connection
    from chalicelib.core.db.throttle import ThrottleItem

    try:
        db_connection.bind_models()
        ThrottleItem.count("HEALTH#probe", limit=1)  # a Query on a key no item uses
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        log.warning("health check failed: %s", type(exc).__name__)
        return False
