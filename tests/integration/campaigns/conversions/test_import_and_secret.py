"""Conversions for people: the CSV import (every problem of every row listed with its line, nothing written;
duplicates reported, not refused), the list with its totals and the CSV export, the webhook secret (read
and rotated by managers only; the old one refused afterwards; audited without its value), permissions."""
from __future__ import annotations

import json

from chalicelib.campaigns.conversions import repo
from tests.support.campaign_conversions import add_clicks, add_link, add_promo, conversion, payload, signed_post
from tests.support.campaigns import add_campaign

HEADER = "order_id,occurred_at,amount,currency,promo_code,link_code\n"


def upload(client, user, campaign, text: str, content_type: str = "text/csv"):
    return client.post(f"/v1/campaigns/{campaign.id}/conversions.csv", body=text.encode("utf-8"),
                       headers={"Authorization": f"Bearer {user.token}", "Content-Type": content_type})


def get(client, user, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {user.token}"})


def post(client, user, path: str):
    return client.post(path, headers={"Authorization": f"Bearer {user.token}"})


def test_a_file_with_several_bad_rows_lists_every_problem_and_writes_nothing(client, crew, campaign):
    text = (HEADER + "A-1,2026-12-05T14:30:00+03:00,1990.00,RUB,,\n"
            ",2026-12-05T14:30:00+03:00,10,RUB,,\n"
            "A-3,05.12.2026,10,USD,,\n"
            "A-4,2026-12-05T14:30:00Z,ten,RUB,,\n")
    r = upload(client, crew["smm_manager"], campaign, text)
    assert r.status_code == 422, r.body
    error = payload(r)["error"]
    assert error["message"].startswith("The file has 4 problems; nothing was imported.")
    assert [(d["line"], d["field"]) for d in error["details"]] == \
        [(3, "order_id"), (4, "occurred_at"), (4, "currency"), (5, "amount")]
    assert all(d["message"] for d in error["details"])
    assert repo.of_campaign(campaign.id) == []


def test_the_problems_in_russian(client, crew, campaign):
    r = upload(client, crew["russian_manager"], campaign, HEADER + "A-1,2026-12-05T14:30:00Z,1.234,RUB,,\n")
    assert r.status_code == 422
    error = payload(r)["error"]
    assert error["message"].startswith("В файле 1 ошибка") and "знаков после точки" in error["details"][0]["message"]


def test_an_import_counts_new_orders_and_reports_duplicates(client, crew, campaign):
    add_promo(campaign, "WINTER10", deal_id="deal1")
    link = add_link(campaign, post_id="post1")
    add_clicks(link, "2026-12-04")
    signed_post(client, campaign.id, conversion("A-0"), secret=campaign.webhook_secret)
    text = (HEADER + f"A-1,2026-12-05T14:30:00+03:00,1990.00,RUB,winter10,{link.code}\n"
            f"A-2,2026-12-05T14:30:00+03:00,500.50,RUB,,{link.code}\n"
            "A-0,2026-12-05T14:30:00+03:00,1.00,RUB,,\n"
            "A-3,2026-12-05T14:30:00+03:00,10,RUB,,\n"
            "A-1,2026-12-05T14:30:00+03:00,3.00,RUB,,\n")
    r = upload(client, crew["smm_manager"], campaign, text)
    assert r.status_code == 201, r.body
    got = payload(r)
    assert got["created"] == 3
    assert got["duplicates"] == [{"line": 4, "order_id": "A-0", "stored": True},
                                 {"line": 6, "order_id": "A-1", "stored": False}]
    by_order = {i["order_id"]: i for i in got["items"]}
    assert (by_order["A-1"]["attributed_by"], by_order["A-1"]["deal_id"]) == ("promo", "deal1")
    assert (by_order["A-2"]["attributed_by"], by_order["A-2"]["post_id"]) == ("link", "post1")
    assert by_order["A-3"]["attributed_by"] == "none" and by_order["A-3"]["source"] == "csv"
    again = payload(upload(client, crew["smm_manager"], campaign, text))
    assert again["created"] == 0 and len(again["duplicates"]) == 5

    listed = payload(get(client, crew["finance"], f"/v1/campaigns/{campaign.id}/conversions"))
    assert listed["totals"] == {"count": 4, "revenue": {"amount": "4490.50", "currency": "RUB",
                                                         "text": "RUB\xa04,490.50"},
                                "by_promo": 1, "by_link": 1, "unattributed": 2}
    assert [i["order_id"] for i in listed["items"]] == ["A-0", "A-3", "A-2", "A-1"]  # latest first


def test_the_export_is_formula_safe(client, crew, campaign):
    signed_post(client, campaign.id, conversion("=cmd|' /C calc'!A0"), secret=campaign.webhook_secret)
    r = get(client, crew["finance"], f"/v1/campaigns/{campaign.id}/conversions.csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    text = r.body.decode("utf-8").lstrip("\ufeff")
    assert text.splitlines()[0] == ("order_id,occurred_at,amount,currency,promo_code,link_code,attributed_by,deal_id,"
                                    "deliverable_id,post_id,source,received_at")
    assert text.splitlines()[1].startswith("'=cmd|' /C calc'!A0,2026-12-20T09:00:00.000000Z,1990.00,RUB")


def test_who_may_do_what(client, crew, campaign):
    path = f"/v1/campaigns/{campaign.id}"
    assert get(client, crew["finance"], path + "/conversions").status_code == 200
    assert upload(client, crew["finance"], campaign, HEADER).status_code == 403
    assert get(client, crew["finance"], path + "/webhook-secret").status_code == 403
    assert post(client, crew["finance"], path + "/webhook-secret").status_code == 403
    for route in ("/conversions", "/conversions.csv", "/webhook-secret"):
        assert get(client, crew["outsider"], path + route).status_code == 404, route
    assert upload(client, crew["outsider"], campaign, HEADER).status_code == 404
    assert client.get(path + "/conversions").status_code == 401
    assert upload(client, crew["smm_manager"], campaign, HEADER, "application/json").status_code == 415


def test_rotating_the_secret_refuses_the_old_one(client, crew, campaign):
    manager = crew["smm_manager"]
    shown = payload(get(client, manager, f"/v1/campaigns/{campaign.id}/webhook-secret"))
    assert shown == {"url": f"{_base()}/v1/campaigns/{campaign.id}/conversions",
                     "header": "X-Greenlight-Signature", "secret": campaign.webhook_secret}
    r = post(client, manager, f"/v1/campaigns/{campaign.id}/webhook-secret")
    assert r.status_code == 200, r.body
    new = payload(r)["secret"]
    assert new and new != campaign.webhook_secret
    assert signed_post(client, campaign.id, conversion("T-1"), secret=campaign.webhook_secret).status_code == 401
    assert signed_post(client, campaign.id, conversion("T-1"), secret=new).status_code == 201
    assert payload(get(client, manager, f"/v1/campaigns/{campaign.id}/webhook-secret"))["secret"] == new

    from chalicelib.core.db.audit import AuditItem

    entries = list(AuditItem.gsi1.query(f"AUDIT#{campaign.brand_id}#campaign#{campaign.id}"))
    rotated = [e for e in entries if e.action == "webhook_secret_rotated"]
    assert len(rotated) == 1 and rotated[0].actor_id == manager.id
    kept = json.dumps([str(rotated[0].before), str(rotated[0].after)])
    assert new not in kept and campaign.webhook_secret not in kept


def test_an_archived_campaign_keeps_its_secret_and_refuses_imports(client, crew):
    archived = add_campaign(crew["brand"].id, status="archived")
    assert post(client, crew["smm_manager"], f"/v1/campaigns/{archived.id}/webhook-secret").status_code == 409
    assert upload(client, crew["smm_manager"], archived, HEADER + "A,2026-12-05T14:30:00Z,1,RUB,,\n").status_code == 409
    assert get(client, crew["finance"], f"/v1/campaigns/{archived.id}/conversions").status_code == 200


def _base() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().PUBLIC_BASE_URL.rstrip("/")
