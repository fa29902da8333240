"""The post form's per-channel tabs in Debian's Chromium against a real `chalice local`, at desktop and
at 390 px: choose two channels → two tabs; a wording for one channel → its own counter, red over the
limit; save → the wording is on the post page; a past time needs "Publish now" (docs/post-form.md)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from tests.support.browser import DESKTOP, PHONE, open_as

RED = "rgb(198, 40, 40)"


def setup_brand(live_server, make_user):
    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Berlin")
    smm = make_user("smm_manager", brand=brand)
    writer = make_user("copywriter", brand=brand)
    api = f"{live_server}/v1/brands/{brand.id}"
    headers = {"Authorization": f"Bearer {smm.token}", "Content-Type": "application/json"}
    for platform, name in (("telegram", "Main TG"), ("x", "Brand X"), ("vk", "Brand VK")):
        r = requests.post(f"{api}/channels", headers=headers, timeout=10,
                          data=json.dumps({"platform": platform, "name": name, "external_id": "@acme"}))
        assert r.status_code == 201, r.text
    return brand, writer


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_tabs_per_chosen_channel_a_variant_over_the_limit_then_saved(live_server, outbox, make_user, chromium,
                                                                      viewport):
    from playwright.sync_api import expect

    from chalicelib.core import schedule
    from chalicelib.core.clock import utcnow

    brand, writer = setup_brand(live_server, make_user)
    context, page = open_as(chromium, live_server, outbox, writer, f"/posts/new?brand_id={brand.id}")
    page.set_viewport_size(viewport)
    tabs = page.locator(".preview-tab")
    expect(tabs).to_have_count(3)  # one per channel of the brand …
    for index in range(3):
        expect(tabs.nth(index)).to_be_hidden()  # … shown only once chosen
    expect(page.get_by_text("Choose a channel above to see how the post looks there.")).to_be_visible()

    page.get_by_label("Title").fill("Winter menu")
    page.get_by_label("Text", exact=True).fill("Mulled wine is back!")
    page.get_by_label("Main TG").check()
    page.get_by_label("Brand X").check()
    visible = page.locator(".preview-tab:visible")
    expect(visible).to_have_count(2)
    expect(page.locator(".preview-tab", has_text="Brand VK")).to_be_hidden()
    expect(page.locator(".preview:visible")).to_have_count(1)  # one panel at a time

    page.get_by_role("tab", name="Brand X").click()
    x_panel = page.locator(".preview[data-platform=x]")
    expect(x_panel).to_be_visible()
    expect(x_panel.locator(".mock-visible")).to_have_text("Mulled wine is back!")
    wording = x_panel.get_by_label("Wording for this channel")
    wording.fill(" ".join(["Hot"] * 80))  # 319 characters: over X's 280
    counter = x_panel.locator(".counter")
    expect(counter).to_have_text("319 / 280")
    expect(counter).to_have_class("counter over")
    assert counter.evaluate("el => getComputedStyle(el).color") == RED
    expect(x_panel.locator(".mock-over")).not_to_be_empty()
    expect(page.get_by_role("tab", name="Brand X").locator(".tab-count")).to_have_class("tab-count over")
    page.get_by_role("tab", name="Main TG").click()  # Telegram keeps the main text and its own counter
    tg_panel = page.locator(".preview[data-platform=telegram]")
    expect(tg_panel.locator(".counter")).to_have_text("20 / 4096")
    expect(tg_panel.locator(".mock-visible")).to_have_text("Mulled wine is back!")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_role("tab", name="Brand X").click()
    wording.fill("Mulled wine, short for X")
    expect(counter).to_have_text("24 / 280")
    expect(counter).to_have_class("counter")
    page.get_by_label("Publish at").fill(schedule.to_wall(utcnow() + timedelta(days=5), "Europe/Berlin"))
    page.get_by_role("button", name="Create post").click()
    expect(page.get_by_role("heading", name="Winter menu")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The post is created.")
    texts = page.locator(".channel-texts")
    expect(texts).to_contain_text("Brand X")
    expect(texts).to_contain_text("Mulled wine, short for X")
    expect(texts).not_to_contain_text("Main TG")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_past_time_is_refused_until_publish_now(live_server, outbox, make_user, chromium, viewport):
    from playwright.sync_api import expect

    from chalicelib.core import schedule
    from chalicelib.core.clock import utcnow

    brand, writer = setup_brand(live_server, make_user)
    context, page = open_as(chromium, live_server, outbox, writer, f"/posts/new?brand_id={brand.id}")
    page.set_viewport_size(viewport)
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")  # picked from a list, the brand's
    page.get_by_label("Title").fill("Flash sale")
    page.get_by_label("Main TG").check()
    page.get_by_label("Publish at").fill(schedule.to_wall(utcnow() - timedelta(hours=3), "Europe/Berlin"))
    page.get_by_role("button", name="Create post").click()
    expect(page.locator("#post-publish_at-error")).to_contain_text("has already passed")
    assert [p for p in page.problems if "422" not in p] == []  # the form came back as 422, nothing else
    page.problems.clear()
    page.get_by_label("Publish now").check()
    expect(page.get_by_label("Publish at")).to_be_disabled()
    page.get_by_role("button", name="Create post").click()
    expect(page.get_by_role("heading", name="Flash sale")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The post is created.")
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_preview_follows_the_media_editor(team, live_server, outbox, chromium, viewport):
    """Two images added in the media editor (helper F's) → an album of two in the Telegram preview, and
    Telegram's limit becomes the 1024-character caption's; removing one → a single image."""
    from playwright.sync_api import expect

    from tests.support import media_files

    context, page = open_as(chromium, live_server, outbox, team["copywriter"],
                            f"/posts/new?brand_id={team['brand'].id}")
    page.set_viewport_size(viewport)
    page.locator("#post-title").fill("Latte art")
    page.locator("#post-body").fill("Two new cups " * 100)
    page.locator(f"input[name=channel_ids][value='{team['tg']}']").check()
    box = page.locator(".preview[data-platform=telegram]")
    expect(box.locator(".counter")).to_have_text("1299 / 4096")
    page.locator("[data-media-input]").set_input_files([
        {"name": "red.png", "mimeType": "image/png", "buffer": media_files.png(16, 16, (220, 30, 30))},
        {"name": "blue.png", "mimeType": "image/png", "buffer": media_files.png(16, 16, (30, 30, 220))}])
    expect(box.locator(".mock-media.mock-media-2 img")).to_have_count(2)
    expect(box.locator(".counter")).to_have_text("1299 / 1024")
    expect(box.locator(".counter")).to_have_class("counter over")
    expect(box.locator(".note-limit")).to_have_text("with media: caption limit 1024")
    page.locator(".media-list [data-media-item]").nth(0).get_by_role("button", name="Remove").click()
    expect(box.locator(".mock-media.mock-media-1 img")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.problems == []
    context.close()
