"""Helpers for influencer tests: add an influencer and an account through the API."""
from __future__ import annotations

from tests.support.posts import body, call

VALID_INN_COMPANY = "7707083893"
VALID_OGRN = "1027700132195"


def add(client, crew, who="influencer_manager", **fields):
    data = {"display_name": "Anna Cooks", "country": "RU", **fields}
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/influencers", crew[who], data)
    assert r.status_code == 201, r.body
    return body(r)


def add_account(client, crew, influencer_id, **fields):
    data = {"platform": "instagram", "handle": "@anna_cooks", "followers": 82000, "avg_likes": 410,
            "avg_comments": 20, **fields}
    r = call(client, "post", f"/v1/influencers/{influencer_id}/accounts", crew["influencer_manager"], data)
    assert r.status_code == 201, r.body
    return body(r)
