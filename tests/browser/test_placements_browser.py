"""A manager checks a placement from the deal's page in Debian's Chromium: sets the placement URL, runs a
check now and sees it pass with its evidence link — against a `chalice local` of its own, whose Telegram
preview is a fake on loopback (the shared live server's environment cannot point there), on the same
DynamoDB Local and outbox. The page raises no console errors and fits a 390 px phone."""
from __future__ import annotations

import os
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support import env, test_clock
from tests.support.browser import DESKTOP, PHONE, open_as
from tests.support.placements import CHANNEL, GOOD_TEXT, checked_deal

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def crew(make_user):
    """A brand in Moscow and its influencer manager (what tests/support/placements needs of the deal crew)."""
    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Moscow")
    return {"brand": brand, "influencer_manager": make_user("influencer_manager", brand=brand)}


@pytest.fixture(scope="module")
def checked_server(dynamodb):
    """(fake Telegram preview, the URL of a `chalice local` that reads it), for this module."""
    import requests

    from chalicelib.local.dynamodb_local import free_port
    from tests.support.fake_telegram_preview import FakeTelegramPreview

    preview = FakeTelegramPreview().start()  # on OUTBOUND_ALLOW_PRIVATE (os.environ) while it runs
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = env.SESSION_DIR / "placements-server.log"
    log_file = open(log_path, "w")
    process = subprocess.Popen(
        test_clock.python_module("chalicelib.local.server", "--port", str(port)), cwd=PROJECT_DIR,
        env={**os.environ, "TELEGRAM_WEB_BASE_URL": preview.url, "PUBLIC_BASE_URL": url},
        stdout=log_file, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chalice local exited:\n{log_path.read_text()}")
            try:
                requests.get(f"{url}/health", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("chalice local did not start in 60 s") from None
                time.sleep(0.2)
        yield preview, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()
        preview.stop()


def test_a_manager_sets_the_url_runs_a_check_and_sees_it_pass(client, crew, outbox, chromium, checked_server):
    from playwright.sync_api import expect

    preview, server = checked_server
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    deal, item = checked_deal(client, crew, now + timedelta(minutes=10))
    preview.post(CHANNEL, 42, GOOD_TEXT, at=now)
    url = f"https://t.me/{CHANNEL}/42"

    context, page = open_as(chromium, server, outbox, crew["influencer_manager"], f"/deals/{deal['id']}")
    timeline = page.locator(f"#placement-{item['id']}")
    expect(timeline).to_contain_text("No checks yet")
    timeline.get_by_label("Placement URL").fill(url)
    timeline.get_by_role("button", name="Set the placement URL").click()
    expect(page.get_by_role("status")).to_have_text("The placement URL is set: its checks are planned.")
    expect(timeline.get_by_role("link", name=url)).to_have_attribute("href", url)

    timeline.get_by_role("button", name="Check now").click()
    expect(page.get_by_role("status")).to_have_text("The check ran: its result is in the placement's checks.")
    done = timeline.locator(".check-done", has_text="Checked on request")
    expect(done).to_contain_text("Passed")
    expect(done).to_contain_text("SHA-256")
    evidence = done.get_by_role("link", name="Download")
    expect(evidence).to_have_attribute("href", re.compile(rf"^{re.escape(server)}/files/"))
    with page.expect_download() as download:
        evidence.click()
    assert b"tgme_widget_message" in Path(download.value.path()).read_bytes()  # the page exactly as fetched
    expect(timeline.locator(f"#placement-result-{item['id']}")).to_have_text("Passed")

    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width}px wide on a {PHONE['width']}px phone"
    page.set_viewport_size(DESKTOP)
    assert page.problems == []
    context.close()
