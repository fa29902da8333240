"""The calendar in Chromium against a real `chalice local`: at desktop a post is dragged to another
day (month) and to an hour slot (week) and is there after a reload; a drop into the past is refused in
place; a chip moves a day by keyboard. At 390 px the grid gives way to the list, the filters and search
are reachable, and a post is moved with the "Move" form."""
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
    channel_id = r.json()["id"]

    def post(title, publish_at):
        r = requests.post(f"{live_server}/v1/posts", headers=headers, timeout=10, data=json.dumps({
            "brand_id": brand.id, "title": title, "body": f"{title}: see you there", "channel_ids": [channel_id],
            "publish_at": publish_at}))
        assert r.status_code == 201, r.text
        return r.json()

    def get(post_id):
        return requests.get(f"{live_server}/v1/posts/{post_id}", headers=headers, timeout=10).json()

    return brand, smm, post, get


def _real_problems(page) -> list[str]:
    """Console errors, without the browser's own line for a refused move (a 4xx answer is expected there)."""
    return [p for p in page.problems if "status of 422" not in p]


def test_drag_a_post_to_another_day_and_hour_at_desktop(live_server, outbox, make_user, chromium):
    from playwright.sync_api import expect

    brand, smm, post, get = _setup(live_server, make_user)
    winter = post("Winter menu", "2026-12-08T10:00")
    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar?brand_id={brand.id}&date=2026-12-08")
    assert page.viewport_size == DESKTOP
    chip = page.locator('.cal-day[data-date="2026-12-08"] .post-chip', has_text="Winter menu")
    expect(chip).to_have_attribute("draggable", "true")
    chip.drag_to(page.locator('.cal-day[data-date="2026-12-10"]'))
    expect(page.locator("#cal-status")).to_have_text("Moved to 2026-12-10 10:00.")
    expect(page.locator('.cal-day[data-date="2026-12-10"]')).to_contain_text("Winter menu")
    page.reload()
    expect(page.locator('.cal-day[data-date="2026-12-10"]')).to_contain_text("Winter menu")
    expect(page.locator('.cal-day[data-date="2026-12-10"]')).to_contain_text("10:00")  # the time of day kept
    expect(page.locator('.cal-day[data-date="2026-12-08"]')).not_to_contain_text("Winter menu")
    assert get(winter["id"])["publish_at"] == "2026-12-10T10:00"

    # keyboard: Alt+→ moves the focused chip one day
    page.locator('.cal-day[data-date="2026-12-10"] .post-chip').focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.locator("#cal-status")).to_have_text("Moved to 2026-12-11 10:00.")
    expect(page.locator('.cal-day[data-date="2026-12-11"]')).to_contain_text("Winter menu")

    # the week view: hour rows in the brand's zone, free-slot hints, a drop on an hour slot
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.locator('.cal-slot[data-date="2026-12-11"][data-time="10:00"]')).to_contain_text("Winter menu")
    expect(page.locator('.cal-slot[data-date="2026-12-09"][data-time="15:00"]')).to_contain_text("Free: Main TG")
    page.locator('.cal-slot[data-date="2026-12-11"] .post-chip').drag_to(
        page.locator('.cal-slot[data-date="2026-12-09"][data-time="15:00"]'))
    expect(page.locator("#cal-status")).to_have_text("Moved to 2026-12-09 15:00.")
    page.reload()
    expect(page.locator('.cal-slot[data-date="2026-12-09"][data-time="15:00"]')).to_contain_text("Winter menu")
    expect(page.locator('.cal-slot[data-date="2026-12-11"][data-time="10:00"]')).not_to_contain_text("Winter menu")
    assert get(winter["id"])["publish_at"] == "2026-12-09T15:00"

    # a drop into the past is refused in place; the chip stays where it was
    page.goto(f"{live_server}/calendar?brand_id={brand.id}&date=2026-11-10")
    page.locator('.cal-day[data-date="2026-12-01"]').wait_for()
    post("Advent", "2026-12-01T09:30")
    page.reload()
    page.locator('.cal-day[data-date="2026-12-01"] .post-chip').drag_to(page.locator('.cal-day[data-date="2026-11-02"]'))
    expect(page.locator("#cal-status")).to_have_text("That time has already passed: pick a time in the future.")
    expect(page.locator('.cal-day[data-date="2026-12-01"]')).to_contain_text("Advent")
    expect(page.locator('.cal-day[data-date="2026-11-02"]')).not_to_contain_text("Advent")
    assert _real_problems(page) == []
    context.close()


def test_a_refused_security_token_or_an_expired_session_says_reload(live_server, outbox, make_user, chromium):
    """The move endpoint answers HTML when the page door refuses (a 403 for a stale CSRF token, a redirect
    to sign-in for an expired session): calendar.js says so in words, not "did not reach the server"."""
    from playwright.sync_api import expect

    brand, smm, post, get = _setup(live_server, make_user)
    soup = post("Soup day", "2026-12-08T10:00")
    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar?brand_id={brand.id}&date=2026-12-08")
    expired = ("Your session has expired or the page is out of date: reload the page (sign in again if asked) "
               "and try again.")
    page.evaluate("document.querySelector('.cal-grid[data-drop-kind]').setAttribute('data-csrf', 'stale')")
    chip, target = '.cal-day[data-date="2026-12-08"] .post-chip', '.cal-day[data-date="2026-12-10"]'
    page.locator(chip).drag_to(page.locator(target))
    expect(page.locator("#cal-status")).to_have_text(expired)
    expect(page.locator('.cal-day[data-date="2026-12-08"]')).to_contain_text("Soup day")  # stays where it was

    page.reload()
    context.clear_cookies()  # signed out meanwhile: the endpoint redirects to the sign-in page
    page.locator(chip).drag_to(page.locator(target))
    expect(page.locator("#cal-status")).to_have_text(expired)
    assert get(soup["id"])["publish_at"] == "2026-12-08T10:00"
    assert [p for p in _real_problems(page) if "status of 403" not in p] == []
    context.close()


def test_move_with_the_form_and_filter_at_390_px(live_server, outbox, make_user, chromium):
    from playwright.sync_api import expect

    brand, smm, post, get = _setup(live_server, make_user)
    latte = post("Pumpkin latte", "2026-12-02T08:15")
    post("Cake day", "2026-12-03T12:00")
    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar?brand_id={brand.id}&date=2026-12-02")
    page.set_viewport_size(PHONE)
    expect(page.locator(".cal-grid")).to_be_hidden()
    listed = page.locator("#list")
    expect(listed).to_contain_text("Pumpkin latte")
    expect(listed).to_contain_text("Cake day")

    page.get_by_label("Search").fill("pumpkin")
    page.get_by_role("button", name="Show").click()
    expect(listed).to_contain_text("Pumpkin latte")
    expect(listed).not_to_contain_text("Cake day")
    assert "q=pumpkin" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Move “Pumpkin latte” to another time").click()
    expect(page.get_by_role("heading", name="Move the post")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("New date").fill("2026-12-05")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text("The post is moved.")
    assert "q=pumpkin" in page.url  # the filters are kept on the way back
    expect(page.locator("#list .cal-list-item", has_text="Pumpkin latte")).to_contain_text("2026-12-05")
    expect(page.locator("#list .cal-list-item", has_text="Pumpkin latte")).to_contain_text("08:15")
    assert get(latte["id"])["publish_at"] == "2026-12-05T08:15"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []
    context.close()
