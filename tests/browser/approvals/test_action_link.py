"""An approver with no account opens the approval link from the real outbox .eml in Debian's
Chromium against a real `chalice local`: the confirmation page shows the post, nothing is recorded
until the button is pressed, pressing Approve shows the done page, and the link is used up."""
from __future__ import annotations

import pytest

from tests.support import mail
from tests.support.browser import DESKTOP, PHONE
from tests.support.posts import body, call, new_post


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_open_the_link_from_the_email_confirm_and_approve(client, team, outbox, live_server, chromium,
                                                          viewport):
    from playwright.sync_api import expect

    post = new_post(client, team)
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 200, r.body
    message = mail.latest_to(outbox, team["content_manager"].email)
    approve = next(link for link in mail.links_in(message) if "/a/" in link)

    context = chromium.new_context(viewport=viewport, locale="en-US")  # no session, no cookies
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # console errors catch CSP violations; a page answered 409 on purpose is not one
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "status of 409" not in msg.text else None)
    try:
        response = page.goto(live_server + mail.path_of(approve))
        assert response.status == 200
        expect(page.get_by_role("heading", name="Your approval is needed")).to_be_visible()
        expect(page.get_by_text("Pumpkin latte is back!")).to_be_visible()
        expect(page.locator("#action-deadline")).to_have_text("2026-11-30 10:00 (Europe/Berlin)")
        history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
        assert history["decisions"] == []  # opening the page recorded nothing

        page.get_by_label("Comment").fill("Looks great")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("heading", name="Thank you — your decision is recorded")).to_be_visible()
        expect(page.get_by_text("The post now goes to the next stage: SMM sign-off.")).to_be_visible()

        history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
        assert [(d["decision"], d["via"], d["comment"]) for d in history["decisions"]] == [
            ("approve", "email", "Looks great")]

        page.go_back()  # the form again (no-store): pressing it a second time is refused, readably
        page.reload()
        expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
        assert problems == []
    finally:
        context.close()
