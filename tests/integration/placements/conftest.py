"""Placement-check tests: the deal crew, and a fake Telegram preview (t.me/<channel>/<id>?embed=1) on
loopback that TELEGRAM_WEB_BASE_URL points at (its host:port is on OUTBOUND_ALLOW_PRIVATE while it runs)."""
from __future__ import annotations

import pytest

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests
from tests.support.fake_telegram_preview import FakeTelegramPreview


@pytest.fixture(autouse=True)
def no_checks_left_over(dynamodb):
    """Each test starts with an empty DUE#CHECKS queue: the session's one table keeps the planned checks of
    earlier tests (their 2030 deadlines), which a job run at a 2030 time would otherwise pick up too."""
    from chalicelib.core.db.connection import bind_models
    from chalicelib.placements import repo
    from chalicelib.placements.models import CheckItem

    bind_models()
    for check in CheckItem.gsi2.query(repo.CHECKS.name):
        check.update(actions=repo.CHECKS.dequeue(), add_version_condition=False)
    yield


@pytest.fixture
def preview(monkeypatch):
    from chalicelib.core.settings import reset_settings

    fake = FakeTelegramPreview().start()
    monkeypatch.setenv("TELEGRAM_WEB_BASE_URL", fake.url)
    reset_settings()
    yield fake
    fake.stop()
    monkeypatch.undo()  # before forgetting the settings: the next ones are read without the fake
    reset_settings()
