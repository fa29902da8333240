"""What every browser test shares: Debian's Chromium driven by Playwright, one browser per module.
Every test here is marked `browser` and skipped with a clear reason when Chromium is missing."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(config, items):
    missing = not Path(CHROMIUM).exists()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make chromium)"))


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
