"""A person signs in with the email link in Debian's Chromium against a real `chalice local`,
lands on their brands, and the pages fit a phone (390 px) without sideways scrolling.

Screenshots go to a temporary folder, or to $GREENLIGHT_SCREENSHOTS when set (to look at them).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.browser import DESKTOP, PHONE, sign_in_via_outbox
from tests.support.mail import latest_to, links_in, path_of


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("GREENLIGHT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    # A Content-Security-Policy violation (an inline style or script sneaking in) shows up here.
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    yield page
    context.close()


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fits_phone(page, shots: Path, name: str) -> None:
    page.set_viewport_size(PHONE)
    width = horizontal_overflow(page)
    page.screenshot(path=str(shots / f"{name}-phone.png"), full_page=True)
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a {PHONE['width']}px phone"
    page.set_viewport_size(DESKTOP)


def test_sign_in_by_email_link_lands_on_the_dashboard(live_server, outbox, brand, make_user, page, shots):
    from playwright.sync_api import expect

    user = make_user("smm_manager", brand=brand)
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", name="Sign in to Greenlight")).to_be_visible()
    fits_phone(page, shots, "sign-in")

    page.get_by_label("Work email").fill(user.email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text(user.email)).to_be_visible()
    fits_phone(page, shots, "check-mail")

    links = [link for link in links_in(latest_to(outbox, user.email)) if "/auth/verify?token=" in link]
    assert links, "the sign-in email has no link"
    page.goto(live_server + path_of(links[0]))  # the same server the link names, by its path
    expect(page.get_by_role("heading", name="Confirm sign-in")).to_be_visible()
    fits_phone(page, shots, "verify")
    page.get_by_role("button", name=re.compile(r"^Sign in")).click()

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", name="Your brands")).to_be_visible()
    expect(page.locator("main")).to_contain_text(brand.name)
    expect(page.locator("header")).to_contain_text(user.email.split("@")[0])
    page.screenshot(path=str(shots / "dashboard-desktop.png"), full_page=True)
    fits_phone(page, shots, "dashboard")

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["gl_session"]["httpOnly"] and cookies["gl_session"]["sameSite"] == "Lax"
    assert page.problems == []


def test_brand_page_on_a_phone_add_a_channel_and_switch_language(live_server, outbox, brand, make_user, page, shots):
    from playwright.sync_api import expect

    user = make_user("smm_manager", brand=brand)
    make_user("copywriter", "designer", brand=brand, email=f"very-long-address-for-layout-{brand.slug}@example.com")
    sign_in_via_outbox(page, live_server, outbox, user.email, f"/brands/{brand.id}")

    page.set_viewport_size(PHONE)
    page.get_by_text("Add a channel").click() if not page.locator("details.add-form[open]").count() else None
    page.get_by_label("Platform").select_option("telegram")
    page.get_by_label("Name", exact=True).first.fill("Main Telegram channel")
    page.get_by_label("Handle or link").fill("@a_rather_long_telegram_channel_handle_that_should_wrap_nicely")
    page.get_by_label("Token reference").fill(f"ssm:/greenlight/local/brands/{brand.id}/channels/telegram")
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_role("status")).to_have_text("The channel is added.")
    expect(page.locator("#channels")).to_contain_text("Main Telegram channel")
    page.get_by_text("Invite a person").click()
    fits_phone(page, shots, "brand")
    page.screenshot(path=str(shots / "brand-desktop.png"), full_page=True)

    page.get_by_role("link", name="Русский").click()
    expect(page.get_by_role("heading", name="Каналы")).to_be_visible()
    expect(page.locator("#channels")).to_contain_text("1 канал")
    page.screenshot(path=str(shots / "brand-desktop-ru.png"), full_page=True)
    fits_phone(page, shots, "brand-ru")
    assert page.problems == []
