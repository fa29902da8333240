"""A client approver signs in (through the real outbox link) in Debian's Chromium against a real
`chalice local`, lands on their review board, sees the post put to them with its text as the network
shows it, approves it from the board and it leaves the board — at desktop width and at 390 px."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import DESKTOP, PHONE
from tests.support.mail import latest_to, links_in, path_of
from tests.support.posts import body, call, new_post


def client_chain(client, team) -> None:
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/approval-chains", team["smm_manager"], {
        "name": "Client", "content_types": ["branded"], "stages": [
            {"name": "Content review", "approver_roles": ["content_manager"], "lead_hours": 24},
            {"name": "Client", "approver_roles": ["client_approver"], "lead_hours": 4}]})
    assert r.status_code == 201, r.body


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_client_signs_in_lands_on_the_board_and_approves_a_post(client, team, outbox, live_server, chromium,
                                                                    viewport):
    from playwright.sync_api import expect

    client_chain(client, team)
    post = new_post(client, team, title="Winter blend", body="Meet our winter blend ❄", content_type="branded")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
             {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    secret = new_post(client, team, title="Team only plan")  # advertising: never put to the client
    assert call(client, "post", f"/v1/posts/{secret['id']}/submit", team["copywriter"]).status_code == 200

    context = chromium.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    try:
        email = team["client_approver"].email
        page.goto(f"{live_server}/sign-in")
        page.get_by_label("Work email").fill(email)
        page.get_by_role("button", name="Email me a sign-in link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        link = next(x for x in links_in(latest_to(outbox, email)) if "/auth/verify?token=" in x)
        page.goto(live_server + path_of(link))
        page.get_by_role("button", name=re.compile(r"^Sign in")).click()
        # client approvers land on their board (the dashboard sends them there)
        expect(page).to_have_url(live_server + "/review")
        expect(page.get_by_role("heading", name="Waiting for your decision")).to_be_visible()
        card = page.locator(f"#review-{post['id']}")
        expect(card).to_be_visible()
        expect(card.get_by_text("Meet our winter blend ❄")).to_be_visible()
        expect(page.get_by_text("Team only plan")).to_have_count(0)
        # nothing is cut off at 390 px: the page does not scroll sideways
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        approve = card.get_by_role("button", name="Approve")
        approve.scroll_into_view_if_needed()
        expect(approve).to_be_visible()
        approve.click()
        expect(page.locator("#review-notice")).to_have_text(re.compile("Your decision was recorded"))
        expect(page.locator(f"#review-{post['id']}")).to_have_count(0)
        expect(page.locator("#review-empty")).to_be_visible()

        got = body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))
        assert got["status"] == "scheduled"
        history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))
        mine = [d for d in history["decisions"] if d["user_id"] == team["client_approver"].id]
        assert [(d["decision"], d["version"]) for d in mine] == [("approve", 1)]
        assert problems == []
    finally:
        context.close()
