"""The table binding and the transaction connection: every model pointed at the configured table,
endpoint and region (lazily, at first use), and one PynamoDB connection for TransactWrite and
TransactGet. Tests and `make run` point them at DynamoDB Local through settings (DYNAMODB_ENDPOINT).
"""
from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings


def bind_models() -> None:
    """Point every PynamoDB model at the configured table and endpoint (idempotent, cheap: one tuple
    comparison once bound). Models defined later are bound as they register (core/db/base.py)."""
    from chalicelib.core.db import base

    settings = get_settings()
    target = (settings.table_name, settings.DYNAMODB_ENDPOINT or None, settings.AWS_REGION)
    if base.bound_to() != target:
        base.bind(*target, then=connection.cache_clear)


@lru_cache(maxsize=1)
def connection():
    """A PynamoDB connection for transactions (TransactWrite / TransactGet)."""
    from pynamodb.connection import Connection

    bind_models()
    settings = get_settings()
    return Connection(
        region=settings.AWS_REGION,
        host=settings.DYNAMODB_ENDPOINT or None,
        connect_timeout_seconds=2,
        read_timeout_seconds=5,
        max_retry_attempts=3,
    )


def reset() -> None:
    """Forget every cached client: the binding, this connection and the AWS clients (tests switch
    endpoints between sessions)."""
    from chalicelib.core import deps
    from chalicelib.core.db import base

    base.unbind()
    connection.cache_clear()
    deps.reset()
