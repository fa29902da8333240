"""The media editor shows the server's refusal of an upload in the reader's language (issue 16 review): a
Russian copywriter picks a "PNG" that is really HTML; the browser's own checks pass it (type and size
look fine), the server refuses it by its first bytes, and the status line says so in Russian — desktop
and 390 px."""
from __future__ import annotations

import pytest

from tests.support.browser import PHONE, open_as
from tests.support.factories import make_user


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_server_refusal_is_shown_translated(team, live_server, outbox, chromium, viewport):
    from playwright.sync_api import expect

    brand = team["brand"]
    writer = make_user("copywriter", brand=brand, language="ru")
    context, page = open_as(chromium, live_server, outbox, writer, f"/posts/new?brand_id={brand.id}")
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    expect(page.locator("[data-media-noscript]")).to_be_hidden()
    fake = b"<html><script>alert(1)</script></html>" + b" " * 64
    page.locator("[data-media-input]").set_input_files([{"name": "cup.png", "mimeType": "image/png", "buffer": fake}])
    status = page.locator("[data-media-status]")
    expect(status).to_contain_text("cup.png не загружен")
    expect(status).to_contain_text("это не изображение и не видео")
    assert "not an image" not in status.inner_text()
    expect(page.locator(".media-list [data-media-item]")).to_have_count(0)
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert [p for p in page.problems if "422" not in p] == []  # the refused PUT is logged by the browser
    context.close()
