"""Identifiers: ULIDs (time-ordered, URL-safe, 26 chars) and random secrets."""
from __future__ import annotations

import secrets

from ulid import ULID


def new_id() -> str:
    return str(ULID()).lower()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
