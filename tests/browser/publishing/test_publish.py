"""A published post in Debian's Chromium against a real `chalice local`: a post on the team's manual
"x" channel is approved through the API, the sweep (run here, on the same DynamoDB Local) hands it to
a person, they mark it published with its link, and the brand's calendar shows the post as published
with a link to the live post — in the month grid and in the list a phone sees."""
from __future__ import annotations

from datetime import UTC, datetime

from tests.support.browser import PHONE, open_as
from tests.support.posts import body, call, new_post

LIVE_URL = "https://x.com/acme/status/1864"


def test_the_calendar_links_a_published_post_to_its_live_post(client, team, live_server, outbox, chromium):
    from playwright.sync_api import expect

    from chalicelib.publishing import repo as target_repo
    from chalicelib.publishing import sweep as publish_sweep

    post = new_post(client, team, title="Winter menu", channel_ids=[team["x"]], publish_at="2026-12-01T10:00")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    for who in ("content_manager", "smm_manager"):
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who], {"version": 1, "decision": "approve"})
        assert r.status_code == 200, r.body
    assert body(r)["status"] == "scheduled"
    publish_at = datetime.fromisoformat(body(r)["publish_at_utc"].replace("Z", "+00:00")).astimezone(UTC)
    publish_sweep.run(publish_at.replace(second=30), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "publishing" and target.manual
    r = call(client, "post", f"/v1/targets/{target.id}/mark-published", team["smm_manager"], {"url": LIVE_URL})
    assert r.status_code == 200, r.body

    context, page = open_as(chromium, live_server, outbox, team["smm_manager"],
                            f"/calendar?brand_id={team['brand'].id}&date=2026-12-01")
    cell = page.locator('.cal-day[data-date="2026-12-01"]')
    expect(cell.locator(".post-chip.status-published")).to_contain_text("Winter menu")
    expect(cell.locator(".post-chip.status-published")).to_contain_text("Published")
    live = cell.get_by_role("link", name="Live on X")
    expect(live).to_have_attribute("href", LIVE_URL)
    expect(live).to_have_attribute("target", "_blank")
    expect(live).to_have_attribute("rel", "noopener noreferrer")

    page.set_viewport_size(PHONE)
    expect(page.locator(".cal-grid")).to_be_hidden()
    expect(page.locator("#list").get_by_role("link", name="Live on X")).to_have_attribute("href", LIVE_URL)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("#list .post-chip").click()  # the post page: its Publishing section says the same
    section = page.locator("#publishing")
    expect(section.locator(".status-badge.status-published")).to_have_text("Published")
    expect(section.get_by_role("link", name="Open the live post")).to_have_attribute("href", LIVE_URL)
    assert page.problems == []
    context.close()
