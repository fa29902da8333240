"""Bulk move from the calendar in Debian's Chromium against a real `chalice local`: an SMM manager ticks two
posts on the calendar, moves them by 2 days, reads the results page and sees the posts on their new days —
at desktop width, then at 390 px (moving them back)."""
from __future__ import annotations

import json

import requests

from tests.support.browser import DESKTOP, PHONE, open_as


def _setup(live_server, make_user):
    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Berlin")
    smm = make_user("smm_manager", brand=brand)
    headers = {"Authorization": f"Bearer {smm.token}", "Content-Type": "application/json"}
    r = requests.post(f"{live_server}/v1/brands/{brand.id}/channels", headers=headers, timeout=10,
                      data=json.dumps({"platform": "telegram", "name": "Main TG", "external_id": "@acme"}))
    assert r.status_code == 201, r.text
    channel = r.json()["id"]
    ids = {}
    for title, when in (("Soup day", "2026-12-01T10:00"), ("Tea day", "2026-12-02T18:45"),
                        ("Stays put", "2026-12-01T12:00")):
        r = requests.post(f"{live_server}/v1/posts", headers=headers, timeout=10, data=json.dumps({
            "brand_id": brand.id, "title": title, "body": f"{title}!", "channel_ids": [channel], "publish_at": when}))
        assert r.status_code == 201, r.text
        ids[title] = r.json()["id"]
    return brand, smm, ids


def _move(page, days: str):
    from playwright.sync_api import expect

    page.get_by_label("Select “Soup day”").check()
    page.get_by_label("Select “Tea day”").check()
    page.get_by_label("With the selected posts").select_option("move")
    page.get_by_label("Days (for a move; negative moves earlier)").fill(days)
    page.get_by_role("button", name="Apply to the selected posts").click()
    expect(page.get_by_role("heading", name="Move: results")).to_be_visible()
    expect(page.locator("#bulk-summary")).to_have_text("Done: 2. Not done: 0.")


def test_bulk_move_from_the_calendar(live_server, outbox, make_user, chromium):
    from playwright.sync_api import expect

    brand, smm, ids = _setup(live_server, make_user)
    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar?brand_id={brand.id}&date=2026-12-01")
    _move(page, "2")
    soup = page.locator(f'.bulk-row[data-post-id="{ids["Soup day"]}"]')
    expect(soup).to_contain_text("Soup day")
    expect(soup).to_contain_text("now 2026-12-03 10:00 (Europe/Berlin)")
    expect(page.locator(f'.bulk-row[data-post-id="{ids["Tea day"]}"]')).to_contain_text("now 2026-12-04 18:45")
    expect(page.locator("#bulk-rows")).not_to_contain_text("Stays put")
    page.locator("#bulk-back").click()
    expect(page.locator('.cal-day[data-date="2026-12-03"]')).to_contain_text("Soup day")
    expect(page.locator('.cal-day[data-date="2026-12-04"]')).to_contain_text("Tea day")
    expect(page.locator('.cal-day[data-date="2026-12-01"]')).not_to_contain_text("Soup day")
    expect(page.locator('.cal-day[data-date="2026-12-01"]')).to_contain_text("Stays put")
    assert page.problems == []

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/calendar?brand_id={brand.id}&date=2026-12-01")
    _move(page, "-2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator(f'.bulk-row[data-post-id="{ids["Soup day"]}"]')).to_contain_text("now 2026-12-01 10:00")
    page.locator("#bulk-back").click()
    expect(page.locator('.cal-list-item[data-date="2026-12-01"]').filter(has_text="Soup day")).to_have_count(1)
    expect(page.locator('.cal-list-item[data-date="2026-12-02"]').filter(has_text="Tea day")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    assert page.problems == []
    context.close()


def test_nothing_ticked_says_so(live_server, outbox, make_user, chromium):
    from playwright.sync_api import expect

    brand, smm, _ids = _setup(live_server, make_user)
    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar?brand_id={brand.id}&date=2026-12-01")
    page.set_viewport_size(PHONE)
    page.get_by_label("With the selected posts").select_option("archive")
    page.get_by_role("button", name="Apply to the selected posts").click()
    expect(page.locator("#bulk-problem")).to_have_text(
        "No posts were selected. Tick the posts on the calendar first, then choose an action.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("link", name="Back to the calendar").first.click()
    expect(page.get_by_label("Select “Soup day”")).to_be_visible()
    context.close()
