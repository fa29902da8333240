"""The one place that builds clients: DynamoDB (PynamoDB models), other AWS clients, HTTP sessions.

Everything is lazy and cached per process; nothing is built at import time. Tests and `make run`
point them at local endpoints through settings (DYNAMODB_ENDPOINT, OUTBOX_DIR, …).
"""
from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings

_bound_to: tuple | None = None


def bind_models() -> None:
    """Point every PynamoDB model at the configured table and endpoint (idempotent, cheap: one tuple
    comparison once bound). Models defined later are bound as they register (core/db/base.py)."""
    global _bound_to
    settings = get_settings()
    target = (settings.table_name, settings.DYNAMODB_ENDPOINT or None, settings.AWS_REGION)
    if _bound_to == target:
        return
    from chalicelib.core.db import base

    if base.bind(*target):
        connection.cache_clear()
    _bound_to = target


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
    """Forget every cached client (tests switch endpoints between sessions)."""
    global _bound_to
    from chalicelib.core.db import base

    base.unbind()
    _bound_to = None
    aws_client.cache_clear()
    connection.cache_clear()


@lru_cache(maxsize=None)
def aws_client(service: str):
    import boto3
    from botocore.config import Config

    settings = get_settings()
    # Every outbound call has a timeout; retries use the SDK's standard mode (backoff + jitter).
    kwargs = {"region_name": settings.AWS_REGION,
              "config": Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})}
    if service == "dynamodb" and settings.DYNAMODB_ENDPOINT:
        kwargs["endpoint_url"] = settings.DYNAMODB_ENDPOINT
    return boto3.session.Session().client(service, **kwargs)

