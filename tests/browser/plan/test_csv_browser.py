"""The CSV round trip from the UI in Debian's Chromium against a real `chalice local`, at desktop width and
at 390 px: download the plan on /calendar/csv, upload the very same file, see every row "unchanged" and
0 errors — with a published post, a draft without channels and two posts with the same text in the plan.
Then a changed file with a problem in two rows: nothing imported, both problems listed."""
from __future__ import annotations

import json

import requests

from tests.support.browser import DESKTOP, PHONE, open_as


def _plan(live_server, brand, smm) -> dict:
    api = f"{live_server}/v1"
    headers = {"Authorization": f"Bearer {smm.token}", "Content-Type": "application/json"}

    def post(path, data):
        r = requests.post(f"{api}{path}", headers=headers, timeout=10, data=json.dumps(data))
        assert r.status_code in (200, 201), r.text
        return r.json()

    tg = post(f"/brands/{brand.id}/channels", {"platform": "telegram", "name": "Main TG", "external_id": "@acme"})["id"]
    x = post(f"/brands/{brand.id}/channels", {"platform": "x", "name": "X"})["id"]
    made = {}
    for name, fields in {
        "published": {"title": "Went out", "channel_ids": [tg], "publish_at": "2026-12-02T10:00"},
        "no_channels": {"title": "Idea, no channel yet", "body": "Later"},
        "twin_a": {"title": "", "body": "Same words, \"quoted\"\nand a second line", "channel_ids": [tg],
                   "publish_at": "2026-12-03T09:00"},
        "twin_b": {"title": "", "body": "Same words, \"quoted\"\nand a second line", "channel_ids": [tg],
                   "publish_at": "2026-12-03T09:00"},
        "formula": {"title": "=SUM(A1)", "body": "Кофе и круассаны", "channel_ids": [tg, x],
                    "tags": ["осень", "menu"], "publish_at": "2026-12-04T18:30"},
    }.items():
        made[name] = post("/posts", {"brand_id": brand.id, "body": "Text", **fields})
    from chalicelib.content import repo as post_repo
    from chalicelib.content.models import PostItem
    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    post_repo.get(made["published"]["id"], consistent=True).update(actions=[PostItem.status.set("published")])
    return {"tg": tg, "x": x, **made}


def _round_trip(page, live_server, brand, tmp_path, width: str) -> str:
    from playwright.sync_api import expect

    page.goto(f"{live_server}/calendar/csv?brand_id={brand.id}")
    expect(page.get_by_role("heading", name="Content plan as CSV")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / f"plan-{width}.csv"
    info.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,title,body,channels")
    page.get_by_label("CSV file").set_input_files(str(saved))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-summary")).to_have_text("Imported: 0 created, 0 updated, 5 unchanged, 0 errors.")
    expect(page.locator("#import-rows tbody tr")).to_have_count(5)
    expect(page.locator("#import-rows tbody tr.outcome-unchanged")).to_have_count(5)
    return data.decode("utf-8")


def test_csv_round_trip_from_the_ui_desktop_and_phone(live_server, outbox, make_user, chromium, tmp_path):
    from playwright.sync_api import expect

    from tests.support.factories import make_brand

    brand = make_brand(timezone="Europe/Berlin")
    smm = make_user("smm_manager", brand=brand)
    made = _plan(live_server, brand, smm)

    context, page = open_as(chromium, live_server, outbox, smm, f"/calendar/csv?brand_id={brand.id}")
    text = _round_trip(page, live_server, brand, tmp_path, "desktop")
    assert "published" in text and "=SUM(A1)" in text
    assert page.problems == []

    page.set_viewport_size(PHONE)
    again = _round_trip(page, live_server, brand, tmp_path, "phone")
    assert again == text  # the import wrote nothing
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for name in ("Download CSV", "Import"):  # the buttons fit the phone's width (no sideways scrolling)
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # a file with two problems (a network limit and a bad zone): nothing imported, both listed
    lines = text.lstrip("\ufeff").split("\r\n")
    bad = "\r\n".join(lines[:-1] + [f",Too long for X,{'x' * 300},{made['x']},,,,,,,,,",
                                    ",Bad zone,Text,,,,Mars/Base,,,,,,", ""])
    broken = tmp_path / "broken.csv"
    broken.write_text(bad, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(broken))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing was imported: 2 problem(s) in 2 row(s)")
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("allows 280")
    expect(rows.nth(1)).to_contain_text("Mars/Base")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    assert [p for p in page.problems if "status of 422" not in p] == []  # the refused file's page is a 422
    context.close()
