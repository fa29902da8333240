"""The placement checks on the deal's page, through the real app on DynamoDB Local and a fake Telegram preview
on loopback: each deliverable's timeline after the checks ran (planned and done checks, findings, evidence,
what they moved, the penalties with amounts) in English and Russian, and a manager's forms — set the
placement URL (a refused address is a 422 with a person's sentence), run a check now, override a check
(a reason is required), upload evidence with what it proves. A reader sees the timeline, no forms, and is
refused every form (403); a form without its CSRF token is refused too."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import time_machine

from chalicelib.core import i18n
from chalicelib.core.http import csrf
from tests.support.deals_api import new_deal
from tests.support.placements import (
    CHANNEL,
    GOOD_TEXT,
    HOUR,
    checked_deal,
    deliverable,
    payments,
    run_job,
    set_placement,
    utc,
)
from tests.support.web import Browser, csrf_token_in, field_error, html, location, text_of
from tests.support.web import as_user as browser

T0 = utc(2030, 3, 1, 9, 0)  # the deal is made; the post is due a day later (12:00 in Moscow)
DUE = T0 + timedelta(days=1)
URL = f"https://t.me/{CHANNEL}/42"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def section(response, item_id: str) -> str:
    """The deliverable's timeline, as text (Babel's narrow no-break space before AM/PM as a space)."""
    page = html(response)
    start = page.index(f'id="placement-{item_id}"')
    end = page.index("</section>", start)
    return re.sub(r"[ \t\r\n\u202f]+", " ", unescape(re.sub(r"<[^>]+>", " ", page[start:end])))


def name_of(user) -> str:
    from chalicelib.identity import repo as user_repo

    return user_repo.get(user.id).name


def another_deal(client, crew, deal) -> dict:
    """A draft deal with the same blogger: its id does not own the first deal's deliverables and checks."""
    return new_deal(client, crew, deal["influencer_id"])


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes, str] | None) -> tuple[bytes, str]:
    boundary = "----greenlight-test-boundary"
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    if file:
        filename, data, kind = file
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {kind}\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(who: Browser, deal_id: str, item_id: str, fields: list[tuple[str, str]], file, *, token: bool = True):
    page = who.get(f"/deals/{deal_id}")
    data, kind = multipart(([(csrf.FIELD, csrf_token_in(page))] if token else []) + fields, file)
    return who._remember(who.http.request("POST", f"/deals/{deal_id}/deliverables/{item_id}/evidence",
                                          headers=who._headers({"Content-Type": kind}, "POST"), body=data))


def a_signed_deal(client, crew, preview, *, posted_at=None, text=GOOD_TEXT):
    with time_machine.travel(T0, tick=False):
        deal, item = checked_deal(client, crew, DUE)
    if posted_at is not None:
        preview.post(CHANNEL, 42, text, at=posted_at)
    return deal, item


def row(deal, item) -> str:
    return f"/deals/{deal['id']}/deliverables/{item['id']}"


# --- the timeline --------------------------------------------------------------------------------------------

def test_the_timeline_after_a_check_in_english_and_russian(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview, posted_at=DUE + timedelta(minutes=10))
    manager = browser(client, crew["influencer_manager"])
    page = f"/deals/{deal['id']}"
    before = section(manager.get(page), item["id"])
    assert "Placement checks" in before and "No checks yet" in before
    assert "from 30 minutes before to 60 minutes after" in before

    with time_machine.travel(DUE + timedelta(minutes=15), tick=False):
        r = manager.submit(page, f"{row(deal, item)}/placement", {"url": URL})
    assert r.status_code == 303, r.body
    assert location(r) == f"{page}?done=placement_set#deliverable-{item['id']}"
    assert deliverable(item["id"]).url == URL and deliverable(item["id"]).url_source == "manager"
    assert "its checks are planned" in text_of(manager.get(location(r).split("#")[0]))
    summary = run_job(DUE + timedelta(minutes=16))
    assert summary.get("pass") == 1, summary

    with time_machine.travel(DUE + timedelta(minutes=20), tick=False):
        r = manager.get(page)
    assert r.status_code == 200
    shown = section(r, item["id"])
    assert URL in shown and "(given by a manager)" in shown and "Times in Europe/Moscow." in shown
    assert "Mar 2, 2030, 12:00" in shown  # the agreed time, in the deliverable's zone
    assert "First found Mar 2, 2030, 12:16" in shown and "Latest result Passed" in shown
    assert "First check Mar 2, 2030, 12:16 PM Passed" in shown
    assert "Placement status Planned → Being checked" in shown
    assert re.search(r"Random check: still up\? \d+ checks at random moments until Mar 3, 2030", shown)
    assert "End of the agreed time planned for Mar 3, 2030" in shown and "Metrics after 24 hours" in shown
    page_html = html(r)
    evidence = re.search(r'<a href="([^"]+)" class="evidence-link" download>Download</a>', page_html)
    assert evidence and "/files/" in evidence.group(1)
    assert re.search(r"SHA-256 [0-9a-f]{12}…", shown) and "HTTP 200" in shown

    russian = browser(client, crew["russian_manager"])
    with time_machine.travel(DUE + timedelta(minutes=20), tick=False):
        shown = section(russian.get(page), item["id"])
    assert "Проверки размещения" in shown and "Первая проверка" in shown and "Пройдена" in shown
    assert "(от менеджера)" in shown and "Запланировано → На проверке" in shown
    assert re.search(r"Случайная проверка: ещё висит\? \d+ провер(ки|ок) в случайные моменты", shown)
    assert "2 мар. 2030" in shown and "Скачать" in shown


def test_a_late_post_shows_what_it_moved_the_penalty_and_the_hold(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview, posted_at=DUE + timedelta(minutes=60 + 87))
    with time_machine.travel(DUE + 3 * HOUR - timedelta(minutes=5), tick=False):
        assert set_placement(client, crew, item["id"], URL).status_code == 200
    run_job(DUE + 3 * HOUR)
    manager = browser(client, crew["influencer_manager"])
    for who, words in (("influencer_manager", ("Published too late", "Late publication", "15,000.00",
                                               "put on hold", "Failed")),
                       ("russian_manager", ("Опубликовано слишком поздно", "15\u00a0000,00", "приостановлены",
                                            "Не пройдена"))):
        shown = section(browser(client, crew[who]).get(f"/deals/{deal['id']}"), item["id"])
        for word in words:
            assert word in shown, (who, word, shown)
    shown = section(manager.get(f"/deals/{deal['id']}"), item["id"])
    assert "minutes_late = 87" in shown  # the penalty's inputs


# --- the forms -------------------------------------------------------------------------------------------------

def test_setting_the_url_refused_and_accepted(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview)
    manager = browser(client, crew["influencer_manager"])
    page = f"/deals/{deal['id']}"
    r = manager.submit(page, f"{row(deal, item)}/placement", {"url": "http://127.0.0.1:22/x"})
    assert r.status_code == 422
    assert field_error(r, f"placement-{item['id']}", "url").startswith("This address cannot be checked")
    assert 'value="http://127.0.0.1:22/x"' in html(r)  # the value kept
    assert deliverable(item["id"]).url is None and preview.hits() == {}
    r = manager.submit(page, f"{row(deal, item)}/placement", {"url": "https://t.me/anna_tg"})
    assert r.status_code == 422 and "does not point at a post" in field_error(r, f"placement-{item['id']}", "url")
    r = manager.submit(page, f"{row(deal, item)}/placement", {"url": ""})
    assert r.status_code == 422 and field_error(r, f"placement-{item['id']}", "url") == "Fill this in."
    russian = browser(client, crew["russian_manager"])
    r = russian.submit(page, f"{row(deal, item)}/placement", {"url": "ftp://example.com/x"})
    assert r.status_code == 422
    assert field_error(r, f"placement-{item['id']}", "url") == \
        i18n.translate("placements.page.error.url_invalid", "ru")
    r = manager.submit(page, f"{row(deal, item)}/placement", {"url": URL})
    assert r.status_code == 303 and deliverable(item["id"]).url == URL
    other = another_deal(client, crew, deal)
    r = manager.submit(page, f"/deals/{other['id']}/deliverables/{item['id']}/placement", {"url": URL})
    assert r.status_code == 404  # a deliverable of another deal


def test_a_check_now_and_its_override_with_a_reason(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview, posted_at=DUE + timedelta(minutes=5))
    manager = browser(client, crew["influencer_manager"])
    page = f"/deals/{deal['id']}"
    r = manager.submit(page, f"{row(deal, item)}/checks", {})
    assert r.status_code == 409 and "Set the placement URL first." in text_of(r)
    with time_machine.travel(DUE + timedelta(minutes=20), tick=False):
        assert set_placement(client, crew, item["id"], URL).status_code == 200
        r = manager.submit(page, f"{row(deal, item)}/checks", {})
        assert r.status_code == 303 and location(r) == f"{page}?done=check_run#deliverable-{item['id']}"
        shown = section(manager.get(page), item["id"])
    assert "Checked on request Mar 2, 2030, 12:20 PM Passed" in shown
    from chalicelib.placements import repo

    [done] = [c for c in repo.of_deliverable(item["id"]) if c.kind == "now"]
    assert done.result == "pass" and preview.hits(f"/{CHANNEL}/42") >= 1

    with time_machine.travel(DUE + timedelta(minutes=30), tick=False):
        r = manager.submit(page, f"{page}/checks/{done.id}/override", {"result": "fail", "reason": " "})
        assert r.status_code == 422 and field_error(r, f"override-{done.id}", "reason") == "Fill this in."
        assert re.search(r'<details class="add-form" open>\s*<summary>Override the result', html(r))
        r = manager.submit(page, f"{page}/checks/{done.id}/override", {"result": "maybe", "reason": "x"})
        assert r.status_code == 422 and field_error(r, f"override-{done.id}", "result")
        r = manager.submit(page, f"{page}/checks/{done.id}/override",
                           {"result": "fail", "reason": "The promo code is only in the picture"})
        assert r.status_code == 303 and "done=check_overridden" in location(r)
        shown = section(manager.get(page), item["id"])
    assert "Overridden by" in shown and name_of(crew["influencer_manager"]) in shown
    assert "The promo code is only in the picture" in shown and "(the check said: Passed)" in shown
    assert deliverable(item["id"]).status == "nonconforming"
    assert any(p.status == "on_hold" for p in payments(deal["id"]))
    r = manager.submit(page, f"{page}/checks/{done.id}/override", {"result": "fail", "reason": "again"})
    assert r.status_code == 409 and "The check has this result already." in text_of(r)
    assert manager.submit(page, f"{page}/checks/nope/override", {"result": "pass", "reason": "x"}).status_code == 404
    other = another_deal(client, crew, deal)
    r = manager.submit(page, f"/deals/{other['id']}/checks/{done.id}/override", {"result": "pass", "reason": "x"})
    assert r.status_code == 404  # the check of another deal


def test_evidence_uploaded_with_what_it_proves(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview)
    manager = browser(client, crew["influencer_manager"])
    page = manager.get(f"/deals/{deal['id']}")
    shown = section(page, item["id"])
    for thing in ("The post is there", "It went out on time", "The promo code", "The word «Реклама»", "The erid token"):
        assert thing in shown
    at = DUE + timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        r = upload(manager, deal["id"], item["id"], [("rules", "found"), ("rules", "on_time")], ("x.txt", b"hello",
                                                                                                   "text/plain"))
        assert r.status_code == 422 and field_error(r, f"evidence-{item['id']}", "file").startswith("Upload a PNG")
        assert 'value="found" checked' in html(r)  # the ticks kept
        r = upload(manager, deal["id"], item["id"], [("rules", "found"), ("published_at", "2031-01-01T10:00")],
                   ("shot.png", PNG, "image/png"))
        assert r.status_code == 422
        assert field_error(r, f"evidence-{item['id']}", "published_at") == \
            "The placement cannot have gone out in the future."
        r = upload(manager, deal["id"], item["id"], [("rules", "found"), ("rules", "teleport")],
                   ("shot.png", PNG, "image/png"))
        assert r.status_code == 422
        fields = [("rules", r) for r in ("found", "on_time", "promo_code", "ad_label", "advertiser", "erid")]
        r = upload(manager, deal["id"], item["id"], fields + [("published_at", "2030-03-02T12:05"),
                                                              ("note", "Story, frame at 0:03")],
                   ("shot.png", PNG, "image/png"))
        assert r.status_code == 303, r.body
        assert location(r) == f"/deals/{deal['id']}?done=evidence_uploaded#deliverable-{item['id']}"
        shown = section(manager.get(f"/deals/{deal['id']}"), item["id"])
    got = deliverable(item["id"])
    assert got.status in ("published", "monitoring") and got.published_at.startswith("2030-03-02T09:05")
    assert "Evidence uploaded by a person" in shown and "Passed" in shown
    assert "Confirmed The post is there, It went out on time, The promo code" in shown
    assert f"Uploaded by {name_of(crew['influencer_manager'])}" in shown and "Story, frame at 0:03" in shown
    assert re.search(r"SHA-256 [0-9a-f]{12}…", shown)


def test_a_reader_sees_the_timeline_and_no_forms(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview, posted_at=DUE + timedelta(minutes=5))
    with time_machine.travel(DUE + timedelta(minutes=10), tick=False):
        assert set_placement(client, crew, item["id"], URL).status_code == 200
    run_job(DUE + timedelta(minutes=11))
    from chalicelib.placements import repo

    [done] = [c for c in repo.of_deliverable(item["id"]) if c.state == "done"]
    page = f"/deals/{deal['id']}"
    for who in ("content_manager", "finance"):
        reader = browser(client, crew[who])
        r = reader.get(page)
        assert r.status_code == 200
        shown = section(r, item["id"])
        assert "First check" in shown and "Passed" in shown and 'class="evidence-link"' in html(r)
        assert 'action="/deals/' not in html(r) and "Check now" not in shown and "Override the result" not in shown
        for action, data in ((f"{row(deal, item)}/placement", {"url": URL}), (f"{row(deal, item)}/checks", {}),
                             (f"{page}/checks/{done.id}/override", {"result": "fail", "reason": "x"})):
            assert reader.submit(page, action, data).status_code == 403, (who, action)
        assert upload(reader, deal["id"], item["id"], [("rules", "found")], ("s.png", PNG, "image/png")).status_code \
            == 403
    assert deliverable(item["id"]).url == URL and deliverable(item["id"]).status == "monitoring"
    assert [c.id for c in repo.of_deliverable(item["id"]) if c.state == "done"] == [done.id]  # nothing ran


def test_a_form_without_its_csrf_token_is_refused(client, crew, preview):
    deal, item = a_signed_deal(client, crew, preview)
    manager = browser(client, crew["influencer_manager"])
    manager.get(f"/deals/{deal['id']}")  # the CSRF cookie
    r = manager.post(f"{row(deal, item)}/placement", {"url": URL})
    assert r.status_code == 403
    r = manager.post(f"{row(deal, item)}/placement", {"url": URL, csrf.FIELD: "forged"})
    assert r.status_code == 403
    r = upload(manager, deal["id"], item["id"], [("rules", "found")], ("s.png", PNG, "image/png"), token=False)
    assert r.status_code == 403
    assert deliverable(item["id"]).url is None and deliverable(item["id"]).status == "planned"


def test_every_key_the_timeline_builds_exists_in_both_languages():
    from chalicelib.placements.timeline import translation_keys

    for language in i18n.LANGUAGES:
        assert sorted(k for k in translation_keys() if k not in i18n.catalog(language)) == []
