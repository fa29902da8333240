"""The payments pages through the real app on DynamoDB Local, as a browser uses them: a brand's payments
(three sections, the overdue marked, the hold reasons, each row linking to its deal, only the buttons
this person may use, a CSV link) in English and Russian; a deal's payments with its adjustments; the
forms' round trips (303 after a success, 422 with the message next to the field, 409 with why, in the
reader's language) and CSRF."""
from __future__ import annotations

import datetime as dt
import re

from chalicelib.core.http import csrf
from chalicelib.deals import payment_service
from tests.support.deal_flow import DUE_TODAY, TERMS, payments, set_payment, signed
from tests.support.web import as_user as browser
from tests.support.web import csrf_token_in, html, location, text_of


def buttons(response, payment_id: str) -> list[str]:
    """The form actions inside the payment's row."""
    row = re.search(rf'<li class="row payment-row[^"]*" id="payment-{payment_id}".*?</li>', html(response), re.S)
    assert row, f"no row for {payment_id}"
    return re.findall(rf'action="/payments/{payment_id}/(\w+)"', row.group(0))


def brand_page(crew) -> str:
    return f"/brands/{crew['brand'].id}/payments"


def test_the_brand_page_has_three_sections_links_and_the_buttons_each_person_may_use(client, crew):
    deal, _, _ = signed(client, crew, milestones=[
        {"label": "Advance", "percent": "40", "trigger": "on_signing", "due_days": 0},
        {"label": "Rest", "percent": "60", "trigger": "on_signing", "due_days": 0}])
    first, second = [p["id"] for p in payments(client, crew, deal["id"])["items"]]
    today = payment_service.brand_today(crew["brand"].id)
    set_payment(first, due_on=(today - dt.timedelta(days=2)).isoformat())
    set_payment(second, status="on_hold", holds=["dispute"], held_from="due")
    page = browser(client, crew["smm_manager"]).get(brand_page(crew))
    assert page.status_code == 200, page.body
    text = text_of(page)
    for words in ("Due this week", "On hold", "Paid this month", "Nothing has been paid this month yet.",
                  "Overdue", "A dispute is open", "RUB\u00a060,000.00", "Autumn launch", "Anna Cooks"):
        assert words in text, words
    assert f'href="/deals/{deal["id"]}"' in html(page)
    assert f'href="/v1/brands/{crew["brand"].id}/payments.csv"' in html(page)
    assert buttons(page, first) == ["approve", "hold", "cancel"]
    assert buttons(page, second) == ["hold", "cancel"]  # a dispute's hold is not released by hand
    finance = browser(client, crew["finance"]).get(brand_page(crew))
    assert finance.status_code == 200 and buttons(finance, first) == [] and buttons(finance, second) == []
    assert browser(client, crew["copywriter"]).get(brand_page(crew)).status_code == 403
    assert browser(client, crew["outsider"]).get(brand_page(crew)).status_code == 404


def test_the_brand_page_in_russian(client, crew):
    deal, _, _ = signed(client, crew, milestones=DUE_TODAY)
    [item] = payments(client, crew, deal["id"])["items"]
    page = browser(client, crew["russian_manager"]).get(brand_page(crew))
    assert page.status_code == 200
    text = text_of(page).replace("\u202f", " ").replace("\u00a0", " ")
    for words in ("Выплаты", "К оплате на этой неделе", "Приостановлены", "Выплачено в этом месяце", "150 000,00 ₽",
                  "Приостановить", "Скачать CSV"):
        assert words in text, words
    assert "Due this week" not in text and '<html lang="ru">' in html(page)
    english = browser(client, crew["smm_manager"]).get(brand_page(crew) + "?lang=ru")
    assert "Одобрить" in text_of(english) and buttons(english, item["id"]) == ["approve", "hold", "cancel"]


def test_approve_then_pay_through_the_forms(client, crew):
    deal, _, _ = signed(client, crew, milestones=DUE_TODAY)
    [item] = payments(client, crew, deal["id"])["items"]
    smm = browser(client, crew["smm_manager"])
    r = smm.submit(brand_page(crew), f"/payments/{item['id']}/approve", {"return_to": "brand", "version": "1"})
    assert r.status_code == 303 and location(r) == f"{brand_page(crew)}?done=approve#payment-{item['id']}"
    assert "The payment is approved." in text_of(smm.get(location(r).split("#")[0]))
    finance = browser(client, crew["finance"])
    page = finance.get(brand_page(crew))
    assert buttons(page, item["id"]) == ["pay"]
    token = csrf_token_in(page)
    r = finance.post(f"/payments/{item['id']}/pay", {csrf.FIELD: token, "return_to": "brand", "paid_on": "",
                                                     "reference": ""})
    assert r.status_code == 422
    assert "Give the day the money was sent." in text_of(r) and "Give the payment's reference" in text_of(r)
    r = finance.post(f"/payments/{item['id']}/pay", {csrf.FIELD: token, "return_to": "brand",
                                                     "paid_on": dt.date.today().isoformat(), "reference": "PP-7"})
    assert r.status_code == 303, r.body
    paid = payments(client, crew, deal["id"])["items"][0]
    assert (paid["status"], paid["reference"], paid["paid_by"]) == ("paid", "PP-7", crew["finance"].id)
    page = finance.get(brand_page(crew))
    assert "PP-7" in text_of(page) and buttons(page, item["id"]) == []


def test_a_refused_move_comes_back_with_why_in_the_readers_language(client, crew):
    deal, _, _ = signed(client, crew, milestones=DUE_TODAY)
    [item] = payments(client, crew, deal["id"])["items"]
    russian = browser(client, crew["russian_manager"])
    page = russian.get(brand_page(crew))
    token = csrf_token_in(page)
    r = russian.post(f"/payments/{item['id']}/hold", {csrf.FIELD: token, "return_to": "brand", "version": "1"})
    assert r.status_code == 303
    r = russian.post(f"/payments/{item['id']}/hold", {csrf.FIELD: token, "return_to": "brand", "version": "2"})
    assert r.status_code == 409 and "Выплата сейчас в статусе «Приостановлен»" in text_of(r)
    r = russian.post(f"/payments/{item['id']}/approve", {csrf.FIELD: token, "return_to": "brand"})
    assert r.status_code == 403  # an influencer manager does not approve
    r = russian.post(f"/payments/{item['id']}/release", {"return_to": "brand"})
    assert r.status_code == 403  # no CSRF token
    assert payments(client, crew, deal["id"])["items"][0]["status"] == "on_hold"


def test_the_deal_payments_page_shows_the_summary_and_adds_an_adjustment(client, crew):
    deal, items, _ = signed(client, crew, terms=TERMS)
    manager = browser(client, crew["influencer_manager"])
    path = f"/deals/{deal['id']}/payments"
    page = manager.get(path)
    assert page.status_code == 200, page.body
    text = text_of(page)
    for words in ("Payments of the deal", "Still to pay", "No adjustments.", "Add an adjustment", "Late publication"):
        assert words in text, words
    token = csrf_token_in(page)
    r = manager.post(f"/deals/{deal['id']}/adjustments", {csrf.FIELD: token, "rule": "late",
                                                          "deliverable_id": items[0]["id"], "minutes_late": ""})
    assert r.status_code == 422 and 'id="adjust-minutes_late-error"' in html(r)
    r = manager.post(f"/deals/{deal['id']}/adjustments", {csrf.FIELD: token, "rule": "late",
                                                          "deliverable_id": items[0]["id"], "minutes_late": "61"})
    assert r.status_code == 303 and location(r) == f"{path}?done=adjust#adjustments"
    page = manager.get(path + "?done=adjust&lang=ru")
    text = text_of(page).replace("\u202f", " ").replace("\u00a0", " ")
    for words in ("Корректировка добавлена.", "-1 500,00 ₽", "Пересчитано: совпадает", "Осталось выплатить"):
        assert words in text, words
    finance = browser(client, crew["finance"]).get(path)
    assert finance.status_code == 200 and "Add an adjustment" not in text_of(finance)
    assert browser(client, crew["copywriter"]).get(path).status_code == 403


def test_a_payments_address_leads_to_its_deal(client, crew):
    deal, _, _ = signed(client, crew)
    [item] = payments(client, crew, deal["id"])["items"]
    r = browser(client, crew["finance"]).get(f"/payments/{item['id']}")
    assert r.status_code == 303 and location(r) == f"/deals/{deal['id']}/payments#payment-{item['id']}"
    assert browser(client, crew["outsider"]).get(f"/payments/{item['id']}").status_code == 404
