"""Browser helpers shared by the Playwright tests."""
from __future__ import annotations

import re
from urllib.parse import quote

from tests.support.mail import latest_to, links_in, path_of

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def sign_in_via_outbox(page, live_server: str, outbox, email: str, next_path: str) -> None:
    """Ask for a sign-in link in the page, read it from the outbox .eml, open it and confirm."""
    from playwright.sync_api import expect

    page.goto(f"{live_server}/sign-in?next={quote(next_path, safe='')}")
    page.get_by_label("Work email").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = next(x for x in links_in(latest_to(outbox, email)) if "/auth/verify?token=" in x)
    page.goto(live_server + path_of(link))
    page.get_by_role("button", name=re.compile(r"^Sign in")).click()
    expect(page).to_have_url(live_server + next_path)


def open_as(chromium, live_server, outbox, user, next_path):
    """A desktop browser context signed in as `user` (through the outbox link), on `next_path`;
    page.problems collects console errors and page errors."""
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    sign_in_via_outbox(page, live_server, outbox, user.email, next_path)
    return context, page
