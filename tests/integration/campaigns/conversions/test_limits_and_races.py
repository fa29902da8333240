"""What a sender cannot break: an amount too large for one order (its own 422), totals past core.money's cap
(stored earlier) still shown, times before 2000 refused (never an overflow), JSON that no parser should
read (400), the page's notice counts, sentences in the person's language (floats, not-an-object, too many at
once), a campaign archived between the check and the write (409, nothing written), and attribution reading
promo codes and links in batches."""
from __future__ import annotations

import json

import pytest

from chalicelib.campaigns.conversions import repo, service
from chalicelib.campaigns.models import CampaignItem, campaign_pk
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Actor
from tests.support.campaign_conversions import add_clicks, add_link, add_promo, conversion, payload, signed_post
from tests.support.web import as_user, text_of

HEADER = "order_id,occurred_at,amount,currency,promo_code,link_code\n"


def send(client, campaign, body, **headers):
    return signed_post(client, campaign.id, body, secret=campaign.webhook_secret, **headers)


def upload(client, user, campaign, text: str):
    return client.post(f"/v1/campaigns/{campaign.id}/conversions.csv", body=text.encode("utf-8"),
                       headers={"Authorization": f"Bearer {user.token}", "Content-Type": "text/csv"})


def get(client, user, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {user.token}"})


def details(response) -> list[tuple[str, str]]:
    return [(d["field"], d["type"]) for d in payload(response)["error"]["details"]]


# --- amounts ---------------------------------------------------------------------------------------------------

def test_an_amount_too_large_for_one_order_is_its_own_422(client, crew, campaign):
    for order in ("BIG-1", "BIG-2"):
        r = send(client, campaign, conversion(order, amount="9000000000000.00"))
        assert r.status_code == 422, r.body
        assert details(r) == [("amount.amount", "too_large")]
        assert payload(r)["error"]["details"][0]["message"] == \
            "The amount is too large for one order: at most 1000000000 RUB."
    r = send(client, campaign, conversion("BIG-3", amount="99999999999999999999"))
    assert details(r) == [("amount.amount", "too_large")]  # not "RUB has at most 2 digits"
    r = send(client, campaign, conversion("BIG-4", amount="99999999999999999999"), **{"Accept-Language": "ru"})
    assert "слишком велика" in payload(r)["error"]["details"][0]["message"]
    assert send(client, campaign, conversion("OK-1", amount="1000000000.00")).status_code == 201
    assert get(client, crew["finance"], f"/v1/campaigns/{campaign.id}/conversions").status_code == 200


def test_totals_past_the_money_cap_are_still_shown(client, crew, campaign):
    """Conversions stored before the per-order cap (9 000 000 000 000.00 RUB each): their sum is past what a
    core.money.Money may hold, and the list, the page and the export still answer."""
    now = iso(utcnow())
    items = [repo.new_conversion(campaign.id, order_id=f"HUGE-{n}", occurred_at="2026-12-20T09:00:00.000000Z",
                                 amount_minor=900_000_000_000_000, currency="RUB", attributed_by="none",
                                 source="webhook", received_at=now) for n in range(2)]
    repo.add_many(Actor(None, "tests", "job"), items, campaign.brand_id)
    r = get(client, crew["finance"], f"/v1/campaigns/{campaign.id}/conversions")
    assert r.status_code == 200, r.body
    assert payload(r)["totals"]["revenue"] == {"amount": "18000000000000.00", "currency": "RUB",
                                               "text": "RUB\xa018,000,000,000,000.00"}
    r = as_user(client, crew["russian_manager"]).get(f"/campaigns/{campaign.id}/conversions")
    assert r.status_code == 200 and "18\xa0000\xa0000\xa0000\xa0000,00\xa0₽" in text_of(r)
    r = get(client, crew["finance"], f"/v1/campaigns/{campaign.id}/conversions.csv")
    assert r.status_code == 200 and ",9000000000000.00,RUB," in r.body.decode("utf-8")


# --- times -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("occurred_at, code", [
    ("0001-01-01T00:30:00+01:00", "too_early"),  # an OverflowError before
    ("0999-01-05T00:00:00Z", "too_early"),  # was stored as "999-01-05T…", sorting after 2026
    ("1999-12-31T23:59:59Z", "too_early"),
    ("9999-12-31T23:00:00-14:00", "future"),
])
def test_times_outside_a_sane_range_are_refused(client, campaign, occurred_at, code):
    r = send(client, campaign, conversion("T-1", occurred_at))
    assert r.status_code == 422, r.body
    assert details(r) == [("occurred_at", code)]


def test_a_year_one_time_with_a_link_is_refused_not_a_500(client, crew, campaign):
    link = add_link(campaign)
    r = send(client, campaign, conversion("T-2", "0001-01-05T00:00:00Z", link_code=link.code))
    assert r.status_code == 422 and details(r) == [("occurred_at", "too_early")]
    r = upload(client, crew["smm_manager"], campaign, HEADER + f"T-3,0001-01-05T00:00:00Z,1,RUB,,{link.code}\n")
    assert r.status_code == 422, r.body
    assert [(d["line"], d["field"], d["type"]) for d in payload(r)["error"]["details"]] == \
        [(2, "occurred_at", "too_early")]
    assert repo.of_campaign(campaign.id) == []


# --- bodies no parser should read --------------------------------------------------------------------------------

def test_json_too_deep_or_with_endless_numbers_is_a_400(client, campaign):
    long_number = b'{"order_id": "X", "occurred_at": "2026-12-20T12:00:00Z", "amount": {"amount": ' + \
        b"9" * 5000 + b', "currency": "RUB"}}'
    for body in (long_number, b"[" * 100_000):
        r = send(client, campaign, body)
        assert r.status_code == 400, r.body[:200]
        assert payload(r)["error"]["message"] == "The body is not valid JSON."


# --- the person's language ---------------------------------------------------------------------------------------

def test_the_float_and_not_an_object_sentences_follow_accept_language(client, campaign):
    ru = {"Accept-Language": "ru"}
    r = send(client, campaign, {**conversion("L-1"), "amount": {"amount": 19.9, "currency": "RUB"}}, **ru)
    assert r.status_code == 422 and details(r) == [("amount.amount", "float")]
    assert "строкой" in payload(r)["error"]["details"][0]["message"]
    r = send(client, campaign, {**conversion("L-2"), "amount": {"amount": 19.0, "currency": "RUB"}})
    assert r.status_code == 422 and details(r) == [("amount.amount", "float")]  # never read as 19 roubles
    r = send(client, campaign, b"[1, 2]", **ru)
    assert r.status_code == 422 and payload(r)["error"]["details"][0]["message"] == "Ожидался JSON-объект."


def test_too_many_at_once_is_said_in_the_persons_language(client, crew, campaign, monkeypatch):
    monkeypatch.setattr(repo, "ROUNDS", 0)  # as if every round met another transaction
    r = upload(client, crew["russian_manager"], campaign, HEADER + "A-1,2026-12-05T14:30:00Z,1,RUB,,\n")
    assert r.status_code == 409, r.body
    assert payload(r)["error"]["message"].startswith("Слишком много конверсий пришло одновременно")


# --- the page's notice -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("created", ["%C2%B2", "9" * 5000, "-1", "1e3"])
def test_odd_notice_counts_show_zero(client, crew, campaign, created):
    r = as_user(client, crew["smm_manager"]).get(
        f"/campaigns/{campaign.id}/conversions?done=imported&created={created}&duplicates=2")
    assert r.status_code == 200, r.body[:300]
    assert "Imported: 0 new, 2 counted already." in text_of(r)


# --- archived between the check and the write --------------------------------------------------------------------

@pytest.fixture
def archived_meanwhile(monkeypatch):
    """Archive the campaign just before its conversions are written (after the service checked it)."""
    real = service.attribute_all

    def attribute_then_archive(campaign_id, conversions):
        verdicts = real(campaign_id, conversions)
        item = CampaignItem.get(campaign_pk(campaign_id), "CAMPAIGN")
        item.update(actions=[CampaignItem.status.set("archived")])
        return verdicts

    monkeypatch.setattr(service, "attribute_all", attribute_then_archive)


def test_a_webhook_call_meeting_an_archive_writes_nothing(client, campaign, archived_meanwhile):
    r = send(client, campaign, {"conversions": [conversion(f"Z-{n}") for n in range(60)]})
    assert r.status_code == 409, r.body
    assert "archived" in payload(r)["error"]["message"]
    assert repo.of_campaign(campaign.id) == []


def test_an_import_meeting_an_archive_writes_nothing(client, crew, campaign, archived_meanwhile):
    r = upload(client, crew["russian_manager"], campaign, HEADER + "Z-1,2026-12-05T14:30:00Z,1,RUB,,\n")
    assert r.status_code == 409, r.body
    assert "в архиве" in payload(r)["error"]["message"]
    assert repo.of_campaign(campaign.id) == []


# --- attribution reads in batches --------------------------------------------------------------------------------

def test_an_import_reads_codes_and_links_in_batches(client, crew, campaign, monkeypatch):
    from pynamodb.connection.base import Connection

    promos = [add_promo(campaign, f"CODE{n}", deal_id=f"deal{n}") for n in range(3)]
    links = [add_link(campaign, post_id=f"post{n}") for n in range(3)]
    for link in links:
        add_clicks(link, "2026-12-01")
    rows = []
    for n in range(150):  # 150 distinct codes and links, most of them unknown
        code = promos[n].code if n < 3 else f"NOPE{n}"
        link = links[n - 3].code if 3 <= n < 6 else f"nolink{n}"
        rows.append(f"B-{n},2026-12-05T14:30:00Z,1,RUB,{code},{link}\n")
    calls: list[str] = []
    real = Connection.dispatch

    def counted(self, operation_name, operation_kwargs):
        calls.append(operation_name)
        return real(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", counted)
    r = upload(client, crew["smm_manager"], campaign, HEADER + "".join(rows))
    monkeypatch.undo()
    assert r.status_code == 201, r.body
    by = {i["order_id"]: (i["attributed_by"], i["deal_id"], i["post_id"]) for i in payload(r)["items"]}
    assert by["B-0"] == ("promo", "deal0", None) and by["B-4"] == ("link", None, "post1")
    assert by["B-100"] == ("none", None, None)
    assert calls.count("BatchGetItem") <= 4  # 150 codes and 147 links: two pages of 100 each
    assert calls.count("Query") == 3  # the click days of this campaign's three links
    assert calls.count("GetItem") <= 3  # the campaign (and the person), never one per code or link
    assert json.dumps(calls).count("TransactWriteItems") == 4  # 150 conversions, 49 to a transaction
