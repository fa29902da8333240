"""itsdangerous serializers over SIGNING_KEYS (newest first in settings; the newest signs, every
key still verifies, so keys rotate without breaking live links and sessions)."""
from __future__ import annotations


def signing_keys() -> list[str]:
    """SIGNING_KEYS resolved: newest first; the first signs, all verify."""
    from chalicelib.core import secrets
    from chalicelib.core.settings import get_settings

    raw = secrets.resolve(get_settings().SIGNING_KEYS)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        from chalicelib.core.errors import Upstream

        raise Upstream("SIGNING_KEYS is empty: set at least one key of 32 or more characters")
    return keys


def _keys() -> list[str]:
    # itsdangerous signs with the *last* key of the list and verifies with all of them.
    return list(reversed(signing_keys()))


def serializer(salt: str):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(_keys(), salt=salt)


def timed_serializer(salt: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(_keys(), salt=salt)
