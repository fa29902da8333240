"""An influencer manager agrees a deal through the pages in Debian's Chromium against a real `chalice
local`: creates the deal with its terms and payment schedule, adds a Telegram deliverable, makes the
contract, downloads its PDF (read back with pypdf: the contract number is in it), sends the deal,
uploads the signed copy (the PDF just downloaded) and sees the deal signed — in English, then in
Russian. The pages raise no console errors (a Content-Security-Policy violation would) and fit a
390 px phone."""
from __future__ import annotations

import io
import json
import re

import requests

from tests.support.browser import DESKTOP, PHONE, open_as
from tests.support.influencers import VALID_INN_COMPANY


def fits_phone(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width}px wide on a {PHONE['width']}px phone"
    page.set_viewport_size(DESKTOP)


def squeeze(text: str) -> str:
    return "".join(text.split())


def an_influencer_with_a_channel(live_server: str, brand_id: str, manager) -> str:
    headers = {"Authorization": f"Bearer {manager.token}", "Content-Type": "application/json"}
    r = requests.post(f"{live_server}/v1/brands/{brand_id}/influencers", headers=headers, timeout=10,
                      data=json.dumps({"display_name": "Anna Cooks", "country": "RU", "legal_type": "self_employed",
                                       "legal_name": "Анна Петрова"}))
    assert r.status_code == 201, r.text
    influencer = r.json()
    r = requests.post(f"{live_server}/v1/influencers/{influencer['id']}/accounts", headers=headers, timeout=10,
                      data=json.dumps({"platform": "telegram", "handle": "@anna_tg", "followers": 5000}))
    assert r.status_code == 201, r.text
    return influencer["id"]


def test_a_deal_from_the_form_to_its_signed_contract(live_server, outbox, make_user, chromium, tmp_path):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Moscow")
    manager = make_user("influencer_manager", brand=brand)
    influencer_id = an_influencer_with_a_channel(live_server, brand.id, manager)

    context, page = open_as(chromium, live_server, outbox, manager, f"/brands/{brand.id}/deals")
    expect(page.get_by_role("heading", name="Deals", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Deals", exact=True)).to_have_attribute("aria-current", "page")
    fits_phone(page)

    # the deal, through its form
    page.get_by_role("link", name="New deal").click()
    expect(page.get_by_role("heading", name="New deal")).to_be_visible()
    page.get_by_label("Influencer").select_option(influencer_id)
    page.get_by_label("Title").fill("Autumn launch")
    page.get_by_label("Advertiser's legal name").fill("ООО Ромашка")
    page.get_by_label("Advertiser's INN").fill(VALID_INN_COMPANY)
    page.get_by_label("Fee", exact=True).fill("150000")
    page.get_by_label("Required hashtags").fill("#ad\n#autumn")
    page.get_by_label(re.compile(r"^Stays live at least")).fill("48")
    fits_phone(page)
    page.get_by_role("button", name="Create the deal").click()
    expect(page.get_by_role("heading", name="Autumn launch")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The deal is created. Now add its deliverables.")
    expect(page.locator("#deal-status")).to_have_text("Draft")
    expect(page.locator("#deal-fee")).to_have_text("RUB\u00a0150,000.00")
    number = page.locator(".chip", has_text="Contract ").first.inner_text().removeprefix("Contract ").strip()
    assert re.fullmatch(r"GL-\d{4}-\d{4}", number), number

    # one deliverable
    page.get_by_role("link", name="Add a deliverable").click()
    page.get_by_label("Account").select_option(label="Telegram · @anna_tg")
    page.get_by_label("Format").select_option("tg_post")
    page.get_by_label("Goes live at").fill("2030-03-02T12:00")
    page.get_by_role("button", name="Add the deliverable").click()
    expect(page.get_by_role("status")).to_have_text("The deliverable is added.")
    expect(page.locator("#deliverables")).to_contain_text("Mar 2, 2030")
    expect(page.locator("#deliverables")).to_contain_text("@anna_tg")

    # the contract: made, downloaded and read back
    page.get_by_role("button", name="Make the contract").click()
    expect(page.get_by_role("status")).to_have_text("The contract is made.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Contract, version 1 (PDF)").click()
    pdf_path = tmp_path / "contract.pdf"
    download.value.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert squeeze(number) in squeeze(text) and "Ромашка" in text
    fits_phone(page)

    # sent, then signed by uploading the signed copy
    page.get_by_role("button", name="Send to the blogger").click()
    expect(page.locator("#deal-status")).to_have_text("Sent")
    page.locator("#signed-file").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Upload the signed copy").click()
    expect(page.get_by_role("status")).to_have_text("The signed copy is uploaded: the deal is signed.")
    expect(page.locator("#deal-status")).to_have_text("Signed")
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("#deal-status")).to_have_text("Подписана")
    expect(page.locator("#deal-fee")).to_have_text("150\u00a0000,00\u00a0₽")
    fits_phone(page)
    assert page.problems == []
    context.close()
