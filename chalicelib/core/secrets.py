"""Resolve secret settings given as references.

  env:NAME               another environment variable (local and dev only; enforced in settings)
  ssm:/path/to/param     SSM Parameter Store, SecureString decrypted
  secretsmanager:name    Secrets Manager SecretString
  anything else          the literal value (refused in prod by settings)

Values are cached per process for `CACHE_SECONDS` so a rotated secret is picked up without a deploy.
Never log a resolved value.
"""
from __future__ import annotations

import os
import threading
import time

from chalicelib.core.errors import Upstream

CACHE_SECONDS = 300
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def resolve(reference: str) -> str:
    if not reference or not reference.startswith(("env:", "ssm:", "secretsmanager:")):
        return reference
    now = time.monotonic()
    with _lock:
        hit = _cache.get(reference)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = _fetch(reference)
    with _lock:
        _cache[reference] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _fetch(reference: str) -> str:
    kind, _, name = reference.partition(":")
    if kind == "env":
        value = os.environ.get(name)
        if value is None:
            raise Upstream(f"secret reference {reference!r}: environment variable {name} is not set")
        return value
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core import deps

    try:
        if kind == "ssm":
            answer = deps.aws_client("ssm").get_parameter(Name=name, WithDecryption=True)
            return answer["Parameter"]["Value"]
        answer = deps.aws_client("secretsmanager").get_secret_value(SecretId=name)
        return answer["SecretString"]
    except (BotoCoreError, ClientError) as exc:
        # The reference names where the secret lives, not the secret: safe to say.
        raise Upstream(f"secret reference {reference!r} could not be read ({type(exc).__name__})") from exc
