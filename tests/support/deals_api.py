"""Helpers for deal tests through the API: an influencer with a Telegram account, a deal, a deliverable,
and a contract entry put on the deal (for tests of what follows the contract, without rendering one)."""
from __future__ import annotations

from tests.support.influencers import VALID_INN_COMPANY, add, add_account
from tests.support.posts import body, call

FEE = {"amount": "150000.00", "currency": "RUB"}


def blogger(client, crew, *, followers=5000, platform="telegram", handle="@anna_tg", **account):
    influencer = add(client, crew, legal_type="self_employed", legal_name="Анна Петрова")
    acc = add_account(client, crew, influencer["id"], platform=platform, handle=handle, followers=followers,
                      **account)
    return influencer, acc


def deal_data(influencer_id, **fields):
    return {"influencer_id": influencer_id, "title": "Autumn launch", "fee": FEE,
            "advertiser": {"name": "ООО Ромашка", "inn": VALID_INN_COMPANY}, **fields}


def new_deal(client, crew, influencer_id, who="influencer_manager", **fields):
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew[who], deal_data(influencer_id, **fields))
    assert r.status_code == 201, r.body
    return body(r)


def new_deliverable(client, crew, deal_id, account_id, who="influencer_manager", **fields):
    data = {"account_id": account_id, "format": "tg_post", "publish_at": "2030-03-02T12:00",
            "timezone": "Europe/Moscow", **fields}
    r = call(client, "post", f"/v1/deals/{deal_id}/deliverables", crew[who], data)
    assert r.status_code == 201, r.body
    return body(r)


def fake_contract(deal_id):
    """A contract entry made now (after every terms change so far), so send and sign may go on; no PDF is
    rendered."""
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.deals import repo
    from chalicelib.deals.models import DealItem

    deal = repo.get(deal_id, consistent=True)
    version = len(deal.contracts or []) + 1
    entry = {"version": version, "amendment": int(deal.amendment or 0), "sha256": "0" * 64, "size": 1,
             "key": f"deals/{deal_id}/contract-v{version}.pdf", "created_at": iso(utcnow())}
    deal.update(actions=[DealItem.contracts.set([*(deal.contracts or []), entry])])


def act(client, crew, deal_id, action, who="influencer_manager", **data):
    return call(client, "post", f"/v1/deals/{deal_id}/{action}", crew[who], data)


def signed_deal(client, crew, **fields):
    """A signed deal with one Telegram deliverable: (deal, deliverable, influencer, account)."""
    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], **fields)
    item = new_deliverable(client, crew, deal["id"], account["id"])
    fake_contract(deal["id"])
    for action in ("send", "sign"):
        r = act(client, crew, deal["id"], action)
        assert r.status_code == 200, r.body
    return body(r), item, influencer, account
