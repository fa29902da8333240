"""Test environment: one DynamoDB Local per session, settings pointed at it, chalice's test client
taught the same "shell wins over stage config" rule as `make run` and the CLI."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from chalicelib.local.dynamodb_local import free_port

SESSION_DIR = Path(tempfile.mkdtemp(prefix="greenlight-test-"))
LIVE_PORT = free_port()
TEST_ENV = {
    "STAGE": "local",
    "TABLE_PREFIX": "greenlight-test-",
    "OUTBOX_DIR": str(SESSION_DIR / "outbox"),
    "FILES_DIR": str(SESSION_DIR / "files"),
    "PUBLIC_BASE_URL": f"http://127.0.0.1:{LIVE_PORT}",
    "EMAIL_BACKEND": "outbox",
    "SIGNING_KEYS": "test-signing-key-newest-0123456789abcdef,test-signing-key-older-0123456789abcdef",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    # Never the real networks from a test: a sweep run by one test may meet another test's targets.
    # Port 9 (discard) on loopback refuses; tests that publish point these at their fake servers.
    "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
    "VK_API_BASE_URL": "http://127.0.0.1:9/method",
    "TELEGRAM_WEB_BASE_URL": "http://127.0.0.1:9",
    # The outbound guard lets nothing private through but this allow-list: empty here, whatever the shell
    # says; each fake on loopback puts its own 127.0.0.1:<port> on it while it runs (tests/support/fake_api).
    "OUTBOUND_ALLOW_PRIVATE": "",
}


def apply() -> None:
    os.environ.update(TEST_ENV)


def shell_wins_in_chalice_test_client() -> None:
    """chalice.test.Client overlays the stage's environment_variables on every call; make it fill
    only what is unset, as our launcher and CLI do."""
    import contextlib

    from chalice import test as chalice_test

    @contextlib.contextmanager
    def _patched_env_vars(self, environment_variables):
        original = os.environ
        patched = os.environ.copy()
        for key, value in environment_variables.items():
            patched.setdefault(key, value)
        os.environ = patched
        try:
            yield
        finally:
            os.environ = original

    chalice_test.BaseClient._patched_env_vars = _patched_env_vars
