"""Helpers for payment tests: a signed deal (through the API, with any influencer fields, terms and
schedule) and its payments; moving a payment through the API; and, for states the API reaches only
with time or with the placement checks of the next issue, a payment put in a state or on a day by hand."""
from __future__ import annotations

import secrets

from tests.support.deals_api import act, fake_contract, new_deal, new_deliverable
from tests.support.influencers import add, add_account
from tests.support.posts import body, call

PENALTIES = {"late_pct_per_hour": "0.5", "late_cap_pct": "10", "missing_element_pct": "5",
             "early_deletion": "pro_rata", "no_show": "full"}
DUE_TODAY = [{"label": "100 %", "percent": "100", "trigger": "on_signing", "due_days": 0}]  # in this week's list
TERMS = {"min_live_hours": 24, "required_hashtags": ["#romashka", "#autumn"], "promo_code": "ANNA20",
         "penalties": PENALTIES}


def signed(client, crew, *, influencer: dict | None = None, deliverables: int = 1, **deal_fields):
    """A signed deal with `deliverables` Telegram placements: (deal, [deliverable], influencer)."""
    data = {"legal_type": "self_employed", "legal_name": "Анна Петрова", "inn": "500100732259", **(influencer or {})}
    person = add(client, crew, **data)
    account = add_account(client, crew, person["id"], platform="telegram", handle=f"@anna_{secrets.token_hex(4)}",
                          followers=5000)
    deal = new_deal(client, crew, person["id"], **deal_fields)
    items = [new_deliverable(client, crew, deal["id"], account["id"], publish_at=f"2030-03-0{n + 1}T12:00")
             for n in range(deliverables)]
    fake_contract(deal["id"])
    for action in ("send", "sign"):
        r = act(client, crew, deal["id"], action)
        assert r.status_code == 200, r.body
    return body(r), items, person


def payments(client, crew, deal_id, who="influencer_manager") -> dict:
    r = call(client, "get", f"/v1/deals/{deal_id}/payments", crew[who])
    assert r.status_code == 200, r.body
    return body(r)


def move(client, crew, payment_id, action, who, **data):
    return call(client, "post", f"/v1/payments/{payment_id}/{action}", crew[who] if isinstance(who, str) else who,
                data)


def set_payment(payment_id: str, **fields):
    """Put a payment in a state or on a day by hand (and in the list of its status), as time or a placement
    check would: e.g. due_on in the past, status="on_hold" with holds=["check_failed"], held_from="due"."""
    from chalicelib.deals import repo

    record = repo.get_payment(payment_id, consistent=True)
    for name, value in fields.items():
        setattr(record, name, value)
    keys = repo.payment_index_keys(record)
    record.gsi1pk, record.gsi1sk = keys["gsi1pk"], keys["gsi1sk"]
    record.save()
    return repo.get_payment(payment_id, consistent=True)
