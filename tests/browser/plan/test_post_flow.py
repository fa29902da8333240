"""A post through the pages in Debian's Chromium against a real `chalice local`: a copywriter creates
and submits it through the form, a content manager and then an SMM manager approve it on its page,
and the brand's calendar shows it as scheduled on the right day in the brand's time zone."""
from __future__ import annotations

import json

import requests

from tests.support.browser import DESKTOP, PHONE, open_as


def test_create_submit_two_approvals_and_the_calendar(live_server, outbox, make_user, chromium):
    from playwright.sync_api import expect

    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Berlin")
    smm = make_user("smm_manager", brand=brand)
    cm = make_user("content_manager", brand=brand)
    writer = make_user("copywriter", brand=brand)

    api = f"{live_server}/v1/brands/{brand.id}"
    headers = {"Authorization": f"Bearer {smm.token}", "Content-Type": "application/json"}
    r = requests.post(f"{api}/channels", headers=headers, timeout=10,
                      data=json.dumps({"platform": "telegram", "name": "Main TG", "external_id": "@acme"}))
    assert r.status_code == 201, r.text
    r = requests.post(f"{api}/approval-chains", headers=headers, timeout=10, data=json.dumps({
        "name": "Standard", "default": True, "stages": [
            {"name": "Content review", "approver_roles": ["content_manager"]},
            {"name": "SMM sign-off", "approver_roles": ["smm_manager"]}]}))
    assert r.status_code == 201, r.text

    context, page = open_as(chromium, live_server, outbox, writer, f"/posts/new?brand_id={brand.id}")
    page.get_by_label("Title").fill("Winter menu")
    page.get_by_label("Text").fill("Mulled wine is back! https://example.com/menu")
    page.get_by_label("Main TG").check()
    page.get_by_label("Publish at").fill("2026-12-01T00:30")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Create post").click()
    expect(page.get_by_role("heading", name="Winter menu")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The post is created.")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("#post-status")).to_have_text("In review")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    post_path = page.url.replace(live_server, "").split("?")[0]
    assert page.problems == []
    context.close()

    for approver, after in ((cm, "In review"), (smm, "Scheduled")):
        context, page = open_as(chromium, live_server, outbox, approver, post_path)
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("status")).to_have_text("Your decision is recorded.")
        expect(page.locator("#post-status")).to_have_text(after)
        assert page.problems == []
        if approver is not smm:
            context.close()

    page.goto(f"{live_server}/calendar?brand_id={brand.id}&date=2026-12-01")
    cell = page.locator('.cal-day[data-date="2026-12-01"]')
    expect(cell).to_contain_text("Winter menu")
    expect(cell).to_contain_text("00:30")
    expect(cell.locator(".post-chip.status-scheduled")).to_contain_text("Scheduled")
    expect(page.locator('.cal-day[data-date="2026-11-30"]')).not_to_contain_text("Winter menu")
    page.set_viewport_size(PHONE)
    expect(page.locator(".cal-grid")).to_be_hidden()
    expect(page.locator("#list")).to_contain_text("Winter menu")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []
    context.close()
