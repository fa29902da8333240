"""Which version the evidence calls approved (evidence.approved_number), read back from the PDF: a published post
archived later (the version its publication went out with), an approved post archived before it went out (the
final stage's decision), a post edited after approval (not approved, the new version), a post approved without
a chain (who sent it and when, from the audit), and a blogger's draft under creative approval (the approved
draft's text and version, who approved it and when)."""
from __future__ import annotations

import pytest

from tests.integration.campaigns.evidence.test_evidence_pdf import PDF, attach_post, rename, text_of, went_out
from tests.support.posts import approve_post, call


@pytest.fixture
def named(client, team):
    from tests.support.campaigns import add_campaign

    rename(team["content_manager"], "Мария Петрова")
    rename(team["smm_manager"], "John Smith")
    return {**team, "campaign": add_campaign(team["brand"].id, name="Весна")}


def evidence_text(client, crew) -> str:
    r = call(client, "get", f"/v1/campaigns/{crew['campaign'].id}/evidence.pdf", crew["smm_manager"], headers=PDF)
    assert r.status_code == 200, r.body
    return text_of(r.body)


def archive(client, crew, post_id: str) -> None:
    r = call(client, "post", f"/v1/posts/{post_id}/archive", crew["smm_manager"])
    assert r.status_code == 200, r.body


def test_a_published_post_archived_later_is_approved_at_the_version_that_went_out(client, named):
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    post = approve_post(client, named, title="Вышел и в архиве", body="Текст, который вышел",
                        channel_ids=[named["tg"]])
    attach_post(named["campaign"], post["id"])
    went_out(post["id"], named["tg"], "https://t.me/acme/43")
    PostItem(*post_key(post["id"])).update(actions=[PostItem.status.set("published")], add_version_condition=False)
    archive(client, named, post["id"])
    text = evidence_text(client, named)
    assert "Archived" in text and "Approved version" in text and "Version 1" in text
    assert "not approved" not in text and "Current version" not in text
    assert "Текст, который вышел" in text and "Мария Петрова" in text and "John Smith" in text
    assert "Content review" in text and "SMM sign-off" in text and "https://t.me/acme/43" in text


def test_an_approved_post_archived_before_it_went_out_is_approved(client, named):
    post = approve_post(client, named, title="Одобрен, но снят", body="Так и не вышел")
    attach_post(named["campaign"], post["id"])
    archive(client, named, post["id"])
    text = evidence_text(client, named)
    assert "Approved version" in text and "not approved" not in text and "John Smith" in text


def test_a_post_edited_after_approval_is_not_approved_at_its_new_version(client, named):
    post = approve_post(client, named, title="Исправленный", body="Первый текст")
    attach_post(named["campaign"], post["id"])
    r = call(client, "patch", f"/v1/posts/{post['id']}", named["copywriter"], {"version": 1, "body": "Второй текст"})
    assert r.status_code == 200, r.body
    archive(client, named, post["id"])
    text = evidence_text(client, named)
    assert "Current version" in text and "Version 2" in text and "not approved" in text
    assert "Второй текст" in text and "Первый текст" not in text
    assert "Мария Петрова" not in text  # the decisions were on version 1
    assert "No decisions on this version yet." in text


def test_a_post_approved_without_a_chain_says_who_sent_it_and_when(client, make_user):
    from chalicelib.audit import repo as audit_repo
    from chalicelib.brands import repo as brand_repo
    from chalicelib.core.plain import plain
    from chalicelib.deals.page_display import Shown
    from tests.support.campaigns import add_campaign
    from tests.support.factories import ACTOR, make_brand
    from tests.support.posts import body, new_post

    brand = make_brand(timezone="Europe/Berlin")
    brand_repo.update(ACTOR, brand, {"settings": {**plain(brand.settings), "approve_without_chain": True}})
    crew = {"brand": brand, "copywriter": make_user("copywriter", brand=brand),
            "smm_manager": make_user("smm_manager", brand=brand)}
    rename(crew["copywriter"], "Ольга Иванова")
    crew["tg"] = body(call(client, "post", f"/v1/brands/{brand.id}/channels", crew["smm_manager"],
                           {"platform": "telegram", "name": "TG", "external_id": "@acme"}))["id"]
    crew["campaign"] = add_campaign(brand.id, name="Без цепочки")
    post = new_post(client, crew, title="Без согласования", body="Сразу в план")
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", crew["copywriter"])
    assert r.status_code == 200 and body(r)["status"] == "scheduled", r.body
    attach_post(crew["campaign"], post["id"])
    archive(client, crew, post["id"])  # archived: that it was approved is known from the audit alone
    [sent] = [e for e in audit_repo.list_entries(brand.id, "post", post["id"], None, 50).items if e.action == "submit"]
    at = " ".join(Shown("en").instant(sent.at, "Europe/Berlin").removesuffix(" (Europe/Berlin)").split())
    text = evidence_text(client, crew)
    assert "Approved version" in text and "not approved" not in text and "Сразу в план" in text
    assert f"Approved without an approval chain: sent for approval by Ольга Иванова, {at}" in text.replace("\n", " ")


def test_a_bloggers_approved_draft_is_shown_with_who_approved_it(client, named, make_user, outbox):
    from chalicelib.deals.models import DealItem
    from chalicelib.deals.repo import deal_key
    from tests.support.campaigns import add_member
    from tests.support.deal_drafts import creative_deal, decide, deliverable, draft_link, path_of, send_draft

    crew = {**named, "influencer_manager": make_user("influencer_manager", brand=named["brand"])}
    deal, item, _ = creative_deal(client, crew)
    DealItem(*deal_key(deal["id"])).update(actions=[DealItem.campaign_id.set(named["campaign"].id)],
                                           add_version_condition=False)
    add_member(named["campaign"], "deal", deal["id"])
    path = path_of(draft_link(client, crew, item["id"])["url"])
    _, sent = send_draft(client, path, text="Первый черновик ANNA10 #autumn")
    assert sent.status_code == 200
    post_id = deliverable(item["id"]).post_id
    decide(client, crew, post_id, "request_changes", comment="Промокод в начало")
    _, again = send_draft(client, path, text="ANNA10 — весенний запуск #autumn")
    assert again.status_code == 200
    decide(client, crew, post_id, "approve", who="content_manager")
    decide(client, crew, post_id, "approve", who="smm_manager")
    assert deliverable(item["id"]).status == "approved"

    text = evidence_text(client, named)
    assert "The blogger's draft (creative approval)" in text
    assert "ANNA10 — весенний запуск #autumn" in text and "Первый черновик" not in text
    assert "Approved version" in text and "Version 3" in text and "https://cdn.example.com/a.jpg" in text
    assert "Мария Петрова" in text and "John Smith" in text and "SMM sign-off" in text
    assert "Промокод в начало" not in text  # a decision on an earlier draft
    ru = call(client, "get", f"/v1/campaigns/{named['campaign'].id}/evidence.pdf?lang=ru", named["smm_manager"],
              headers=PDF)
    assert "Черновик блогера (согласование креатива)" in text_of(ru.body)


def test_a_draft_of_another_brand_is_not_shown(client, named, make_user, outbox):
    """Defence in depth: a deliverable naming a post of another brand shows no draft."""
    from chalicelib.deals.models import DeliverableItem
    from tests.support.campaigns import add_member
    from tests.support.deals import add_deal, add_deliverable
    from tests.support.posts import build_team

    other = build_team(client, make_user)
    foreign = approve_post(client, other, title="Чужой", body="Чужой текст бренда")
    deal = add_deal({"brand": named["brand"]}, campaign_id=named["campaign"].id, status="signed")
    add_member(named["campaign"], "deal", deal.id)
    item = add_deliverable(deal)
    item.update(actions=[DeliverableItem.post_id.set(foreign["id"])])
    text = evidence_text(client, named)
    assert "Чужой текст бренда" not in text and "creative approval" not in text
