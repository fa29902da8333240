"""Promo codes: normalised to upper case, 3–32 of A–Z 0–9 _ -, unique within the brand (409 promo_code_taken, also
when eight managers race for one code), free again once removed; the deals' codes offered until registered."""
from __future__ import annotations

import json
import threading

from chalicelib.campaigns.links import repo
from tests.integration.campaigns.links.conftest import as_json
from tests.support.campaigns import add_campaign, add_member
from tests.support.deals import add_deal


def promo(client, user, campaign_id, **data):
    return client.post(f"/v1/campaigns/{campaign_id}/promo-codes", headers=user.headers, body=json.dumps(data))


def listed(client, user, campaign_id) -> dict:
    r = client.get(f"/v1/campaigns/{campaign_id}/promo-codes", headers=user.headers)
    assert r.status_code == 200, r.body
    return as_json(r)


def test_a_code_is_upper_cased_and_given_to_its_deal(client, shop):
    r = promo(client, shop["smm_manager"], shop["campaign"].id, code=" winter-10 ", deal_id=shop["deal"].id)
    assert r.status_code == 201, r.body
    assert as_json(r) | {"created_at": None} == {"code": "WINTER-10", "campaign_id": shop["campaign"].id,
                                                  "deal_id": shop["deal"].id, "deliverable_id": None, "post_id": None,
                                                  "created_at": None, "created_by": shop["smm_manager"].id}
    owner = repo.promo_owner(shop["brand"].id, "WINTER-10")
    assert owner.campaign_id == shop["campaign"].id
    assert [p["code"] for p in listed(client, shop["finance"], shop["campaign"].id)["items"]] == ["WINTER-10"]
    assert [p.code for p in repo.promos_of(shop["campaign"].id)] == ["WINTER-10"]


def test_a_deliverables_code_names_its_deal_too(client, shop):
    r = promo(client, shop["smm_manager"], shop["campaign"].id, code="ANNA_TG", deliverable_id=shop["deliverable"].id)
    assert r.status_code == 201, r.body
    assert (as_json(r)["deliverable_id"], as_json(r)["deal_id"]) == (shop["deliverable"].id, shop["deal"].id)


def test_a_code_is_unique_within_the_brand(client, shop, make_user):
    smm = shop["smm_manager"]
    assert promo(client, smm, shop["campaign"].id, code="SNOW").status_code == 201
    spring = add_campaign(shop["brand"].id, name="Spring")
    for campaign_id, code in ((spring.id, "SNOW"), (spring.id, "snow"), (shop["campaign"].id, "Snow")):
        r = promo(client, smm, campaign_id, code=code)
        assert r.status_code == 409, r.body
        assert as_json(r)["error"]["code"] == "promo_code_taken"
        assert "SNOW" in as_json(r)["error"]["message"]
    r = promo(client, shop["russian"], spring.id, code="snow")
    assert as_json(r)["error"]["message"] == "Промокод SNOW уже зарегистрирован в кампании этого бренда."
    other = add_campaign(shop["other_brand"].id)  # another brand may have the same code
    assert promo(client, shop["outsider"], other.id, code="SNOW").status_code == 201


def test_removing_frees_the_code(client, shop):
    smm, campaign_id = shop["smm_manager"], shop["campaign"].id
    assert promo(client, smm, campaign_id, code="FREEZE").status_code == 201
    r = client.delete(f"/v1/campaigns/{campaign_id}/promo-codes?code=freeze", headers=smm.headers)
    assert r.status_code == 204, r.body
    assert repo.promo(campaign_id, "FREEZE") is None and repo.promo_owner(shop["brand"].id, "FREEZE") is None
    r = client.delete(f"/v1/campaigns/{campaign_id}/promo-codes?code=FREEZE", headers=smm.headers)
    assert r.status_code == 404
    spring = add_campaign(shop["brand"].id, name="Spring")
    assert promo(client, smm, spring.id, code="FREEZE").status_code == 201
    r = client.delete(f"/v1/campaigns/{campaign_id}/promo-codes?code=FREEZE", headers=smm.headers)
    assert r.status_code == 404  # another campaign's code is not removed through this one
    assert repo.promo_owner(shop["brand"].id, "FREEZE").campaign_id == spring.id


def test_bad_codes_and_subjects_are_422(client, shop):
    smm, campaign_id = shop["smm_manager"], shop["campaign"].id
    for code in ("AB", "A" * 33, "WINTER 10", "ЗИМА10", "WIN$", ""):
        r = promo(client, smm, campaign_id, code=code)
        assert r.status_code == 422, code
        assert as_json(r)["error"]["details"][0]["field"] == "code"
    loose = add_deal({"brand": shop["brand"]})
    r = promo(client, smm, campaign_id, code="LOOSE", deal_id=loose.id)
    assert r.status_code == 422 and as_json(r)["error"]["details"][0]["field"] == "deal_id"
    r = promo(client, smm, campaign_id, code="TWO", deal_id=shop["deal"].id, post_id=shop["post"]["id"])
    assert r.status_code == 422
    assert repo.promo_owner(shop["brand"].id, "LOOSE") is None and repo.promo_owner(shop["brand"].id, "TWO") is None


def test_who_may(client, shop):
    campaign_id = shop["campaign"].id
    for who in ("copywriter", "finance", "client_approver"):
        assert promo(client, shop[who], campaign_id, code="NOPE").status_code == 403, who
    assert promo(client, shop["outsider"], campaign_id, code="NOPE").status_code == 404
    assert client.get(f"/v1/campaigns/{campaign_id}/promo-codes", headers=shop["copywriter"].headers).status_code == 200
    assert client.get(f"/v1/campaigns/{campaign_id}/promo-codes", headers=shop["outsider"].headers).status_code == 404
    assert client.delete(f"/v1/campaigns/{campaign_id}/promo-codes?code=NOPE",
                         headers=shop["finance"].headers).status_code == 403


def test_the_deals_codes_are_offered_until_registered(client, shop):
    """The shop's deal carries ANNA20 in its terms (tests/support/deals.TERMS)."""
    found = listed(client, shop["smm_manager"], shop["campaign"].id)
    assert found["suggested"] == [{"deal_id": shop["deal"].id, "title": shop["deal"].title, "code": "ANNA20"}]
    assert promo(client, shop["smm_manager"], shop["campaign"].id, code="anna20", deal_id=shop["deal"].id).status_code == 201
    assert listed(client, shop["smm_manager"], shop["campaign"].id)["suggested"] == []


def test_a_code_another_campaign_has_is_not_offered(client, shop):
    spring = add_campaign(shop["brand"].id, name="Spring")
    deal = add_deal({"brand": shop["brand"]}, campaign_id=spring.id, terms={"promo_code": "ANNA20"})
    add_member(spring, "deal", deal.id)
    assert [s["code"] for s in listed(client, shop["smm_manager"], spring.id)["suggested"]] == ["ANNA20"]
    assert promo(client, shop["smm_manager"], shop["campaign"].id, code="ANNA20").status_code == 201
    assert listed(client, shop["smm_manager"], spring.id)["suggested"] == []


def test_eight_campaigns_racing_for_one_code_one_wins(client, shop):
    """Through the service (chalice's test client serves one request at a time): eight managers, eight campaigns."""
    from chalicelib.campaigns.links import promos
    from chalicelib.campaigns.links.problems import PromoCodeTaken
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.principal import Principal

    principal = Principal.from_user(user_repo.get(shop["smm_manager"].id))
    campaigns = [add_campaign(shop["brand"].id, name=f"Race {n}") for n in range(8)]
    outcomes: list[str] = []
    start = threading.Barrier(len(campaigns))

    def take(campaign):
        start.wait()
        try:
            promos.create(principal, campaign.id, code="RACE")
            outcomes.append(campaign.id)
        except PromoCodeTaken:
            outcomes.append("taken")

    threads = [threading.Thread(target=take, args=(c,)) for c in campaigns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "taken"]
    assert len(outcomes) == 8 and len(winners) == 1
    assert repo.promo_owner(shop["brand"].id, "RACE").campaign_id == winners[0]
    assert sum(len(repo.promos_of(c.id)) for c in campaigns) == 1


def test_non_ascii_codes_are_refused_not_folded_into_ascii(client, shop):
    """Unicode upper-casing makes "straße" STRASSE and "ﬁx10" FIX10: such codes are refused as written."""
    smm, campaign_id = shop["smm_manager"], shop["campaign"].id
    for code in ("straße", "ﬁx10", "ǆango"):
        r = promo(client, smm, campaign_id, code=code)
        assert r.status_code == 422, (code, r.body)
        assert as_json(r)["error"]["details"][0]["field"] == "code"
    assert repo.promos_of(campaign_id) == []
    assert promo(client, smm, campaign_id, code="strasse").status_code == 201  # the ASCII code itself is fine
