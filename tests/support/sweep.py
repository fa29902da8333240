"""Helpers for sweep tests (the `fakes` and `channels` fixtures are in tests/integration/conftest.py)."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.publishing import repo as target_repo

TG_TOKEN = "123456:TEST-token"
VK_TOKEN = "vk1.a.test-token"
HOOK_SECRET = "hook-secret-for-tests"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def states(post_id):
    return {t.channel_id: t.state for t in target_repo.for_post(post_id)}
