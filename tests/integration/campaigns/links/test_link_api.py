"""POST/GET /v1/campaigns/{id}/links: the tagged URL for a post, a deal, a deliverable (erid) and the campaign
alone; what is refused (targets, subjects of another campaign, two subjects), in the caller's language; who may."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from chalicelib.core.settings import get_settings
from tests.integration.campaigns.links.conftest import as_json, link_of
from tests.support.campaigns import add_campaign
from tests.support.deals import add_deal, add_deliverable


def params(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def post_link(client, user, campaign_id, **data):
    return client.post(f"/v1/campaigns/{campaign_id}/links", headers=user.headers, body=json.dumps(data))


def field_of(response) -> str:
    return as_json(response)["error"]["details"][0]["field"]


def test_a_deliverables_link_carries_the_handle_its_id_and_the_erid(client, shop):
    item = shop["deliverable"]
    link = link_of(client, shop["smm_manager"], shop["campaign"].id, deliverable_id=item.id)
    assert re.fullmatch(r"[23456789abcdefghjkmnpqrstuvwxyz]{8}", link["code"])
    assert link["short_url"] == f"{get_settings().PUBLIC_BASE_URL.rstrip('/')}/r/{link['code']}"
    assert link["tagged_url"].startswith("https://shop.example/winter?ref=tg&utm_source=")
    assert params(link["tagged_url"]) == {"ref": "tg", "utm_source": item.handle.lstrip("@").lower(),
                                          "utm_medium": "influencer", "utm_campaign": "winter-2026",
                                          "utm_content": item.id, "erid": "2VtzqxKf7Hb"}
    assert (link["deliverable_id"], link["deal_id"], link["post_id"]) == (item.id, shop["deal"].id, None)
    assert (link["clicks"], link["uniques"], link["label"]) == (0, 0, "Winter landing")


def test_a_posts_link_takes_its_network(client, shop):
    link = link_of(client, shop["content_manager"], shop["campaign"].id, post_id=shop["post"]["id"])
    tags = params(link["tagged_url"])
    assert (tags["utm_source"], tags["utm_content"], tags["utm_medium"]) == ("telegram", shop["post"]["id"], "influencer")
    assert "erid" not in tags and link["post_id"] == shop["post"]["id"]


def test_a_deals_link_has_no_erid_and_a_ftc_deliverable_neither(client, shop):
    deal_link = link_of(client, shop["influencer_manager"], shop["campaign"].id, deal_id=shop["deal"].id)
    assert params(deal_link["tagged_url"])["utm_content"] == shop["deal"].id
    assert "erid" not in params(deal_link["tagged_url"])
    ftc = add_deal({"brand": shop["brand"]}, campaign_id=shop["campaign"].id, disclosure="ftc")
    item = add_deliverable(ftc)
    link = link_of(client, shop["smm_manager"], shop["campaign"].id, deliverable_id=item.id)
    assert "erid" not in params(link["tagged_url"])


def test_a_campaign_link_and_the_campaigns_own_utm_source(client, shop):
    campaign = add_campaign(shop["brand"].id, utm_source="newsletter", utm_campaign=None, name="Spring Sale")
    link = link_of(client, shop["smm_manager"], campaign.id, target_url="https://shop.example")
    assert link["tagged_url"] == ("https://shop.example/?utm_source=newsletter&utm_medium=influencer"
                                  "&utm_campaign=spring-sale")


def test_the_list_has_every_link_newest_first_with_clicks(client, shop):
    first = link_of(client, shop["smm_manager"], shop["campaign"].id, label="First")
    second = link_of(client, shop["smm_manager"], shop["campaign"].id, label="Second")
    client.get(f"/r/{first['code']}", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"})
    r = client.get(f"/v1/campaigns/{shop['campaign'].id}/links", headers=shop["finance"].headers)
    assert r.status_code == 200, r.body
    items = as_json(r)["items"]
    assert [i["code"] for i in items] == [second["code"], first["code"]]
    assert [(i["clicks"], i["uniques"]) for i in items] == [(0, 0), (1, 1)]


@pytest.mark.parametrize("target, key", [
    ("javascript:alert(1)", "target_scheme"),
    ("data:text/html,hi", "target_scheme"),
    ("//evil.example/", "target_scheme"),
    ("https://user:pw@shop.example/", "target_credentials"),
    ("http://127.0.0.1/admin", "target_refused"),
    ("http://169.254.169.254/latest/meta-data", "target_refused"),
    ("https://10.1.2.3/", "target_refused"),
    ("https://shop.example:8080/", "target_refused"),
    ("https://shop.example/a b", "target_spaces"),
    ("", "target_required"),
])
def test_refused_targets_are_422_naming_the_field(client, shop, target, key):
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url=target, label="X")
    assert r.status_code == 422, r.body
    error = as_json(r)["error"]
    assert error["details"][0]["field"] == "target_url"
    assert error["details"][0]["key"] == f"campaign_links.error.{key}"
    assert error["message"] and "{" not in error["message"]


def test_a_target_of_our_own_short_links_is_refused(client, shop):
    own = f"{get_settings().PUBLIC_BASE_URL.rstrip('/')}/r/abcd2345"
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url=own, label="Loop")
    assert r.status_code == 422 and as_json(r)["error"]["details"][0]["key"] == "campaign_links.error.target_loop"


def test_the_label_is_required(client, shop):
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url="https://shop.example/", label="  ")
    assert r.status_code == 422 and field_of(r) == "label"
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url="https://shop.example/")
    assert r.status_code == 422 and "label" in r.body.decode()


def test_subjects_must_be_the_campaigns_and_one_at_most(client, shop):
    campaign, smm = shop["campaign"], shop["smm_manager"]
    other = add_campaign(shop["brand"].id, name="Other")
    foreign_deal = add_deal({"brand": shop["brand"]}, campaign_id=other.id)
    foreign_item = add_deliverable(foreign_deal)
    loose_deal = add_deal({"brand": shop["brand"]})
    base = {"target_url": "https://shop.example/", "label": "X"}
    cases = [({"post_id": shop["post"]["id"], "deal_id": shop["deal"].id}, "deal_id", "one_subject"),
             ({"deal_id": foreign_deal.id}, "deal_id", "deal_not_in_campaign"),
             ({"deal_id": loose_deal.id}, "deal_id", "deal_not_in_campaign"),
             ({"deliverable_id": foreign_item.id}, "deliverable_id", "deliverable_not_in_campaign"),
             ({"post_id": "01nosuchpost"}, "post_id", "post_not_in_campaign")]
    for subject, field, key in cases:
        r = post_link(client, smm, campaign.id, **base, **subject)
        assert r.status_code == 422, (subject, r.body)
        detail = as_json(r)["error"]["details"][0]
        assert (detail["field"], detail["key"]) == (field, f"campaign_links.error.{key}"), subject
    r = post_link(client, smm, other.id, **base, post_id=shop["post"]["id"])  # the post is of the first campaign
    assert r.status_code == 422 and field_of(r) == "post_id"


def test_a_russian_speaker_is_answered_in_russian(client, shop):
    r = post_link(client, shop["russian"], shop["campaign"].id, target_url="ftp://shop.example/", label="X")
    assert r.status_code == 422
    assert as_json(r)["error"]["message"] == "Адрес должен начинаться с http:// или https://."


def test_who_may_read_and_create(client, shop):
    campaign_id = shop["campaign"].id
    data = {"target_url": "https://shop.example/", "label": "X"}
    for who in ("copywriter", "designer", "finance"):
        assert post_link(client, shop[who], campaign_id, **data).status_code == 403, who
        assert client.get(f"/v1/campaigns/{campaign_id}/links", headers=shop[who].headers).status_code == 200, who
    assert post_link(client, shop["client_approver"], campaign_id, **data).status_code == 403
    assert client.get(f"/v1/campaigns/{campaign_id}/links", headers=shop["client_approver"].headers).status_code == 403
    assert post_link(client, shop["outsider"], campaign_id, **data).status_code == 404
    assert client.get(f"/v1/campaigns/{campaign_id}/links", headers=shop["outsider"].headers).status_code == 404
    assert client.post(f"/v1/campaigns/{campaign_id}/links", body=json.dumps(data),
                       headers={"Content-Type": "application/json"}).status_code == 401
    assert post_link(client, shop["smm_manager"], "01nosuchcampaign", **data).status_code == 404


def test_an_archived_campaign_takes_no_new_links(client, shop):
    archived = add_campaign(shop["brand"].id, status="archived")
    r = post_link(client, shop["smm_manager"], archived.id, target_url="https://shop.example/", label="X")
    assert r.status_code == 409, r.body


def test_unknown_fields_and_bad_ids_are_422(client, shop):
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url="https://shop.example/", label="X",
                  deal_id="../etc")
    assert r.status_code == 422
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url="https://shop.example/", label="X",
                  redirect_to="https://evil.example/")
    assert r.status_code == 422


@pytest.mark.parametrize("target, key", [
    ("http://10.0.0.1./", "target_refused"),  # a trailing dot makes no other address
    ("http://127.0.0.1./x", "target_refused"),
    ("https://private.example/", "target_refused"),  # a name resolving to 10.0.0.5
    ("http://intranet/", "target_single_label"),
    ("http://intranet./", "target_single_label"),
    ("https://nowhere.example/", "target_unresolved"),  # no later fetch would check it again: refused now
    ("https://faß.de/x", "target_host"),  # IDNA 2003 reads fass.de, a different domain
    ("https://ex\u00adample.com/", "target_host"),
    ("https://ｓｈｏｐ.example/", "target_host"),
])
def test_private_internal_and_ambiguous_targets_are_refused(client, shop, target, key):
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url=target, label="X")
    assert r.status_code == 422, (target, r.body)
    assert as_json(r)["error"]["details"][0] == as_json(r)["error"]["details"][0] | {
        "field": "target_url", "key": f"campaign_links.error.{key}"}


def test_an_idn_target_is_idna_2008_ascii(client, shop):
    link = link_of(client, shop["smm_manager"], shop["campaign"].id, target_url="https://Пример.рф/каталог")
    assert link["tagged_url"].startswith("https://xn--e1afmkfd.xn--p1ai/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3?")


@pytest.mark.parametrize("path", ["/./r/abcd2345", "/x/../r/abcd2345", "//r/abcd2345", "/%72/abcd2345", "/R/abcd2345"])
def test_our_own_short_links_are_refused_however_spelled(client, shop, path):
    base = get_settings().PUBLIC_BASE_URL.rstrip("/")
    for url in (base + path, base.replace("127.0.0.1", "127.0.0.1.") + path):
        r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url=url, label="Loop")
        assert r.status_code == 422, (url, r.body)
        assert as_json(r)["error"]["details"][0]["key"] == "campaign_links.error.target_loop", url


def test_a_ru_deliverable_without_an_erid_is_refused_until_it_has_one(client, shop):
    item = add_deliverable(shop["deal"], erid=None)  # the shop's deal is a `ru` one
    r = post_link(client, shop["smm_manager"], shop["campaign"].id, target_url="https://shop.example/", label="X",
                  deliverable_id=item.id)
    assert r.status_code == 422, r.body
    assert as_json(r)["error"]["details"][0] | {"message": None, "params": None} == {
        "field": "deliverable_id", "key": "campaign_links.error.erid_required", "message": None, "params": None}
    r = post_link(client, shop["russian"], shop["campaign"].id, target_url="https://shop.example/", label="X",
                  deliverable_id=item.id)
    assert "erid" in as_json(r)["error"]["message"]


def test_a_ru_deliverables_link_carries_only_our_erid(client, shop):
    link = link_of(client, shop["smm_manager"], shop["campaign"].id, deliverable_id=shop["deliverable"].id,
                   target_url="https://shop.example/?erid=OLD1&x=1;ERID=OLD2&Erid=OLD3")
    tags = parse_qsl(urlsplit(link["tagged_url"]).query.replace(";", "&"))
    assert [v for k, v in tags if k.lower() == "erid"] == ["2VtzqxKf7Hb"] and "OLD" not in link["tagged_url"]


def test_a_subjects_network_or_handle_beats_the_campaigns_utm_source(client, shop):
    from chalicelib.campaigns.models import CampaignItem

    campaign = shop["campaign"]
    campaign.update(actions=[CampaignItem.utm_source.set("newsletter")])
    post = link_of(client, shop["smm_manager"], campaign.id, post_id=shop["post"]["id"])
    item = link_of(client, shop["smm_manager"], campaign.id, deliverable_id=shop["deliverable"].id)
    alone = link_of(client, shop["smm_manager"], campaign.id)
    assert params(post["tagged_url"])["utm_source"] == "telegram"
    assert params(item["tagged_url"])["utm_source"] == shop["deliverable"].handle.lstrip("@").lower()
    assert params(alone["tagged_url"])["utm_source"] == "newsletter"


def test_the_list_has_every_link_beyond_a_thousand(client, shop):
    """No silent limit: 1,001 links (written straight to the table: the API would take minutes), all listed."""
    from chalicelib.campaigns.links import repo
    from chalicelib.campaigns.models import LinkItem

    campaign = add_campaign(shop["brand"].id, name="Many links")
    with LinkItem.batch_write() as batch:
        for n in range(1001):
            batch.save(repo.new_link(code=f"many{campaign.id[-8:]}{n:04d}", campaign_id=campaign.id,
                                     brand_id=campaign.brand_id, label=f"L{n}", target_url="https://shop.example/",
                                     tagged_url="https://shop.example/?utm_source=x",
                                     created_at=f"2026-12-01T10:00:00.{n:06d}Z", created_by="tests"))
    r = client.get(f"/v1/campaigns/{campaign.id}/links", headers=shop["finance"].headers)
    assert r.status_code == 200
    labels = [i["label"] for i in as_json(r)["items"]]
    assert len(labels) == 1001 and labels[0] == "L1000" and labels[-1] == "L0"
