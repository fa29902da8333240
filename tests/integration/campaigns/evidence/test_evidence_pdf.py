"""The evidence export (GET /v1/campaigns/{id}/evidence.pdf), read back with pypdf: an approved, published post
(the approved text, the approvers by name, the time it went out in the brand's zone, the link) and a checked
deliverable (the deal, the blogger, the agreed time, the URL, the erid, the checks with findings), in English
and in Russian with the Cyrillic intact; who may have it; the browser's download link."""
from __future__ import annotations

import io
import re

import pytest

from tests.support.posts import approve_post, call

PDF = {"Accept": "application/pdf"}
BODY = "Тыквенный латте вернулся! Скидка 20 % по промокоду ЗИМА"
PUBLISHED_AT = "2026-12-01T09:07:00.000000Z"  # 10:07 in Berlin (the brand's zone)


def text_of(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def rename(user, name: str) -> None:
    from chalicelib.identity import repo as user_repo
    from tests.support.factories import ACTOR

    user_repo.update_profile(ACTOR, user_repo.get(user.id), name=name)


def attach_post(campaign, post_id: str) -> None:
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from tests.support.campaigns import add_member

    PostItem(*post_key(post_id)).update(actions=[PostItem.campaign_id.set(campaign.id)], add_version_condition=False)
    add_member(campaign, "post", post_id)


def went_out(post_id: str, channel_id: str, url: str) -> None:
    from chalicelib.publishing import repo
    from chalicelib.publishing.models import TargetItem

    target = repo.get(repo.target_id(post_id, channel_id))
    target.update(actions=[TargetItem.state.set("published"), TargetItem.published_at.set(PUBLISHED_AT),
                           TargetItem.url.set(url), TargetItem.gsi2pk.remove(), TargetItem.gsi2sk.remove()])


def add_check(item, kind: str, checked_at: str, result: str, findings: list, n: int = 0):
    from chalicelib.placements import repo

    check = repo.new_check(check_id=repo.planned_id(item.id, 1, kind, n), item=item, deal_id=item.deal_id, round_=1,
                           kind=kind, due=checked_at, url=item.url, queued=False)
    check.state, check.checked_at, check.result, check.findings = "done", checked_at, result, findings
    check.save()
    return check


@pytest.fixture
def evidence(client, team):
    from chalicelib.deals.models import DeliverableItem
    from tests.support.campaigns import add_campaign, add_member
    from tests.support.deals import add_account, add_deal, add_deliverable, add_influencer

    rename(team["content_manager"], "Мария Петрова")
    rename(team["smm_manager"], "John Smith")
    brand = team["brand"]
    campaign = add_campaign(brand.id, name="Зимняя коллекция")
    post = approve_post(client, team, title="Зимний латте", body=BODY, channel_ids=[team["tg"]])
    attach_post(campaign, post["id"])
    went_out(post["id"], team["tg"], "https://t.me/acme/42")
    draft = approve_post(client, team, title="Не в кампании")  # another post of the brand: not in the evidence
    influencer = add_influencer(brand.id, display_name="Анна готовит")
    deal = add_deal({"brand": brand}, influencer, campaign_id=campaign.id, status="signed", title="Зимний обзор")
    add_member(campaign, "deal", deal.id)
    item = add_deliverable(deal, add_account(influencer, handle="@anna_tg"), wall="2026-12-02T18:00",
                           timezone="Europe/Moscow", erid="2VtzqxKf7Hb")
    item.update(actions=[DeliverableItem.url.set("https://t.me/anna_tg/7"),
                         DeliverableItem.published_at.set("2026-12-02T15:20:00.000000Z"),
                         DeliverableItem.check_result.set("fail")])
    add_check(item, "initial", "2026-12-02T15:30:00.000000Z", "pass", [])
    add_check(item, "final", "2026-12-05T15:30:00.000000Z", "fail",
              [{"rule": "too_late", "severity": "fail", "expected": "18:00 ± 30", "actual": "18:20"}])
    return {**team, "campaign": campaign, "post": post, "other_post": draft, "deal": deal, "item": item}


def test_the_evidence_pdf_holds_every_post_and_deliverable(client, evidence):
    r = call(client, "get", f"/v1/campaigns/{evidence['campaign'].id}/evidence.pdf", evidence["smm_manager"],
             headers=PDF)
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"] == "application/pdf" and "attachment" in r.headers["Content-Disposition"]
    text = text_of(r.body)
    assert "Evidence: Зимняя коллекция" in text and "Europe/Berlin" in text
    # the post: the approved version's text, who approved it (names, not emails) and when it went out
    assert "Зимний латте" in text and "Approved version" in text and "Version 1" in text
    assert "Тыквенный латте вернулся!" in text and "ЗИМА" in text
    assert "Мария Петрова" in text and "John Smith" in text and "@example.com" not in text
    assert "Content review" in text and "SMM sign-off" in text
    assert "Dec 1, 2026, 10:07 AM" in text and "https://t.me/acme/42" in text and "Published" in text
    assert "Не в кампании" not in text
    # the deliverable: deal, blogger, account, agreed time and window, URL, erid, checks and findings
    assert "Анна готовит" in text and "@anna_tg" in text and "Зимний обзор" in text
    assert evidence["deal"].contract_number in text
    assert "Dec 2, 2026, 6:00 PM (Europe/Moscow)" in text and "30 minutes before" in text
    assert "https://t.me/anna_tg/7" in text and "2VtzqxKf7Hb" in text
    assert "First check" in text and "Passed" in text and "Failed" in text
    assert "Published too late" in text and "expected 18:00 ± 30, found 18:20" in text


def test_in_russian_the_cyrillic_is_intact(client, evidence):
    r = call(client, "get", f"/v1/campaigns/{evidence['campaign'].id}/evidence.pdf?lang=ru",
             evidence["content_manager"], headers=PDF)
    assert r.status_code == 200, r.body
    text = text_of(r.body)
    assert "Подтверждение размещений: Зимняя коллекция" in text
    assert "Согласованная версия" in text and "Размещения у блогеров" in text and "Проверки размещения" in text
    assert "Тыквенный латте вернулся! Скидка 20 % по промокоду ЗИМА" in text
    assert "Мария Петрова" in text and "1 дек. 2026 г., 10:07" in text
    assert "Опубликовано слишком поздно" in text and "Не пройдена" in text


def test_a_browser_gets_a_short_lived_download_link(client, evidence):
    from tests.support.web import as_user

    browser = as_user(client, evidence["smm_manager"])
    r = browser.get(f"/v1/campaigns/{evidence['campaign'].id}/evidence.pdf",
                    headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 303, r.body
    location = r.headers["Location"]
    assert "/files/" in location
    download = client.get(location[location.index("/files/"):], headers={"Accept": "application/pdf"})
    assert download.status_code == 200 and "Мария Петрова" in text_of(download.body)


def test_who_may_have_it(client, evidence, make_user):
    from tests.support.factories import make_brand

    path = f"/v1/campaigns/{evidence['campaign'].id}/evidence.pdf"
    assert call(client, "get", path, evidence["client_approver"], headers=PDF).status_code == 403
    outsider = make_user("smm_manager", brand=make_brand())
    assert call(client, "get", path, outsider, headers=PDF).status_code == 404
    for role in ("finance", "copywriter"):  # the posts' texts and the deals together: neither sees both
        assert call(client, "get", path, make_user(role, brand=evidence["brand"]), headers=PDF).status_code == 403
    assert call(client, "get", path, make_user("content_manager", brand=evidence["brand"]),
                headers=PDF).status_code == 200
    assert client.get(path, headers=PDF).status_code == 401
    assert call(client, "get", "/v1/campaigns/01jnosuchcampaign0000000000/evidence.pdf", evidence["smm_manager"],
                headers=PDF).status_code == 404
    bad = call(client, "get", path + "?lang=de", evidence["smm_manager"], headers=PDF)
    assert bad.status_code == 422 and "lang" in bad.body.decode()


def test_a_post_not_yet_approved_says_so(client, evidence):
    from tests.support.posts import new_post

    post = new_post(client, evidence, title="Черновик", body="Пока не согласовано")
    attach_post(evidence["campaign"], post["id"])
    r = call(client, "get", f"/v1/campaigns/{evidence['campaign'].id}/evidence.pdf", evidence["smm_manager"],
             headers=PDF)
    text = text_of(r.body)
    assert "Черновик" in text and "Current version" in text and "not approved" in text
    assert "Пока не согласовано" in text and "Not published on any channel." in text
