"""itsdangerous serializers over SIGNING_KEYS (newest first in settings; the newest signs, every
key still verifies, so keys rotate without breaking live links and sessions)."""
from __future__ import annotations


class SigningKeysTooShort(ValueError):
    """SIGNING_KEYS (resolved) holds a key shorter than settings.MIN_SIGNING_KEY_LENGTH. The message
    names the key's place in the list, never the key."""


def signing_keys() -> list[str]:
    """SIGNING_KEYS resolved: newest first; the first signs, all verify. A reference (ssm:, …) is
    checked here, once resolved: a key shorter than 32 characters is refused, nothing is signed
    or verified with it (a literal one is refused by the settings already)."""
    from chalicelib.core import secrets
    from chalicelib.core.settings import get_settings, signing_key_problem

    raw = secrets.resolve(get_settings().SIGNING_KEYS)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        from chalicelib.core.errors import Upstream

        raise Upstream("SIGNING_KEYS is empty: set at least one key of 32 or more characters")
    problem = signing_key_problem(raw)
    if problem:
        raise SigningKeysTooShort(problem)
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
