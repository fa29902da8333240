"""Tracked-link and promo-code tests: a brand with its team (tests/support/posts.build_team: a Telegram and an X
channel), an influencer manager, finance, a Russian-speaking manager, another brand's manager, and a campaign
with a post (on Telegram), a deal and its deliverable (a `ru` deal, the deliverable with an erid).

DNS: a link's target must resolve to public addresses (links/service.py: the guard's check, any refusal
refuses). The tests' names under `.example` (shop.example, пример.рф's punycode …) resolve to PUBLIC here
(`public_dns`, autouse); `private.example` to 10.0.0.5; `nowhere.example` and every other name go to the system
resolver (nothing here resolves: a refusal)."""
from __future__ import annotations

import json
import socket

import pytest

from tests.support.campaigns import add_campaign, add_member
from tests.support.deals import add_deal, add_deliverable
from tests.support.factories import make_brand
from tests.support.posts import build_team, new_post

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Safari/537.36")


PUBLIC = "93.184.215.14"
ANSWERS = {"private.example": "10.0.0.5", "nowhere.example": None}


def _answers(host) -> str | None:
    name = (host.decode() if isinstance(host, bytes) else str(host or "")).lower().rstrip(".")
    if name in ANSWERS:
        return ANSWERS[name]
    if name.endswith((".example", ".example.com", ".xn--p1ai", ".рф")) or name == "xn--fa-hia.de":
        return PUBLIC
    return "system"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        answer = _answers(host)
        if answer == "system":
            return real(host, port, *args, **kwargs)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture(autouse=True)
def fresh_salts():
    from chalicelib.campaigns.links import clicks

    clicks.forget_salts()
    yield
    clicks.forget_salts()


def as_json(response):
    return json.loads(response.body)


def link_of(client, user, campaign_id: str, **fields):
    """POST a link (201 asserted) and answer it."""
    data = {"target_url": "https://shop.example/winter?ref=tg", "label": "Winter landing", **fields}
    r = client.post(f"/v1/campaigns/{campaign_id}/links", headers=user.headers, body=json.dumps(data))
    assert r.status_code == 201, r.body
    return as_json(r)


def click(client, code: str, agent: str = CHROME, method: str = "GET", **headers):
    return client.request(method, f"/r/{code}", headers={"User-Agent": agent, **headers}, body=b"")


@pytest.fixture
def shop(client, make_user):
    team = build_team(client, make_user)
    brand = team["brand"]
    campaign = add_campaign(brand.id)
    post = new_post(client, team, campaign_id=campaign.id)
    add_member(campaign, "post", post["id"])
    deal = add_deal({"brand": brand}, campaign_id=campaign.id)
    add_member(campaign, "deal", deal.id)
    deliverable = add_deliverable(deal)
    other_brand = make_brand()
    return {**team, "campaign": campaign, "post": post, "deal": deal, "deliverable": deliverable,
            "influencer_manager": make_user("influencer_manager", brand=brand),
            "finance": make_user("finance", brand=brand),
            "russian": make_user("smm_manager", brand=brand, language="ru"),
            "outsider": make_user("smm_manager", brand=other_brand), "other_brand": other_brand}
