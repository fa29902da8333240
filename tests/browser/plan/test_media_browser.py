"""Media on a post in Debian's Chromium against a real `chalice local` (local file store): a copywriter
uploads two images through the form's file picker, gives alt text, reorders and saves; the images are
there when the post is edited again at 390 px (a third one dropped in, two removed there); the calendar chip shows the
thumbnail and the post page the images; approved through the API, the sweep (run here) sends the photo to the fake Telegram."""
from __future__ import annotations

import json

from tests.support import media_files
from tests.support.browser import PHONE, open_as
from tests.support.posts import body, call

TG_TOKEN = "123456:TEST-token"


def loaded(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_upload_alt_reorder_save_calendar_and_publish(client, team, live_server, outbox, chromium, monkeypatch):
    from playwright.sync_api import expect

    from chalicelib.content import repo as post_repo
    from chalicelib.core import files
    from chalicelib.core.settings import reset_settings
    from chalicelib.publishing import sweep as publish_sweep
    from tests.support.fake_telegram import FakeTelegram

    brand_id = team["brand"].id
    red, blue = media_files.png(16, 16, (220, 30, 30)), media_files.png(16, 16, (30, 30, 220))
    context, page = open_as(chromium, live_server, outbox, team["copywriter"], f"/posts/new?brand_id={brand_id}")
    expect(page.locator("[data-media-noscript]")).to_be_hidden()  # the script took over
    page.locator("#post-title").fill("Latte art")
    page.locator("#post-body").fill("Two new cups")
    page.locator(f"input[name=channel_ids][value='{team['tg']}']").check()
    page.evaluate("window.changes = []; document.querySelector('form.post-form').addEventListener("
                  "'media:change', e => window.changes.push(e.detail.map(m => m.name)))")
    page.locator("[data-media-input]").set_input_files([
        {"name": "red.png", "mimeType": "image/png", "buffer": red},
        {"name": "blue.png", "mimeType": "image/png", "buffer": blue}])
    items = page.locator(".media-list [data-media-item]")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".media-name")).to_have_text("red.png")
    expect(items.nth(1).locator("img")).to_be_visible()
    page.wait_for_function("[...document.querySelectorAll('.media-thumb img')].every(i => i.complete && i.naturalWidth > 0)")
    items.nth(0).get_by_label("Alt text (what the image shows)").fill("A red cup")
    items.nth(1).get_by_label("Alt text (what the image shows)").fill("A blue cup")
    items.nth(1).get_by_role("button", name="Move up").click()
    expect(items.nth(0).locator(".media-name")).to_have_text("blue.png")
    changes = page.evaluate("window.changes")  # media:change on the form, detail = the items in order
    assert changes[0] == ["red.png"] and changes[1] == ["red.png", "blue.png"] and changes[-1] == ["blue.png", "red.png"]
    values = [json.loads(v) for v in page.locator("input[name=media]").evaluate_all("els => els.map(e => e.value)")]
    assert [(v["name"], v["alt"]) for v in values] == [("blue.png", "A blue cup"), ("red.png", "A red cup")]
    page.get_by_role("button", name="Create post").click()
    expect(page.get_by_role("status")).to_have_text("The post is created.")
    gallery = page.locator("#content .media-gallery img")  # the post page shows them, in order, with alt
    expect(gallery).to_have_count(2)
    expect(gallery.nth(0)).to_have_attribute("alt", "A blue cup")
    page.wait_for_function("[...document.querySelectorAll('.media-gallery img')].every(i => i.complete && i.naturalWidth > 0)")
    post_id = page.url.replace(live_server, "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    stored = [dict(m) for m in post_repo.get(post_id, consistent=True).media]
    assert [(m["name"], m["alt"], m["type"], m["size"]) for m in stored] == [
        ("blue.png", "A blue cup", "image/png", len(blue)), ("red.png", "A red cup", "image/png", len(red))]
    assert [files.get(m["key"])[0] for m in stored] == [blue, red]
    assert page.problems == []
    context.close()

    # at 390 px: the editor shows both, fits the width; one is removed and the post saved again
    context, page = open_as(chromium, live_server, outbox, team["copywriter"], f"/posts/{post_id}/edit")
    page.set_viewport_size(PHONE)
    items = page.locator(".media-list [data-media-item]")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator("img")).to_have_attribute("alt", "A blue cup")
    page.wait_for_function("[...document.querySelectorAll('.media-thumb img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # a file dropped on the editor is uploaded too (a synthetic drop with a real File)
    page.evaluate("""bytes => {
        const file = new File([new Uint8Array(bytes)], 'green.png', {type: 'image/png'});
        const data = new DataTransfer(); data.items.add(file);
        document.querySelector('[data-media-drop]').dispatchEvent(
            new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    }""", list(media_files.png(16, 16, (30, 200, 30))))
    expect(items).to_have_count(3)
    expect(items.nth(2).locator(".media-name")).to_have_text("green.png")
    # a pasted image too; a file that is no image is refused in the page's words, nothing uploaded
    page.evaluate("""bytes => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', {type: 'image/png'}));
        document.querySelector('#post-body').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", list(media_files.png(16, 16, (200, 200, 30))))
    expect(items).to_have_count(4)
    page.locator("[data-media-input]").set_input_files(
        [{"name": "menu.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 menu"}])
    expect(page.locator("[data-media-status]")).to_contain_text("menu.pdf: not an image or video we can post")
    expect(items).to_have_count(4)
    items.nth(3).get_by_role("button", name="Remove").click()
    items.nth(2).get_by_role("button", name="Remove").click()
    items.nth(1).get_by_role("button", name="Remove").click()
    expect(items).to_have_count(1)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Latte art")).to_be_visible()
    post = post_repo.get(post_id, consistent=True)
    assert [m["alt"] for m in post.media] == ["A blue cup"]
    assert page.problems == []
    context.close()

    # schedule it; the calendar chip shows the thumbnail (desktop and phone list)
    r = call(client, "patch", f"/v1/posts/{post_id}", team["copywriter"],
             {"version": int(post.version), "publish_at": "2026-12-01T10:00"})
    assert r.status_code == 200, r.body
    context, page = open_as(chromium, live_server, outbox, team["smm_manager"],
                            f"/calendar?brand_id={brand_id}&date=2026-12-01")
    thumb = page.locator('.cal-day[data-date="2026-12-01"] img.post-chip-thumb')
    expect(thumb).to_have_attribute("alt", "A blue cup")
    page.wait_for_function("[...document.querySelectorAll('img.post-chip-thumb')].every(i => i.complete && i.naturalWidth > 0)")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []
    context.close()

    # approved and published: the photo goes to the fake Telegram as an upload
    fake = FakeTelegram(tokens={TG_TOKEN}).start()
    try:
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.url)
        monkeypatch.setenv("GL_BRAND_MEDIA_TG_TOKEN", TG_TOKEN)
        reset_settings()
        r = call(client, "patch", f"/v1/channels/{team['tg']}", team["smm_manager"],
                 {"credentials_ref": "env:GL_BRAND_MEDIA_TG_TOKEN"})
        assert r.status_code == 200, r.body
        assert call(client, "post", f"/v1/posts/{post_id}/submit", team["copywriter"]).status_code == 200
        version = body(call(client, "get", f"/v1/posts/{post_id}", team["copywriter"]))["version"]
        for who in ("content_manager", "smm_manager"):
            r = call(client, "post", f"/v1/posts/{post_id}/decisions", team[who], {"version": version, "decision": "approve"})
            assert r.status_code == 200, r.body
        from datetime import UTC, datetime

        at = datetime.fromisoformat(body(r)["publish_at_utc"].replace("Z", "+00:00")).astimezone(UTC)
        publish_sweep.run(at.replace(second=30), rate_limits=False)
        [photo] = fake.sent("sendPhoto")
        assert fake.uploads(photo)["photo"].data == blue and photo.body["caption"] == "Two new cups"
    finally:
        fake.stop()
        monkeypatch.undo()
        reset_settings()
