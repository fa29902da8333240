"""Deals and deliverables through the API on DynamoDB Local: create, change, amend, the status moves
with their money, the ru gates, roles, and two people at once."""
from __future__ import annotations

import threading

from tests.support.deals_api import (
    FEE,
    act,
    blogger,
    deal_data,
    fake_contract,
    new_deal,
    new_deliverable,
    signed_deal,
)
from tests.support.posts import body, call


def test_a_deal_is_created_with_a_numbered_contract_exact_money_and_the_default_schedule(client, crew):
    influencer, _ = blogger(client, crew)
    first = new_deal(client, crew, influencer["id"], agency_fee_pct="15", product_value={"amount": "4990.90",
                                                                                         "currency": "RUB"})
    second = new_deal(client, crew, influencer["id"])
    assert first["status"] == "draft" and first["contract_number"].startswith("GL-")
    n1, n2 = int(first["contract_number"].rsplit("-", 1)[1]), int(second["contract_number"].rsplit("-", 1)[1])
    assert n2 == n1 + 1
    assert first["fee"]["amount"] == "150000.00" and first["fee"]["currency"] == "RUB"
    assert first["agency_fee"]["amount"] == "22500.00" and first["product_value"]["amount"] == "4990.90"
    assert first["milestones"] == [{"label": "100 %", "percent": "100", "trigger": "on_signing", "due_days": 5,
                                    "date": None}]
    assert first["contract_outdated"] is True and "send" in first["actions"]


def test_amounts_show_in_the_readers_locale(client, crew):
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], who="russian_manager")
    assert deal["fee"]["text"] == "150\u00a0000,00\u00a0₽"
    english = body(call(client, "get", f"/v1/deals/{deal['id']}", crew["influencer_manager"]))
    assert english["fee"]["text"] == "RUB\u00a0150,000.00"


def test_floats_bad_schedules_and_bad_terms_are_422_naming_the_field(client, crew):
    influencer, _ = blogger(client, crew)
    path = f"/v1/brands/{crew['brand'].id}/deals"
    who = crew["influencer_manager"]
    r = call(client, "post", path, who, deal_data(influencer["id"], fee={"amount": 150000.5, "currency": "RUB"}))
    assert r.status_code == 422 and "floating-point" in r.body.decode()
    r = call(client, "post", path, who, deal_data(influencer["id"], fee={"amount": "1.001", "currency": "RUB"}))
    assert r.status_code == 422
    r = call(client, "post", path, who, deal_data(influencer["id"], milestones=[
        {"label": "a", "percent": "30", "trigger": "on_signing"}, {"label": "b", "percent": "60",
                                                                    "trigger": "on_publication_verified"}]))
    assert r.status_code == 422 and "100" in body(r)["error"]["message"]
    r = call(client, "post", path, who, deal_data(influencer["id"], terms={
        "penalties": {"late_pct_per_hour": "5", "late_cap_pct": "2"}}))
    assert r.status_code == 422
    assert body(r)["error"]["details"][0]["field"] == "terms.penalties.late_cap_pct"
    r = call(client, "post", path, who, deal_data(influencer["id"], advertiser={"name": "X", "inn": "7707083890"}))
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "advertiser.inn"


def test_only_managers_change_deals_and_only_the_team_with_money_reads_them(client, crew):
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    for who in ("copywriter", "client_approver"):
        r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew[who], deal_data(influencer["id"]))
        assert r.status_code in (403, 404), who
        assert call(client, "get", f"/v1/deals/{deal['id']}", crew[who]).status_code in (403, 404), who
    assert call(client, "get", f"/v1/deals/{deal['id']}", crew["outsider"]).status_code in (403, 404)
    assert call(client, "get", f"/v1/deals/{deal['id']}", crew["finance"]).status_code == 200
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["finance"], {"title": "mine"})
    assert r.status_code == 403
    listed = body(call(client, "get", f"/v1/brands/{crew['brand'].id}/deals", crew["content_manager"]))
    assert [d["id"] for d in listed["items"]][0] == deal["id"]


def test_ru_gates_refuse_instagram_and_an_unregistered_big_account_before_send(client, crew):
    influencer, account = blogger(client, crew, followers=50_000)
    deal = new_deal(client, crew, influencer["id"])
    insta = call(client, "post", f"/v1/influencers/{influencer['id']}/accounts", crew["influencer_manager"],
                 {"platform": "instagram", "handle": "@anna_insta", "followers": 1000})
    r = call(client, "post", f"/v1/deals/{deal['id']}/deliverables", crew["influencer_manager"],
             {"account_id": body(insta)["id"], "format": "reel", "publish_at": "2030-03-02T12:00"})
    assert r.status_code == 422 and "Instagram" in body(r)["error"]["message"]
    new_deliverable(client, crew, deal["id"], account["id"])
    fake_contract(deal["id"])
    r = act(client, crew, deal["id"], "send")
    assert r.status_code == 422 and "register" in body(r)["error"]["message"]
    call(client, "patch", f"/v1/accounts/{account['id']}", crew["influencer_manager"],
         {"rkn_registry_number": "4940000000"})
    assert act(client, crew, deal["id"], "send").status_code == 200


def test_send_needs_deliverables_and_the_current_contract(client, crew):
    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    assert act(client, crew, deal["id"], "send").status_code == 422
    new_deliverable(client, crew, deal["id"], account["id"])
    r = act(client, crew, deal["id"], "send")
    assert r.status_code == 409 and "contract" in body(r)["error"]["message"]


def test_signing_plans_the_payments_and_on_signing_falls_due(client, crew):
    deal, _item, _i, _a = signed_deal(client, crew, milestones=[
        {"label": "Advance", "percent": "33.33", "trigger": "on_signing", "due_days": 3},
        {"label": "Rest", "percent": "66.67", "trigger": "on_publication_verified", "due_days": 10}])
    from chalicelib.deals import repo

    records = repo.payments_of(repo.get(deal["id"], consistent=True))
    assert [(r.label, r.amount_minor, r.status) for r in records] == [
        ("Advance", 4999500, "due"), ("Rest", 10000500, "planned")]
    assert sum(r.amount_minor for r in records) == 15000000
    assert deal["blogger_legal"]["legal_name"] == "Анна Петрова"


def test_terms_freeze_at_signing_and_a_change_is_an_amendment(client, crew):
    deal, *_ = signed_deal(client, crew)
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"],
             {"terms": {"promo_code": "ANNA10"}, "version": deal["version"]})
    assert r.status_code == 200
    amended = body(r)
    assert amended["status"] == "sent" and amended["amendment"] == 1 and amended["contract_outdated"] is True
    # the payment fired on signing: the fee is settled, a change of it is refused
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"],
             {"fee": {"amount": "1.00", "currency": "RUB"}})
    assert r.status_code == 409 and "adjustment" in body(r)["error"]["message"]


def test_a_stale_version_is_409(client, crew):
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    ok = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"title": "One"},
              headers={"If-Match": str(deal["version"])})
    assert ok.status_code == 200
    stale = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"title": "Two"},
                 headers={"If-Match": str(deal["version"])})
    assert stale.status_code == 409


def test_a_published_deliverable_starts_the_deal_and_forbids_cancelling(client, crew):
    deal, item, *_ = signed_deal(client, crew, milestones=[
        {"label": "Advance", "percent": "50", "trigger": "on_signing"},
        {"label": "Rest", "percent": "50", "trigger": "on_publication_verified", "due_days": 7}])
    r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"],
             {"status": "published", "url": "https://t.me/anna_tg/42", "erid": "2VtzqxABCD"})
    assert r.status_code == 200 and body(r)["status"] == "published" and body(r)["published_at"]
    now = body(call(client, "get", f"/v1/deals/{deal['id']}", crew["influencer_manager"]))
    assert now["status"] == "in_progress" and "cancel" not in now["actions"]
    r = act(client, crew, deal["id"], "cancel", reason="changed our mind")
    assert r.status_code == 409
    from chalicelib.deals import repo

    statuses = {r.label: r.status for r in repo.payments_of(repo.get(deal["id"], consistent=True))}
    assert statuses == {"Advance": "due", "Rest": "due"}


def test_cancel_cancels_open_payments_and_deliverables(client, crew):
    deal, item, *_ = signed_deal(client, crew)
    r = act(client, crew, deal["id"], "cancel", reason="The blogger fell ill")
    assert r.status_code == 200 and body(r)["status"] == "cancelled" and body(r)["status_reason"]
    got = body(call(client, "get", f"/v1/deliverables/{item['id']}", crew["influencer_manager"]))
    assert got["status"] == "cancelled"
    from chalicelib.deals import repo

    assert {r.status for r in repo.payments_of(repo.get(deal["id"], consistent=True))} == {"cancelled"}
    assert act(client, crew, deal["id"], "send").status_code == 409


def test_a_dispute_holds_payments_and_resolving_releases_them(client, crew):
    deal, item, *_ = signed_deal(client, crew)
    call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"status": "published"})
    assert act(client, crew, deal["id"], "dispute", reason="Deleted after 2 hours").status_code == 200
    from chalicelib.deals import repo

    def statuses():
        return [(r.status, list(r.holds or [])) for r in repo.payments_of(repo.get(deal["id"], consistent=True))]

    assert statuses() == [("on_hold", ["dispute"])]
    r = act(client, crew, deal["id"], "resolve", to="in_progress")
    assert r.status_code == 200 and body(r)["status"] == "in_progress"
    assert statuses() == [("due", [])]


def test_complete_needs_settled_deliverables_and_close_needs_settled_payments(client, crew):
    deal, item, *_ = signed_deal(client, crew)
    act(client, crew, deal["id"], "start")
    assert act(client, crew, deal["id"], "complete").status_code == 409
    for status in ("published", "fulfilled"):
        assert call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"],
                    {"status": status}).status_code == 200
    assert act(client, crew, deal["id"], "complete").status_code == 200
    r = act(client, crew, deal["id"], "close")
    assert r.status_code == 409 and "payment" in body(r)["error"]["message"]


def test_a_deliverable_cannot_skip_its_states_or_go_live_before_signing(client, crew):
    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    item = new_deliverable(client, crew, deal["id"], account["id"])
    r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"status": "fulfilled"})
    assert r.status_code == 409
    r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"status": "published"})
    assert r.status_code == 409 and "signed" in body(r)["error"]["message"]
    r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"],
             {"publish_at": "2030-02-30T12:00"})
    assert r.status_code == 422


def test_a_deliverable_on_another_influencers_account_is_refused(client, crew):
    influencer, _ = blogger(client, crew)
    _other, other_account = blogger(client, crew, handle="@someone_else")
    deal = new_deal(client, crew, influencer["id"])
    r = call(client, "post", f"/v1/deals/{deal['id']}/deliverables", crew["influencer_manager"],
             {"account_id": other_account["id"], "format": "tg_post", "publish_at": "2030-03-02T12:00"})
    assert r.status_code == 422


def test_overrides_are_merged_into_the_terms_the_deliverable_is_held_to(client, crew):
    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], terms={"required_hashtags": ["#ad"], "min_live_hours": 24,
                                                            "penalties": {"missing_element_pct": "10"}})
    item = new_deliverable(client, crew, deal["id"], account["id"],
                           overrides={"min_live_hours": 48, "penalties": {"no_show": "full"}})
    assert item["terms"]["min_live_hours"] == 48 and item["terms"]["required_hashtags"] == ["#ad"]
    assert item["terms"]["penalties"] == {"missing_element_pct": "10", "no_show": "full"}


def test_a_contract_number_is_unique_in_the_brand(client, crew):
    influencer, _ = blogger(client, crew)
    first = new_deal(client, crew, influencer["id"], contract_number="AB-1")
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew["influencer_manager"],
             deal_data(influencer["id"], contract_number="AB-1"))
    assert r.status_code == 409
    other = new_deal(client, crew, influencer["id"])
    r = call(client, "patch", f"/v1/deals/{other['id']}", crew["influencer_manager"], {"contract_number": "AB-1"})
    assert r.status_code == 409
    assert call(client, "patch", f"/v1/deals/{first['id']}", crew["influencer_manager"],
                {"contract_number": "AB-2"}).status_code == 200
    assert call(client, "patch", f"/v1/deals/{other['id']}", crew["influencer_manager"],
                {"contract_number": "AB-1"}).status_code == 200


def test_two_people_moving_a_deal_at_once_one_wins(client, crew):
    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    new_deliverable(client, crew, deal["id"], account["id"])
    fake_contract(deal["id"])
    act(client, crew, deal["id"], "send")
    answers = []

    def sign():
        answers.append(act(client, crew, deal["id"], "sign").status_code)

    threads = [threading.Thread(target=sign) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(answers).count(200) == 1, answers
    from chalicelib.deals import repo

    assert len(repo.get(deal["id"], consistent=True).payment_ids) == 1


def test_fee_money_is_never_a_float_on_the_wire(client, crew):
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], fee={"amount": 99, "currency": "JPY"})
    assert deal["fee"] == {"amount": "99", "currency": "JPY", "text": deal["fee"]["text"]}
    assert isinstance(FEE["amount"], str)


def test_a_taken_contract_number_names_the_field_and_a_change_of_case_is_no_conflict(client, crew):
    influencer, _ = blogger(client, crew)
    new_deal(client, crew, influencer["id"], contract_number="CN-7")
    other = new_deal(client, crew, influencer["id"], contract_number="cn-8")
    r = call(client, "patch", f"/v1/deals/{other['id']}", crew["influencer_manager"], {"contract_number": "cn-7"})
    assert r.status_code == 409 and body(r)["error"]["details"][0]["field"] == "contract_number"
    r = call(client, "patch", f"/v1/deals/{other['id']}", crew["influencer_manager"], {"contract_number": "CN-8"})
    assert r.status_code == 200 and body(r)["contract_number"] == "CN-8"


def test_signing_an_amendment_after_money_moved_keeps_every_payment(client, crew):
    deal, *_ = signed_deal(client, crew, milestones=[
        {"label": "Advance", "percent": "30", "trigger": "on_signing"},
        {"label": "Rest", "percent": "70", "trigger": "on_publication_verified"}])
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"terms": {"promo_code": "NEW10"}})
    assert r.status_code == 200 and body(r)["status"] == "sent"
    fake_contract(deal["id"])
    assert act(client, crew, deal["id"], "sign").status_code == 200
    from chalicelib.deals import repo

    records = repo.payments_of(repo.get(deal["id"], consistent=True))
    assert [(r.label, r.status) for r in records] == [("Advance", "due"), ("Rest", "planned")]


def test_an_amendment_before_money_moved_plans_the_new_schedule(client, crew):
    deal, *_ = signed_deal(client, crew, milestones=[
        {"label": "All", "percent": "100", "trigger": "on_publication_verified"}])
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"],
             {"fee": {"amount": "200000.00", "currency": "RUB"}})
    assert r.status_code == 200
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"],
             {"fee": {"amount": "200000.00", "currency": "USD"}})
    assert r.status_code == 409  # payments exist in roubles
    fake_contract(deal["id"])
    assert act(client, crew, deal["id"], "sign").status_code == 200
    from chalicelib.deals import repo

    records = repo.payments_of(repo.get(deal["id"], consistent=True))
    assert [(r.amount_minor, r.status) for r in records] == [(15000000, "cancelled"), (20000000, "planned")]


def test_amounts_with_exponents_or_too_many_decimals_are_422_not_500(client, crew):
    influencer, _ = blogger(client, crew)
    for amount in ("1e999999", "1e999997", "1.500", "12345678901234567.00"):
        r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew["influencer_manager"],
                 deal_data(influencer["id"], fee={"amount": amount, "currency": "RUB"}))
        assert r.status_code == 422, amount
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew["influencer_manager"],
             deal_data(influencer["id"], title="Line one\r\nBcc: x@example.com"))
    assert r.status_code == 422


def test_an_impossible_or_future_publication_time_is_422(client, crew):
    _deal, item, *_ = signed_deal(client, crew)
    for when in ("2026-02-30T10:00Z", "2999-01-01T10:00Z"):
        r = call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"],
                 {"status": "published", "published_at": when})
        assert r.status_code == 422, when
    r = call(client, "patch", f"/v1/deals/{item['deal_id']}", crew["influencer_manager"], {"title": "x"},
             headers={"If-Match": "²"})
    assert r.status_code == 400


def test_a_sent_deal_switched_to_ru_meets_the_gates_at_signing(client, crew):
    influencer, account = blogger(client, crew, followers=50_000)
    deal = new_deal(client, crew, influencer["id"], disclosure="ftc")
    new_deliverable(client, crew, deal["id"], account["id"])
    fake_contract(deal["id"])
    assert act(client, crew, deal["id"], "send").status_code == 200
    call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"disclosure": "ru"})
    fake_contract(deal["id"])
    r = act(client, crew, deal["id"], "sign")
    assert r.status_code == 422 and "register" in body(r)["error"]["message"]


def test_on_date_payments_fall_due_on_their_day_in_the_brands_zone(client, crew):
    from chalicelib.core.clock import parse_utc
    from chalicelib.deals import jobs as deal_jobs
    from chalicelib.deals import repo

    deal, *_ = signed_deal(client, crew, milestones=[
        {"label": "Past", "percent": "40", "trigger": "on_date", "date": "2020-01-01"},
        {"label": "Later", "percent": "60", "trigger": "on_date", "date": "2031-05-10", "due_days": 0}])

    def statuses():
        return {r.label: (r.status, r.due_on) for r in repo.payments_of(repo.get(deal["id"], consistent=True))}

    assert statuses() == {"Past": ("due", "2020-01-01"), "Later": ("planned", None)}
    deal_jobs.run(parse_utc("2031-05-09T20:59:00Z"))  # 23:59 in Moscow: not yet
    assert statuses()["Later"] == ("planned", None)
    deal_jobs.run(parse_utc("2031-05-09T21:01:00Z"))  # 00:01 on the 10th in Moscow
    assert statuses()["Later"] == ("due", "2031-05-10")


def test_amending_a_disputed_deal_settles_the_dispute_and_lifts_its_holds(client, crew):
    deal, item, *_ = signed_deal(client, crew)
    call(client, "patch", f"/v1/deliverables/{item['id']}", crew["influencer_manager"], {"status": "published"})
    assert act(client, crew, deal["id"], "dispute", reason="Posted without the promo code").status_code == 200
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"terms": {"promo_code": "X1"}})
    assert r.status_code == 200 and body(r)["status"] == "sent" and body(r)["status_reason"] is None
    from chalicelib.deals import repo

    assert [(r.status, list(r.holds or [])) for r in repo.payments_of(repo.get(deal["id"], consistent=True))] == [
        ("due", [])]


def test_one_influencers_deals_come_from_their_own_list(client, crew):
    anna, _ = blogger(client, crew)
    boris, _ = blogger(client, crew, handle="@boris_tg")
    mine = [new_deal(client, crew, anna["id"])["id"] for _ in range(2)]
    new_deal(client, crew, boris["id"])
    listed = body(call(client, "get", f"/v1/brands/{crew['brand'].id}/deals?influencer_id={anna['id']}",
                       crew["influencer_manager"]))
    assert [d["id"] for d in listed["items"]] == list(reversed(mine))
    other = body(call(client, "get", f"/v1/brands/{crew['other'].id}/deals?influencer_id={anna['id']}",
                      crew["outsider"]))
    assert other["items"] == []
