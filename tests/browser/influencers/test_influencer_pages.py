"""An influencer manager adds an influencer and their Instagram account through the pages in Debian's
Chromium against a real `chalice local`, and the influencer's page explains the verdict: the
`er_low` flag with the measured ER, the threshold and its benchmark (Modash, the follower tier).
The pages raise no console errors (a Content-Security-Policy violation would) and fit a phone."""
from __future__ import annotations

import re

from tests.support.browser import DESKTOP, PHONE, open_as


def fits_phone(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width}px wide on a {PHONE['width']}px phone"
    page.set_viewport_size(DESKTOP)


def test_add_an_influencer_with_an_instagram_account_and_see_the_er_low_flag(live_server, outbox, make_user,
                                                                              chromium):
    from playwright.sync_api import expect

    from tests.support.factories import make_brand

    brand = make_brand()
    manager = make_user("influencer_manager", brand=brand)
    context, page = open_as(chromium, live_server, outbox, manager, f"/brands/{brand.id}/influencers")
    expect(page.get_by_role("heading", name="Influencers", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Influencers", exact=True)).to_have_attribute("aria-current", "page")
    fits_phone(page)

    add = page.locator("#add-influencer form")
    add.get_by_label("Name", exact=True).fill("Anna Cooks")
    add.get_by_label("Country").select_option("KZ")
    add.get_by_label("Tags").fill("food, almaty")
    add.get_by_role("button", name="Add the influencer").click()
    expect(page.get_by_role("heading", name="Anna Cooks")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The influencer is added. Now add their accounts.")
    expect(page.locator("#influencer-status")).to_have_text("Prospect")

    # 82,000 followers, (200 likes + 10 comments) / 82,000 = 0.26 %: "Low" for Instagram 50k–100k (< 0.32 %)
    account = page.locator("#add-account form")
    account.get_by_label("Platform").select_option("instagram")
    account.get_by_label("Handle").fill("@anna_cooks")
    account.get_by_label(re.compile(r"^Followers")).fill("82000")
    account.get_by_label("Average likes").fill("200")
    account.get_by_label("Average comments").fill("10")
    account.get_by_role("button", name="Add the account").click()
    expect(page.get_by_role("status")).to_have_text("The account is added.")

    card = page.locator(".account-card")
    expect(card.get_by_role("heading", name="@anna_cooks")).to_be_visible()
    expect(card).to_contain_text("82,000")
    flag = page.locator('#vetting li[data-rule="er_low"]')
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Low engagement")
    expect(flag).to_contain_text("0.26 %")
    expect(flag).to_contain_text("< 0.32 %")
    expect(flag.locator(".flag-benchmark")).to_contain_text("Modash, Instagram 50k–100k")
    expect(page.locator("#influencer-verdict")).to_have_text("Failed")
    fits_phone(page)

    # a measurement draws the follower history: an SVG line with the numbers in a table below
    snapshot = card.locator("form", has=page.get_by_role("button", name="Add the measurement"))
    card.get_by_text("Add a measurement").click()
    snapshot.get_by_label(re.compile(r"^Followers")).fill("81000")
    snapshot.get_by_role("button", name="Add the measurement").click()
    expect(page.get_by_role("status")).to_have_text("The measurement is added.")
    chart = page.locator(".account-card svg[role=img]")
    expect(chart).to_have_attribute("aria-label", re.compile(r"^Followers of @anna_cooks from .* 81,000"))
    expect(chart.locator("polyline")).to_have_count(1)
    page.locator(".history-table > summary").click()
    expect(page.locator(".history-table table")).to_contain_text("81,000")
    fits_phone(page)
    assert page.problems == []
    context.close()
