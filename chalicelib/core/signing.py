"""itsdangerous serializers over SIGNING_KEYS (newest first in settings; the newest signs, every
key still verifies, so keys rotate without breaking live links and sessions)."""
from __future__ import annotations


def _keys() -> list[str]:
    from chalicelib.core import deps

    # itsdangerous signs with the *last* key of the list and verifies with all of them.
    return list(reversed(deps.signing_keys()))


def serializer(salt: str):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(_keys(), salt=salt)


def timed_serializer(salt: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(_keys(), salt=salt)
