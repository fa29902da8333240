"""The conversions webhook: the signature (good, wrong secret, tampered body, stale, post-dated, missing,
malformed: one answer for all), attribution (code beats link, the 30-day window, no clicks, another
campaign's link), duplicate order ids (twice, in one batch, from eight threads at once), the currency,
an archived campaign, and what a malformed body gets."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.campaigns.conversions import repo
from chalicelib.campaigns.rules import webhook_signature
from tests.support.campaign_conversions import add_clicks, add_link, add_promo, conversion, payload, signed_post
from tests.support.campaigns import add_campaign


def send(client, campaign, body, **kwargs):
    return signed_post(client, campaign.id, body, secret=kwargs.pop("secret", campaign.webhook_secret), **kwargs)


def stored(campaign) -> list:
    return repo.of_campaign(campaign.id)


# --- attribution -------------------------------------------------------------------------------------------

def test_a_promo_code_attributes_to_its_deal(client, campaign):
    add_promo(campaign, "WINTER10", deal_id="deal1", deliverable_id="dv1")
    r = send(client, campaign, conversion("A-1", promo_code="winter10"))
    assert r.status_code == 201, r.body
    got = payload(r)
    assert (got["attributed_by"], got["promo_code"], got["deal_id"], got["deliverable_id"]) == \
        ("promo", "WINTER10", "deal1", "dv1")
    assert got["amount"] == {"amount": "1990.00", "currency": "RUB", "text": "RUB\xa01,990.00"}
    assert got["duplicate"] is False and got["source"] == "webhook"
    assert got["occurred_at"] == "2026-12-20T09:00:00.000000Z"


def test_the_code_beats_a_clicked_link(client, campaign):
    add_promo(campaign, "CODE1", post_id="post1")
    link = add_link(campaign, deal_id="deal-of-link")
    add_clicks(link, "2026-12-19")
    got = payload(send(client, campaign, conversion("A-2", promo_code="CODE1", link_code=link.code)))
    assert (got["attributed_by"], got["post_id"], got["deal_id"]) == ("promo", "post1", None)


@pytest.mark.parametrize("click_day, expected", [("2026-11-20", "link"), ("2026-11-19", "none"),
                                                 ("2026-12-20", "link"), ("2026-12-21", "none")])
def test_a_link_counts_with_a_click_within_30_days_before(client, campaign, click_day, expected):
    link = add_link(campaign, deal_id="deal2", deliverable_id="dv2")
    add_clicks(link, click_day)
    got = payload(send(client, campaign, conversion("B-1", "2026-12-20T12:00:00+03:00", link_code=link.code)))
    assert got["attributed_by"] == expected
    assert (got["deal_id"], got["deliverable_id"]) == (("deal2", "dv2") if expected == "link" else (None, None))
    assert got["link_code"] == link.code  # what the shop sent is kept either way


def test_a_link_without_clicks_or_of_another_campaign_is_unattributed(client, campaign, crew):
    quiet = add_link(campaign, deal_id="deal3")
    elsewhere = add_link(add_campaign(crew["brand"].id), deal_id="deal4")
    add_clicks(elsewhere, "2026-12-19")
    for order, code in (("C-1", quiet.code), ("C-2", elsewhere.code), ("C-3", "nosuchlink"), ("C-4", None)):
        got = payload(send(client, campaign, conversion(order, **({"link_code": code} if code else {}))))
        assert (got["attributed_by"], got["deal_id"]) == ("none", None), order


def test_an_unknown_code_falls_back_to_the_link(client, campaign):
    link = add_link(campaign, post_id="post9")
    add_clicks(link, "2026-12-18", clicks=3)
    got = payload(send(client, campaign, conversion("D-1", promo_code="NOSUCH", link_code=link.code)))
    assert (got["attributed_by"], got["post_id"], got["promo_code"]) == ("link", "post9", "NOSUCH")


# --- the same order id counts once ---------------------------------------------------------------------------

def test_the_same_order_twice_counts_once(client, campaign):
    first = send(client, campaign, conversion("E-1", amount="100.00"))
    again = send(client, campaign, conversion("E-1", amount="999.00"))
    assert first.status_code == 201 and again.status_code == 200, again.body
    assert payload(again)["duplicate"] is True and payload(again)["amount"]["amount"] == "100.00"
    assert [c.order_id for c in stored(campaign)] == ["E-1"]


def test_a_batch_counts_each_order_once(client, campaign):
    send(client, campaign, conversion("F-0"))
    batch = {"conversions": [conversion("F-1"), conversion("F-2"), conversion("F-1", amount="5.00"),
                             conversion("F-0")]}
    r = send(client, campaign, batch)
    assert r.status_code == 201, r.body
    got = payload(r)
    assert (got["created"], got["duplicates"]) == (2, 2)
    assert [(i["order_id"], i["duplicate"]) for i in got["items"]] == \
        [("F-1", False), ("F-2", False), ("F-1", True), ("F-0", True)]
    assert sorted(c.order_id for c in stored(campaign)) == ["F-0", "F-1", "F-2"]
    r = send(client, campaign, batch)
    assert r.status_code == 200 and payload(r)["created"] == 0


def test_eight_threads_sending_one_order_count_it_once(campaign):
    from chalicelib.campaigns.conversions import service

    raw = json.dumps(conversion("G-1")).encode()

    def deliver(_):
        headers = {"content-type": "application/json",
                   "x-greenlight-signature": webhook_signature.header(campaign.webhook_secret, raw, int(time.time()))}
        return service.receive_webhook(campaign.id, raw, headers)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, range(16)))
    assert sorted(statuses) == [200] * 15 + [201]
    assert [c.order_id for c in stored(campaign)] == ["G-1"]


def test_a_batch_of_many_from_threads_counts_each_once(campaign):
    from chalicelib.campaigns.conversions import service

    raw = json.dumps({"conversions": [conversion(f"H-{n}") for n in range(120)]}).encode()

    def deliver(_):
        headers = {"content-type": "application/json",
                   "x-greenlight-signature": webhook_signature.header(campaign.webhook_secret, raw, int(time.time()))}
        return service.receive_webhook(campaign.id, raw, headers)[1].created

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(deliver, range(4)))
    assert sum(created) == 120
    assert len(stored(campaign)) == 120


# --- the signature -------------------------------------------------------------------------------------------

def refusals(client, campaign):
    body = conversion("S-1")
    raw = json.dumps(body).encode()
    now = int(time.time())
    yield "wrong secret", signed_post(client, campaign.id, body, secret="not-the-secret")
    yield "tampered body", signed_post(client, campaign.id, raw.replace(b"1990.00", b"1.00"),
                                       header=webhook_signature.header(campaign.webhook_secret, raw, now), secret=None)
    yield "stale 6 min", send(client, campaign, body, at=now - 360)
    yield "future 6 min", send(client, campaign, body, at=now + 360)
    yield "missing header", signed_post(client, campaign.id, body, secret=None)
    yield "malformed header", signed_post(client, campaign.id, body, secret=None, header="sha256=abc")
    yield "no v1", signed_post(client, campaign.id, body, secret=None, header=f"t={now}")
    yield "unknown campaign", signed_post(client, "01aaaaaaaaaaaaaaaaaaaaaaaa", body, secret=campaign.webhook_secret)


def test_every_bad_signature_gets_the_same_401(client, campaign):
    answers = {name: r for name, r in refusals(client, campaign)}
    for name, r in answers.items():
        assert r.status_code == 401, name
    messages = {json.dumps(payload(r)["error"], sort_keys=True) for r in answers.values()}
    assert len(messages) == 1  # never says which part failed
    error = payload(answers["wrong secret"])["error"]
    assert error["code"] == "bad_signature" and "X-Greenlight-Signature" in error["message"]
    assert stored(campaign) == []


def test_a_signature_within_five_minutes_is_accepted(client, campaign):
    assert send(client, campaign, conversion("S-2"), at=int(time.time()) - 290).status_code == 201
    assert send(client, campaign, conversion("S-3"), at=int(time.time()) + 290).status_code == 201


def test_the_refusal_speaks_russian_when_asked(client, campaign):
    r = signed_post(client, campaign.id, conversion("S-4"), secret="wrong", **{"Accept-Language": "ru"})
    assert r.status_code == 401 and "Подпись" in payload(r)["error"]["message"]


# --- the body ------------------------------------------------------------------------------------------------

def test_another_currency_is_refused_with_a_sentence(client, campaign):
    r = send(client, campaign, conversion("M-1", amount="19.90", currency="USD"))
    assert r.status_code == 422, r.body
    error = payload(r)["error"]
    assert error["message"] == "This campaign counts in RUB: send amounts in RUB."
    assert [d["field"] for d in error["details"]] == ["amount.currency"]
    assert "USD" in error["details"][0]["message"]
    r = send(client, campaign, {"conversions": [conversion("M-2"), conversion("M-3", currency="EUR")]})
    assert r.status_code == 422 and payload(r)["error"]["details"][0]["field"] == "conversions.1.amount.currency"
    assert stored(campaign) == []  # nothing of a refused batch is written


def test_bad_fields_are_named(client, campaign):
    r = send(client, campaign, conversion("", "2026-12-20T12:00:00", amount="1.234"))
    assert r.status_code == 422
    assert {d["field"] for d in payload(r)["error"]["details"]} == {"order_id", "occurred_at", "amount.amount"}
    r = send(client, campaign, {**conversion("N-1"), "amount": {"amount": 19.9, "currency": "RUB"}})
    assert r.status_code == 422 and payload(r)["error"]["details"][0]["field"] == "amount.amount"
    r = send(client, campaign, {**conversion("N-2"), "coupon": "X"})
    assert r.status_code == 422 and payload(r)["error"]["details"][0]["field"] == "coupon"
    r = send(client, campaign, {"conversions": [conversion(f"N-{n}") for n in range(501)]})
    assert r.status_code == 422


def test_malformed_bodies_and_types(client, campaign):
    assert send(client, campaign, b"{not json").status_code == 400
    assert send(client, campaign, b"[1, 2]").status_code == 422
    r = send(client, campaign, conversion("P-1"), **{"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_an_archived_campaign_takes_no_conversions(client, crew):
    archived = add_campaign(crew["brand"].id, status="archived")
    r = send(client, archived, conversion("Q-1"))
    assert r.status_code == 409 and "archived" in payload(r)["error"]["message"]


def test_a_campaign_without_a_secret_refuses_everything(client, crew):
    bare = add_campaign(crew["brand"].id, webhook_secret=None)
    assert signed_post(client, bare.id, conversion("R-1"), secret="").status_code == 401
