"""A placement's checks end to end: the URL set through the API plans them, the job runs them against
a fake Telegram preview on loopback, and the results move the deliverable and the money — the right
findings, statuses and adjustment amounts for posts that are on time, late, unmarked, with a wrong-case
erid, deleted early, edited to drop the promo code, or never published."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine

from tests.support.influencers import VALID_INN_COMPANY
from tests.support.mail import messages
from tests.support.placements import (
    CHANNEL,
    ERID,
    GOOD_TEXT,
    HOUR,
    adjustments,
    checked_deal,
    checks_of,
    deliverable,
    payments,
    run_job,
    set_placement,
    utc,
)
from tests.support.posts import body, call

T0 = utc(2030, 3, 1, 9, 0)  # the deal is made; the post is due a day later
DUE = T0 + timedelta(days=1)
FEE_MINOR = 15_000_000  # 150 000.00 RUB, one deliverable: its share is the whole fee
URL = f"https://t.me/{CHANNEL}/42"


def _setup(client, crew, preview, *, at, text=GOOD_TEXT, **deal_fields):
    with time_machine.travel(T0, tick=False):
        deal, item = checked_deal(client, crew, DUE, **deal_fields)
    if text is not None:
        preview.post(CHANNEL, 42, text, at=at)
    with time_machine.travel(at + timedelta(minutes=5), tick=False):
        r = set_placement(client, crew, item["id"], URL)
        assert r.status_code == 200, r.body
    return deal, item


def _done(client, crew, item_id):
    return [c for c in checks_of(client, crew, item_id) if c["state"] == "done"]


def _rules(check) -> dict:
    return {f["rule"]: f for f in check["findings"]}


def _run_now(client, crew, item_id, at):
    with time_machine.travel(at, tick=False):
        r = call(client, "post", f"/v1/deliverables/{item_id}/checks", crew["influencer_manager"])
    assert r.status_code == 201, r.body
    return body(r)


def test_on_time_post_passes_and_is_monitored_then_fulfilled(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE + timedelta(minutes=10))
    summary = run_job(DUE + timedelta(minutes=16))
    assert summary.get("pass") == 1, summary
    got = deliverable(item["id"])
    assert got.status == "monitoring" and got.found_at and got.text_hash and got.check_result == "pass"
    assert got.published_at.startswith("2030-03-02T09:10")  # the time the page shows, not the check's
    checks = checks_of(client, crew, item["id"])
    done = [c for c in checks if c["state"] == "done"]
    assert done[0]["result"] == "pass" and done[0]["evidence"]["sha256"] and done[0]["evidence"]["download"]
    assert done[0]["moved"] == {"from": "planned", "to": "monitoring"}
    kinds = sorted(c["kind"] for c in checks if c["state"] == "planned")
    assert kinds.count("retention") == 8 and "final" in kinds and "metrics_24h" in kinds and "window_end" in kinds
    summary = run_job(DUE + timedelta(hours=25))
    assert deliverable(item["id"]).status == "fulfilled", summary
    assert not adjustments(deal["id"])
    metrics = [c for c in _done(client, crew, item["id"]) if c["kind"] == "metrics_24h"]
    assert metrics and metrics[0]["observed"]["views"] == 1200


def test_late_post_is_charged_by_the_started_hour_and_holds_the_payments(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE + timedelta(minutes=60 + 87))
    run_job(DUE + 3 * HOUR)
    check = _done(client, crew, item["id"])[0]
    assert check["result"] == "fail" and _rules(check)["too_late"]["actual"] == "147 min after"
    line = adjustments(deal["id"])["late"]
    assert line.inputs["minutes_late"] == 87 and line.inputs["hours_started"] == 2
    assert int(line.amount_minor) == -FEE_MINOR * 10 // 100  # 5 %/h × 2 started hours
    assert deliverable(item["id"]).status == "monitoring"  # lateness is settled in money, not status
    held = [p for p in payments(deal["id"]) if p.status == "on_hold"]
    assert held and all("check_failed" in p.holds for p in held)


def test_post_without_the_ad_label_is_nonconforming_and_the_owner_is_told(client, crew, preview, outbox):
    text = GOOD_TEXT.replace("Реклама. ", "")
    deal, item = _setup(client, crew, preview, at=DUE, text=text)
    run_job(DUE + timedelta(minutes=6))
    check = _done(client, crew, item["id"])[0]
    assert check["result"] == "fail" and "ad_label_missing" in _rules(check)
    assert deliverable(item["id"]).status == "nonconforming"
    assert "missing_elements" not in adjustments(deal["id"])  # the label is the law's, not a contract element
    mails = [m for m in messages(outbox) if m["To"] == crew["influencer_manager"].email]
    assert any("failed its check" in m["Subject"] for m in mails)


def test_latin_p_in_the_label_is_not_the_label(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE, text=GOOD_TEXT.replace("Реклама", "Pеклама"))
    run_job(DUE + timedelta(minutes=6))
    finding = _rules(_done(client, crew, item["id"])[0])["ad_label_missing"]
    assert "Latin" in finding["actual"]


def test_erid_in_another_case_is_a_mismatch(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE, text=GOOD_TEXT.replace(ERID, ERID.lower()))
    run_job(DUE + timedelta(minutes=6))
    finding = _rules(_done(client, crew, item["id"])[0])["erid_mismatch"]
    assert finding["severity"] == "fail" and ERID in finding["expected"]
    assert deliverable(item["id"]).status == "nonconforming"


def test_post_deleted_after_two_hours_of_24_refunds_22_24ths(client, crew, preview, outbox):
    deal, item = _setup(client, crew, preview, at=DUE)
    run_job(DUE + timedelta(minutes=6))
    assert _run_now(client, crew, item["id"], DUE + 2 * HOUR)["result"] == "pass"  # the last check that sees it
    preview.delete(CHANNEL, 42)
    run_job(DUE + 12 * HOUR)
    got = deliverable(item["id"])
    assert got.status == "deleted_early"
    line = adjustments(deal["id"])["early_deletion"]
    assert line.inputs["mode"] == "pro_rata" and Decimal(line.inputs["live_hours"]) == 2
    assert int(line.amount_minor) == -(FEE_MINOR * 22 // 24)
    assert any("deleted early" in m["Subject"] for m in messages(outbox))
    assert not [c for c in checks_of(client, crew, item["id"]) if c["state"] == "planned" and c["kind"] == "retention"
                and c["due_at"] <= (DUE + 12 * HOUR).strftime("%Y-%m-%dT%H")]


def test_edit_that_drops_the_promo_code_is_found_and_charged(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE)
    run_job(DUE + timedelta(minutes=6))
    preview.edit(CHANNEL, 42, GOOD_TEXT.replace("Промокод ANNA10 даёт скидку 10 %.", "Заходите!"))
    check = _run_now(client, crew, item["id"], DUE + 4 * HOUR)
    rules = {f["rule"] for f in check["findings"]}
    assert {"edited", "promo_code_missing"} <= rules and check["result"] == "fail"
    assert deliverable(item["id"]).status == "nonconforming"
    line = adjustments(deal["id"])["missing_elements"]
    assert line.inputs["count"] == 1 and int(line.amount_minor) == -FEE_MINOR // 10


def test_promo_code_split_by_a_zero_width_space_still_counts(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE, text=GOOD_TEXT.replace("ANNA10", "ANNA\u200b10"))
    run_job(DUE + timedelta(minutes=6))
    assert _done(client, crew, item["id"])[0]["result"] == "pass"


def test_nothing_at_the_url_by_the_window_end_and_grace_is_missed_with_the_no_show_refund(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE, text=None)
    run_job(DUE + timedelta(minutes=6))
    assert deliverable(item["id"]).status == "planned"  # not there yet: nothing moves
    run_job(DUE + 26 * HOUR)
    assert deliverable(item["id"]).status == "missed"
    assert int(adjustments(deal["id"])["no_show"].amount_minor) == -FEE_MINOR


def test_three_failed_fetches_in_a_row_are_inconclusive_never_a_deletion(client, crew, preview, outbox):
    from tests.support.fake_api import Fault

    deal, item = _setup(client, crew, preview, at=DUE)
    run_job(DUE + timedelta(minutes=6))
    preview.fail_next(Fault.of_status(502), times=20)
    first = DUE + 3 * HOUR  # the first retention check is due by then (one in each 3-hour band)
    summary = run_job(first)
    assert summary.get("retry", 0) >= 1, summary
    run_job(first + timedelta(minutes=6))
    run_job(first + timedelta(minutes=22))
    done = _done(client, crew, item["id"])
    assert any(c["result"] == "inconclusive" for c in done), [c["result"] for c in done]
    assert deliverable(item["id"]).status == "monitoring"
    assert any("could not be checked" in m["Subject"] for m in messages(outbox))


def test_a_manager_overrides_a_failed_check_and_the_money_follows(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE + timedelta(minutes=60 + 30))
    run_job(DUE + 2 * HOUR)
    check = _done(client, crew, item["id"])[0]
    assert check["result"] == "fail" and "late" in adjustments(deal["id"])
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["influencer_manager"],
             {"result": "pass", "reason": ""})
    assert r.status_code == 422
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["copywriter"],
             {"result": "pass", "reason": "agreed by phone"})
    assert r.status_code in (403, 404)
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["influencer_manager"],
             {"result": "pass", "reason": "The blogger warned us in advance; we agreed to the later time."})
    assert r.status_code == 200, r.body
    got = body(r)
    assert got["result"] == "pass" and got["checked_result"] == "fail" and got["override"]["reason"]
    assert "late" not in adjustments(deal["id"])
    assert not [p for p in payments(deal["id"]) if "check_failed" in (p.holds or [])]
    r = call(client, "get", f"/v1/audit?brand_id={crew['brand'].id}&entity=check&id={check['id']}", crew["admin"])
    assert r.status_code == 200, r.body
    entry = body(r)["items"][0]
    assert entry["action"] == "override" and entry["before"] == {"result": "fail"}
    assert entry["after"]["reason"].startswith("The blogger warned us")
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["influencer_manager"],
             {"result": "pass", "reason": "again"})
    assert r.status_code == 409
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["influencer_manager"],
             {"result": "fail", "reason": "On second thought the delay was not agreed in writing."})
    assert r.status_code == 200, r.body
    assert body(r)["override"]["was"] == "pass" and deliverable(item["id"]).status == "nonconforming"
    assert "late" in adjustments(deal["id"])  # the check's own line, charged again
    assert [p for p in payments(deal["id"]) if "check_failed" in (p.holds or [])]


def test_a_url_set_on_the_deliverable_patch_plans_checks_too(client, crew, preview):
    with time_machine.travel(T0, tick=False):
        deal, item = checked_deal(client, crew, DUE)
    with time_machine.travel(DUE, tick=False):
        r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"url": URL})
    assert r.status_code == 200, r.body
    assert [c["kind"] for c in checks_of(client, crew, item["id"])][:1] == ["initial"]


def test_a_new_url_drops_the_old_rounds_checks(client, crew, preview):
    deal, item = _setup(client, crew, preview, at=DUE)
    preview.post(CHANNEL, 43, GOOD_TEXT, at=DUE)
    with time_machine.travel(DUE + timedelta(minutes=6), tick=False):
        assert set_placement(client, crew, item["id"], f"https://t.me/{CHANNEL}/43").status_code == 200
    summary = run_job(DUE + timedelta(minutes=7))
    assert summary.get("dropped") == 1 and summary.get("pass"), summary
    old_round = [c for c in checks_of(client, crew, item["id"]) if c["url"].endswith("/42")]
    assert old_round and all(c["state"] in ("dropped", "planned") for c in old_round)
    assert deliverable(item["id"]).url.endswith("/43")


def test_ftc_disclosure_only_at_the_end_of_a_long_text_fails(client, crew, preview):
    text = ("Autumn is here and I have been wearing these boots every day. " * 6) + "#ad"
    deal, item = _setup(client, crew, preview, at=DUE, text=text, disclosure="ftc",
                        advertiser={"name": "Acme LLC", "inn": VALID_INN_COMPANY})
    run_job(DUE + timedelta(minutes=6))
    assert "disclosure_missing" in _rules(_done(client, crew, item["id"])[0])


def test_a_corrected_url_takes_off_what_the_wrong_one_charged_and_watches_the_new_post(client, crew, preview):
    wrong = GOOD_TEXT.replace("Промокод ANNA10 даёт скидку 10 %.", "")
    deal, item = _setup(client, crew, preview, at=DUE + timedelta(minutes=60 + 87), text=wrong)
    run_job(DUE + 3 * HOUR)
    assert {"late", "missing_elements"} <= set(adjustments(deal["id"]))
    preview.post(CHANNEL, 77, GOOD_TEXT, at=DUE + timedelta(minutes=20))
    with time_machine.travel(DUE + 3 * HOUR + timedelta(minutes=1), tick=False):
        assert set_placement(client, crew, item["id"], f"https://t.me/{CHANNEL}/77").status_code == 200
    assert not adjustments(deal["id"])  # worked out from another post: taken off
    run_job(DUE + 3 * HOUR + timedelta(minutes=2))
    got = deliverable(item["id"])
    assert got.status == "monitoring" and got.published_at.startswith("2030-03-02T09:20") and got.found_at
    assert not [p for p in payments(deal["id"]) if "check_failed" in (p.holds or [])]
    planned = [c["kind"] for c in checks_of(client, crew, item["id"])
               if c["state"] == "planned" and c["url"].endswith("/77")]
    assert "final" in planned and "metrics_7d" in planned
    run_job(DUE + timedelta(days=8))
    assert deliverable(item["id"]).status == "fulfilled"


def test_what_an_override_accepted_is_not_charged_again_by_the_next_check(client, crew, preview):
    text = GOOD_TEXT.replace("Промокод ANNA10 даёт скидку 10 %.", "")
    deal, item = _setup(client, crew, preview, at=DUE, text=text)
    run_job(DUE + timedelta(minutes=6))
    check = _done(client, crew, item["id"])[0]
    assert "missing_elements" in adjustments(deal["id"])
    r = call(client, "post", f"/v1/checks/{check['id']}/override", crew["influencer_manager"],
             {"result": "pass", "reason": "The promo code ran in the stories instead, as agreed."})
    assert r.status_code == 200, r.body
    assert deliverable(item["id"]).waived == ["promo_code_missing"]
    _run_now(client, crew, item["id"], DUE + 2 * HOUR)
    got = deliverable(item["id"])
    assert got.status == "monitoring" and "missing_elements" not in adjustments(deal["id"])
    assert not [p for p in payments(deal["id"]) if "check_failed" in (p.holds or [])]


def test_a_late_post_with_nothing_to_watch_is_fulfilled_and_holds_nothing(client, crew, preview):
    terms = {"publish_window_after_minutes": 60, "penalties": {"late_pct_per_hour": "5", "late_cap_pct": "20"}}
    deal, item = _setup(client, crew, preview, at=DUE + timedelta(minutes=60 + 30), terms=terms)
    run_job(DUE + 2 * HOUR)
    assert deliverable(item["id"]).status == "fulfilled" and "late" in adjustments(deal["id"])
    assert not [p for p in payments(deal["id"]) if p.status == "on_hold"]


def test_top_hours_beyond_min_live_hours_is_still_checked(client, crew, preview):
    terms = {"min_live_hours": 24, "top_hours": 24, "penalties": {}}
    deal, item = _setup(client, crew, preview, at=DUE, terms=terms)
    run_job(DUE + timedelta(minutes=6))
    preview.post(CHANNEL, 43, "Другой пост", at=DUE + 2 * HOUR)
    run_job(DUE + timedelta(hours=23))
    run_job(DUE + timedelta(hours=24, minutes=1))  # the final and the top check due together
    found = [c for c in _done(client, crew, item["id"]) if "pushed_down" in _rules(c)]
    assert found  # by the first check after the newer post: every check of a top_hours deal reads the channel
    assert deliverable(item["id"]).status == "fulfilled"


def test_a_url_on_a_draft_deal_is_refused_on_the_patch_too(client, crew, preview):
    from tests.support.deals_api import blogger, new_deal, new_deliverable

    influencer, account = blogger(client, crew, handle=f"@{CHANNEL}")
    deal = new_deal(client, crew, influencer["id"])
    item = new_deliverable(client, crew, deal["id"], account["id"])
    r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"url": URL})
    assert r.status_code == 409 and "sign" in body(r)["error"]["message"]
