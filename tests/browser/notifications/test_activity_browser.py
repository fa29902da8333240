"""In Debian's Chromium against a real `chalice local`, desktop and 390 px: an approver requests
changes on a post from the approval link in the real outbox .eml; the author signs in, finds it in
Activity (unread, with the post's link, the time in her zone), marks all read, then turns the email for
"changes requested" off on her profile and the API says so."""
from __future__ import annotations

import pytest

from tests.support import mail
from tests.support.browser import DESKTOP, PHONE, sign_in_via_outbox
from tests.support.posts import body, call, new_post


def _context(chromium, viewport):
    context = chromium.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return context, page, problems


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_changes_requested_shows_in_activity_and_the_email_can_be_turned_off(client, team, outbox, live_server,
                                                                             chromium, viewport):
    from playwright.sync_api import expect

    writer = team["copywriter"]
    post = new_post(client, team, title="Autumn menu")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", writer).status_code == 200
    links = [x for x in mail.links_in(mail.latest_to(outbox, team["content_manager"].email)) if "/a/" in x]

    context, page, problems = _context(chromium, viewport)
    try:  # the approver, from the email's link (no account session needed)
        for link in links:
            page.goto(live_server + mail.path_of(link))
            if page.get_by_role("button", name="Request changes").count():
                break
        page.get_by_label("Comment").fill("The price is missing")
        page.get_by_role("button", name="Request changes").click()
        expect(page.get_by_role("heading", name="Thank you — your decision is recorded")).to_be_visible()
        assert problems == []
    finally:
        context.close()
    assert [m for m in mail.messages(outbox) if writer.email in str(m["To"])
            and "Changes requested: Autumn menu" in str(m["Subject"])]

    context, page, problems = _context(chromium, viewport)
    try:  # the author
        sign_in_via_outbox(page, live_server, outbox, writer.email, "/activity")
        expect(page.get_by_role("heading", name="Activity", exact=True)).to_be_visible()
        item = page.locator(".activity-item").first
        expect(item).to_contain_text("asked for changes to “Autumn menu”")
        expect(item.locator("blockquote")).to_have_text("The price is missing")
        expect(item).to_have_class("activity-item activity-changes_requested is-unread")
        expect(item.locator("time")).to_contain_text("(Europe/Berlin)")
        expect(page.get_by_text("Unread: 1")).to_be_visible()
        _fits(page, viewport["width"])
        page.get_by_role("button", name="Mark all read").click()
        expect(page.get_by_text("Everything is marked read.")).to_be_visible()
        expect(page.get_by_text("Unread: 0")).to_be_visible()
        expect(page.locator(".activity-item.is-unread")).to_have_count(0)
        page.get_by_role("link", name="Open the post").first.click()
        expect(page).to_have_url(f"{live_server}/posts/{post['id']}")

        page.goto(f"{live_server}/me")
        switch = page.get_by_label("Changes requested: Email")
        expect(switch).to_be_checked()
        switch.scroll_into_view_if_needed()
        switch.uncheck()
        _fits(page, viewport["width"])
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Your profile is saved.")).to_be_visible()
        expect(page.get_by_label("Changes requested: Email")).not_to_be_checked()
        expect(page.get_by_label("Changes requested: Slack")).to_be_checked()
        assert problems == []
    finally:
        context.close()
    me = body(call(client, "get", "/v1/me", writer))
    assert me["notify"]["events"]["changes_requested"] == {"email": False, "slack": True}
    assert me["notify"]["events"]["published"] == {"email": True, "slack": True}
