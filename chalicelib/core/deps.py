"""The one place that builds AWS clients (the DynamoDB binding and transaction connection are in
core/db/connection.py).

Everything is lazy and cached per process; nothing is built at import time. Tests and `make run`
point them at local endpoints through settings (DYNAMODB_ENDPOINT, OUTBOX_DIR, …).
"""
from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings


def reset() -> None:
    """Forget the cached AWS clients (core/db/connection.reset() forgets everything)."""
    aws_client.cache_clear()


# A synchronous Lambda invoke (the contract PDF function) waits for the rendering: up to 25 s, inside
# the API's 30 s and API Gateway's 29 s; never retried by the SDK (the caller decides).
SLOW_CALLS = {"lambda": {"read_timeout": 25, "retries": {"mode": "standard", "max_attempts": 1}}}


@lru_cache(maxsize=None)
def aws_client(service: str):
    import boto3
    from botocore.config import Config

    settings = get_settings()
    # Every outbound call has a timeout; retries use the SDK's standard mode (backoff + jitter).
    options = {"connect_timeout": 2, "read_timeout": 5, "retries": {"mode": "standard", "max_attempts": 3},
               **SLOW_CALLS.get(service, {})}
    kwargs = {"region_name": settings.AWS_REGION, "config": Config(**options)}
    if service == "dynamodb" and settings.DYNAMODB_ENDPOINT:
        kwargs["endpoint_url"] = settings.DYNAMODB_ENDPOINT
    return boto3.session.Session().client(service, **kwargs)

