"""Placement-check tests: the deal crew, and a fake Telegram preview (t.me/<channel>/<id>?embed=1) on
loopback that TELEGRAM_WEB_BASE_URL points at (its host:port is on OUTBOUND_ALLOW_PRIVATE while it runs)."""
from __future__ import annotations

import pytest

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests
from tests.support.fake_telegram_preview import FakeTelegramPreview


@pytest.fixture
def preview(monkeypatch):
    from chalicelib.core.settings import reset_settings

    fake = FakeTelegramPreview().start()
    monkeypatch.setenv("TELEGRAM_WEB_BASE_URL", fake.url)
    reset_settings()
    yield fake
    fake.stop()
    reset_settings()
