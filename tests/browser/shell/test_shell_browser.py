"""The app's shell in Debian's Chromium against a real `chalice local` (issue 16): the top bar's menu at
390 px reaches the profile, the footer's language switch changes the profile's language (so Save keeps
it), an unknown page path is the HTML 404 page in the reader's language, and /favicon.ico is the icon.

Screenshots go to a temporary folder, or to $GREENLIGHT_SCREENSHOTS when set (to look at them).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.browser import DESKTOP, PHONE, open_as


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("GREENLIGHT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def signed_in(chromium, live_server, outbox, brand, make_user):
    user = make_user("smm_manager", brand=brand)
    context, page = open_as(chromium, live_server, outbox, user, "/")
    yield user, page
    context.close()


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_menu_at_phone_width_reaches_the_profile(signed_in, live_server, shots):
    from playwright.sync_api import expect

    user, page = signed_in
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main navigation")
    # desktop: the links are in the bar, no menu button
    expect(nav.get_by_role("link", name="My profile")).to_be_visible()
    expect(menu).to_be_hidden()
    page.screenshot(path=str(shots / "shell-topbar-desktop.png"))

    page.set_viewport_size(PHONE)
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="My profile")).to_be_hidden()
    assert _width(page) <= PHONE["width"]
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="My profile")).to_be_visible()
    assert _width(page) <= PHONE["width"]
    page.screenshot(path=str(shots / "shell-menu-open-phone.png"))
    page.keyboard.press("Escape")  # closes again
    expect(nav.get_by_role("link", name="My profile")).to_be_hidden()
    menu.click()
    nav.get_by_role("link", name="My profile").click()
    expect(page).to_have_url(f"{live_server}/me")
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # still within reach at 390 px
    assert _width(page) <= PHONE["width"]
    assert not page.problems, page.problems


def test_without_javascript_the_links_stay_reachable_at_phone_width(chromium, live_server, outbox, brand, make_user):
    from playwright.sync_api import expect

    from tests.support.browser import sign_in_via_outbox

    user = make_user("smm_manager", brand=brand)
    context = chromium.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_via_outbox(page, live_server, outbox, user.email, "/")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        assert _width(page) <= PHONE["width"]  # the links scroll inside their own row, the page does not
        link = page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My profile")
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        link.click()
        expect(page).to_have_url(f"{live_server}/me")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_footer_switch_changes_the_profile_language(signed_in, live_server, shots, viewport):
    from playwright.sync_api import expect

    user, page = signed_in
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/me")
    language = page.locator("select[name=language]")
    expect(language).to_have_value("en")
    footer = page.get_by_role("navigation", name="Language")
    footer.get_by_role("link", name="Русский").click()
    expect(page.get_by_role("heading", name="Мой профиль", level=1)).to_be_visible()
    language = page.locator("select[name=language]")
    expect(language).to_have_value("ru")  # the field follows the switch
    page.screenshot(path=str(shots / f"shell-profile-ru-{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Сохранить")).click()
    expect(page.get_by_role("heading", name="Мой профиль", level=1)).to_be_visible()  # Save keeps Russian
    expect(page.locator("select[name=language]")).to_have_value("ru")
    page.goto(f"{live_server}/")  # and every page after, without ?lang=
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    # back to English from the footer: the profile follows again
    page.get_by_role("navigation", name="Язык").get_by_role("link", name="English").click()
    page.goto(f"{live_server}/me")
    expect(page.locator("select[name=language]")).to_have_value("en")
    assert not page.problems, page.problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_unknown_page_is_the_html_404_page_and_the_favicon_is_there(chromium, live_server, shots, viewport):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=viewport, locale="ru-RU", extra_http_headers={"Accept-Language": "ru"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        response = page.goto(f"{live_server}/no/such/page")
        assert response.status == 404
        assert response.headers["content-type"].startswith("text/html")
        expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
        expect(page.get_by_role("link", name="К моим брендам")).to_be_visible()
        assert _width(page) <= viewport["width"]
        page.screenshot(path=str(shots / f"shell-404-{viewport['width']}.png"), full_page=True)
        # the footer switch works on the 404 page too
        page.get_by_role("navigation", name="Язык").get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        # the API keeps its JSON 404, even in a browser
        api = page.goto(f"{live_server}/v1/no-such-route")
        assert api.status == 404 and api.headers["content-type"].startswith("application/json")
        assert api.json()["error"]["code"] == "not_found"
        icon = page.goto(f"{live_server}/favicon.ico")
        assert icon.status == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert "<svg" in icon.text()
    finally:
        context.close()
