"""Shared fixtures: DynamoDB Local (the real jar) for the session, the Chalice app, factories,
the outbox, and a live `chalice local` server for end-to-end and browser tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import env, test_clock

env.apply()  # before anything reads settings
test_clock.pin()  # the run lives on 2026-11-28, ticking (tests/support/test_clock.py)

from chalicelib.core.db import connection as db_connection
from chalicelib.core.settings import get_settings, reset_settings

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dynamodb():
    from chalicelib.local import dynamodb_local

    server = dynamodb_local.start(in_memory=True)
    os.environ["DYNAMODB_ENDPOINT"] = server.endpoint
    reset_settings()
    db_connection.reset()
    from chalicelib.core.db.tables import create_tables

    create_tables()
    import app  # noqa: F401 - the composition root plugs approvals and publishing into post changes
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app(dynamodb):
    from chalicelib.local.server import install_not_found_gateway

    env.shell_wins_in_chalice_test_client()
    install_not_found_gateway()
    import app as app_module

    return app_module.app


@pytest.fixture
def client(app):
    from chalice.test import Client

    with Client(app, stage_name="local") as test_client:
        yield test_client.http


@pytest.fixture
def outbox(dynamodb) -> Path:
    folder = Path(get_settings().OUTBOX_DIR)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def brand(dynamodb):
    from tests.support.factories import make_brand

    return make_brand()


@pytest.fixture
def make_user(dynamodb):
    from tests.support.factories import make_user

    return make_user


@pytest.fixture
def admin(make_user):
    return make_user(admin=True)


@pytest.fixture
def team(client, make_user):
    """A brand with a Telegram and an X channel, a team, and a two-stage chain (content manager, then SMM)."""
    from tests.support.posts import build_team

    return build_team(client, make_user)


@pytest.fixture(scope="session")
def live_server(dynamodb):
    """`chalice local` (our launcher) on the port PUBLIC_BASE_URL names, against the session's DynamoDB Local."""
    log_path = env.SESSION_DIR / "live-server.log"
    log_file = open(log_path, "w")  # a file, not a pipe: nobody drains a pipe while tests run
    process = subprocess.Popen(
        test_clock.python_module("chalicelib.local.server", "--port", str(env.LIVE_PORT)),
        cwd=PROJECT_DIR, env=dict(os.environ), stdout=log_file, stderr=subprocess.STDOUT, text=True)
    url = get_settings().PUBLIC_BASE_URL
    deadline = time.monotonic() + 60
    import requests

    while True:
        if process.poll() is not None:
            raise RuntimeError(f"chalice local exited:\n{log_path.read_text()}")
        try:
            requests.get(f"{url}/health", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("chalice local did not start in 60 s")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()
