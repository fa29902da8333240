"""An SMM manager opens a campaign's page in Debian's Chromium (against the shared `chalice local`): the
totals, targets and blogger tables are there, every chart is a visible SVG image followed by its data table,
the CSV download works, the page raises no console errors and fits a 390 px phone."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import DESKTOP, PHONE, open_as

CHARTS = ("chart-budget", "chart-views", "chart-clicks", "chart-conversions", "chart-revenue", "chart-spend")


@pytest.fixture
def crew(make_user):
    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Moscow")
    return {"brand": brand, "smm_manager": make_user("smm_manager", brand=brand)}


def test_the_campaign_page_shows_its_report_and_downloads_the_csv(live_server, outbox, chromium, crew):
    from playwright.sync_api import expect

    from tests.support.campaign_reports import seed_report

    seeded = seed_report(crew)
    campaign = seeded["campaign"]
    context, page = open_as(chromium, live_server, outbox, crew["smm_manager"], f"/campaigns/{campaign.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(campaign.name)
    expect(page.locator("#kpi-cpm")).to_contain_text("not every paid publication reports impressions")
    expect(page.locator("#kpi-cpc")).to_have_text("RUB\u00a0304.15")
    expect(page.locator("#total-clicks")).to_have_text("600")
    expect(page.locator("#targets")).to_be_visible()
    expect(page.locator("#target-clicks")).to_contain_text("Clicks")
    expect(page.locator("#bloggers-table")).to_contain_text("Анна готовит")
    expect(page.locator("#bloggers-table")).to_contain_text("Passed with warnings")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for chart in CHARTS:
            image = page.locator(f"#{chart} svg[role=img]")
            expect(image).to_be_visible()
            box = image.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 60, (chart, size, box)
            expect(page.locator(f"#{chart}-data")).to_be_attached()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{width}px wide on a {size['width']}px screen"
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("img", name="Spend so far by ISO week against the budget")).to_be_visible()
    page.locator("#chart-budget + details summary, #chart-budget ~ details summary").first.click()
    expect(page.locator("#chart-budget-data")).to_contain_text("2026-W49")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    data = Path(download.value.path()).read_bytes().decode("utf-8")
    assert data.startswith("\ufeffSection,ID,Name,Metric")
    assert "kpis,,,cpc,CPC,304.15,RUB" in data and "kpis,,,cpm,CPM,," in data
    assert page.get_by_role("link", name="Download PDF").get_attribute("href").endswith(
        f"/v1/campaigns/{campaign.id}/report.pdf")
    assert page.problems == []
    context.close()
