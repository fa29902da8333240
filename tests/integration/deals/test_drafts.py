"""The blogger's draft link on DynamoDB Local: the manager asks for the creative, the blogger gets the link
by email, GET `/d/<token>` shows the brief and never writes, POST sends the draft into the brand's own
approval chain exactly once; expired, tampered, cross-site and no-longer-waiting links are clear pages."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.content import repo as post_repo
from chalicelib.core.plain import plain
from chalicelib.deals import repo as deal_repo
from tests.support import mail
from tests.support.deal_drafts import (
    chain,
    confirm_of,
    creative_deal,
    deliverable,
    draft_link,
    mails_to,
    page_text,
    path_of,
    post_form,
    request_link,
    send_draft,
)
from tests.support.deals_api import act
from tests.support.posts import body


@pytest.fixture
def drafting(client, crew, outbox):
    """A signed deal with creative approval, the brand's chain for drafts, and the draft link asked for."""
    chain(client, crew)
    deal, item, influencer = creative_deal(client, crew)
    link = draft_link(client, crew, item["id"])
    return {"deal": deal, "item": item, "influencer": influencer, "link": link, "path": path_of(link["url"])}


def footprint(post_id: str, deliverable_id: str):
    """Everything a submission would change: the post, its versions, the deliverable."""
    post = post_repo.get(post_id, consistent=True)
    item = deal_repo.get_deliverable(deliverable_id, consistent=True)
    return (json.dumps(post.serialize(), sort_keys=True, default=str), len(post_repo.versions(post_id)),
            json.dumps(item.serialize(), sort_keys=True, default=str))


# --- asking for the creative -------------------------------------------------------------------------

def test_asking_for_the_creative_makes_one_draft_post_and_emails_the_blogger_in_the_deals_language(
        client, crew, outbox, drafting):
    link, item = drafting["link"], deliverable(drafting["item"]["id"])
    assert link["url"].startswith("http") and "/d/" in link["url"] and link["emailed"] is True
    assert item.status == "creative_requested" and item.post_id == link["post_id"]
    assert item.draft_due_at == "2030-02-28T09:00:00.000000Z" == link["draft_due_at"]  # 48 h before 12:00 MSK
    assert item.gsi2pk == f"DRAFT#{item.post_id}"
    post = post_repo.get(item.post_id, consistent=True)
    assert post.brand_id == crew["brand"].id and post.status == "draft" and int(post.version) == 1
    assert list(post.channel_ids or []) == [] and post.publish_at is None  # the publisher has nothing to send
    assert "deal-draft" in post.tags and "Autumn launch" in post.title and "@anna_tg" in post.title
    assert post.author_id == f"influencer:{drafting['influencer']['id']}"
    assert post.due_at == "2030-03-01T12:00"  # approval due 24 h before the placement, brand's zone
    message = mail.latest_to(outbox, drafting["influencer"]["email"])
    assert "черновик" in str(message["Subject"]).lower()  # the deal is in Russian
    text = mail.text_of(message)
    assert "Autumn launch" in text and "@anna_tg" in text and "2030-03-02 12:00 (Europe/Moscow)" in text
    assert any(path_of(x).startswith("/d/") for x in mail.links_in(message))
    again = draft_link(client, crew, item.id, draft_due_at="2030-02-27T12:00")
    assert again["post_id"] == item.post_id and again["url"] != link["url"]
    assert deliverable(item.id).draft_due_at == "2030-02-27T12:00:00.000000Z"


def test_the_draft_link_is_refused_when_the_terms_or_the_deal_do_not_allow_it(client, crew, outbox):
    chain(client, crew)
    _, plain_item, _ = creative_deal(client, crew, terms={"promo_code": "X1"})
    r = request_link(client, crew, plain_item["id"])
    assert r.status_code == 409 and "creative approval" in body(r)["error"]["message"]
    _, early_item, _ = creative_deal(client, crew, state="draft")
    assert request_link(client, crew, early_item["id"]).status_code == 409
    _, item, _ = creative_deal(client, crew, state="sent")  # a brief before signing is fine
    assert request_link(client, crew, item["id"]).status_code == 200
    assert request_link(client, crew, item["id"], who="copywriter").status_code in (403, 404)
    assert request_link(client, crew, item["id"], who="outsider").status_code == 404
    past = request_link(client, crew, item["id"], draft_due_at="2001-01-01T00:00")
    assert past.status_code == 422


def test_without_an_approval_chain_no_draft_link_is_made(client, crew, outbox):
    _, item, _ = creative_deal(client, crew)
    r = request_link(client, crew, item["id"])
    assert r.status_code == 409 and "approval chain" in body(r)["error"]["message"]
    assert deliverable(item["id"]).status == "planned"


# --- GET shows, never writes -----------------------------------------------------------------------

def test_get_and_head_show_the_brief_and_never_write(client, crew, drafting):
    item = deliverable(drafting["item"]["id"])
    before = footprint(item.post_id, item.id)
    for _ in range(3):
        page = client.get(drafting["path"], headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
        assert page.status_code == 200
        head = client.head(drafting["path"])
        assert head.status_code == 200 and not head.body
    headers = {k.lower(): v for k, v in page.headers.items()}
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in headers
    text = page_text(page)
    assert "Autumn launch" in text and "@anna_tg" in text and "Пост в Telegram" in text  # deal.language = ru
    assert "2030-03-02 12:00 (Europe/Moscow)" in text and "2030-02-28 12:00 (Europe/Moscow)" in text
    assert "ANNA10" in text and "#autumn" in text and "cheap" in text
    assert "«Реклама»" in text and "ООО Ромашка" in text
    assert footprint(item.post_id, item.id) == before
    english = page_text(client.get(drafting["path"] + "?lang=en"))
    assert "Send your draft" in english and "Telegram post" in english


# --- POST sends once -------------------------------------------------------------------------------

def test_one_post_submits_one_new_version_into_review_and_a_second_post_of_the_form_does_not(
        client, crew, outbox, drafting):
    item_id = drafting["item"]["id"]
    page, sent = send_draft(client, drafting["path"])
    assert sent.status_code == 200, page_text(sent)
    assert 'data-outcome="received"' in page_text(sent)
    item = deliverable(item_id)
    post = post_repo.get(item.post_id, consistent=True)
    assert post.status == "in_review" and int(post.version) == 2
    assert post.body == "Осенний запуск! Промокод ANNA10 #autumn"
    assert [m["url"] for m in plain(post.media)] == ["https://cdn.example.com/a.jpg"]
    assert item.status == "draft_submitted" and int(item.drafts) == 1
    assert len(mails_to(outbox, crew["content_manager"].email, "approve")) == 1  # the chain asked its approver
    fields = {"confirm": confirm_of(page), "text": "Осенний запуск! Промокод ANNA10 #autumn",
              "media_links": "https://cdn.example.com/a.jpg"}
    again = post_form(client, drafting["path"], fields)  # the double click
    assert again.status_code == 200 and 'data-outcome="already"' in page_text(again)
    assert int(post_repo.get(item.post_id, consistent=True).version) == 2
    assert len(post_repo.versions(item.post_id)) == 2
    assert int(deliverable(item_id).drafts) == 1
    assert len(mails_to(outbox, crew["content_manager"].email, "approve")) == 1
    stale = post_form(client, drafting["path"], {**fields, "text": "Другой текст"})  # an old tab, another text
    assert stale.status_code == 409 and 'data-outcome="changed"' in page_text(stale)
    assert int(post_repo.get(item.post_id, consistent=True).version) == 2


def test_a_form_without_its_guard_or_from_another_site_writes_nothing(client, crew, drafting):
    item = deliverable(drafting["item"]["id"])
    before = footprint(item.post_id, item.id)
    bare = post_form(client, drafting["path"], {"text": "Привет", "media_links": ""})
    assert bare.status_code == 400
    page = client.get(drafting["path"])
    foreign = post_form(client, drafting["path"], {"confirm": confirm_of(page), "text": "Привет"},
                        Origin="https://evil.example")
    assert foreign.status_code == 403 and 'data-outcome="cross_site"' in page_text(foreign)
    for media in ("javascript:alert(1)", "\n".join(f"https://cdn.example.com/{i}.jpg" for i in range(11))):
        bad = post_form(client, drafting["path"], {"confirm": confirm_of(page), "text": "Привет", "media_links": media})
        assert bad.status_code == 422 and 'id="draft-error"' in page_text(bad)
    empty = post_form(client, drafting["path"], {"confirm": confirm_of(page), "text": "  "})
    assert empty.status_code == 422
    assert footprint(item.post_id, item.id) == before


# --- links that no longer work ------------------------------------------------------------------------

def test_an_expired_link_is_410_and_a_tampered_one_400(client, crew, drafting):
    import time_machine

    from chalicelib.core.clock import parse_utc, utcnow

    item = deliverable(drafting["item"]["id"])
    before = footprint(item.post_id, item.id)
    page = client.get(drafting["path"])
    token = drafting["path"].removeprefix("/d/")
    broken = "/d/" + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(broken).status_code == 400
    assert post_form(client, broken, {"confirm": confirm_of(page), "text": "x"}).status_code == 400
    assert client.get("/d/not-a-token").status_code == 400
    expires = parse_utc(drafting["link"]["expires_at"])
    assert expires <= utcnow() + timedelta(days=30, minutes=1)
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        late = client.get(drafting["path"])
        assert late.status_code == 410 and 'data-outcome="expired"' in page_text(late)
        assert item.handle not in page_text(late)  # an expired link tells nothing of the deal
        posted = post_form(client, drafting["path"], {"confirm": confirm_of(page), "text": "Поздно"})
        assert posted.status_code == 410
    assert footprint(item.post_id, item.id) == before


def test_a_deliverable_no_longer_waiting_gets_a_clear_refusal(client, crew, outbox):
    chain(client, crew)
    deal, item, _ = creative_deal(client, crew, state="sent")
    path = path_of(draft_link(client, crew, item["id"])["url"])
    page = client.get(path)
    r = act(client, crew, deal["id"], "cancel", reason="Budget cut")
    assert r.status_code == 200, r.body
    assert deliverable(item["id"]).status == "cancelled"
    shown = client.get(path)
    assert shown.status_code == 200 and 'id="draft-not-waiting"' in page_text(shown)
    assert 'name="text"' not in page_text(shown)
    refused = post_form(client, path, {"confirm": confirm_of(page), "text": "Черновик"})
    assert refused.status_code == 409 and 'data-outcome="not_waiting"' in page_text(refused)
    stored = deliverable(item["id"])
    assert int(post_repo.get(stored.post_id, consistent=True).version) == 1 and int(stored.drafts) == 0


def test_eight_clicks_at_once_submit_one_draft(client, crew, outbox, drafting):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.core.clock import utcnow
    from chalicelib.deals import draft_links, drafts

    claims = draft_links.read_token(drafting["path"].removeprefix("/d/"), utcnow())
    barrier = threading.Barrier(8)

    def click(_):
        barrier.wait()
        return drafts.submit(claims, "Один черновик #autumn", ["https://cdn.example.com/b.jpg"], 1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(click, range(8)))
    assert outcomes == ["already"] * 7 + ["received"], outcomes
    item = deliverable(drafting["item"]["id"])
    assert item.status == "draft_submitted" and int(item.drafts) == 1
    assert len(post_repo.versions(item.post_id)) == 2
    assert len(mails_to(outbox, crew["content_manager"].email, "approve")) == 1


def test_every_label_the_draft_pages_build_from_data_is_translated():
    from chalicelib.core import i18n
    from chalicelib.deals import draft_pages
    from chalicelib.deals.rules.deliverable_status import STATES
    from chalicelib.deals.schemas import DeliverableFormat

    needed = {f"deal_drafts.format.{f.value}" for f in DeliverableFormat}
    needed |= {f"deal_drafts.status.{s}" for s in STATES}
    needed |= {f"deal_drafts.element.{k}" for k in ("text", "promo_code", "link", "mention", "hashtag")}
    needed |= {f"deal_drafts.decision.{d}" for d in ("approve", "request_changes", "reject")}
    needed |= set(draft_pages.TITLES.values()) | set(draft_pages.MESSAGES.values())
    needed |= {f"deal_drafts.email.{k}.subject" for k in ("request", "reminder", "approved", "changes")}
    for language in i18n.LANGUAGES:
        assert sorted(needed - set(i18n.catalog(language))) == []


def test_the_manager_asks_for_the_draft_from_the_deal_page_and_gets_the_link(client, crew, outbox):
    from tests.support.web import Browser, html

    chain(client, crew)
    deal, item, _influencer = creative_deal(client, crew)
    manager = Browser(client, Authorization=f"Bearer {crew['influencer_manager'].token}")
    page = f"/deals/{deal['id']}"
    shown = manager.get(page)
    assert "Ask the blogger for the draft" in html(shown)
    asked = manager.submit(page, f"{page}/deliverables/{item['id']}/draft-link", {})
    assert asked.status_code == 200 and f'id="draft-link-{item["id"]}"' in html(asked)
    assert "/d/" in html(asked) and deliverable(item["id"]).status == "creative_requested"
    copywriter = Browser(client, Authorization=f"Bearer {crew['copywriter'].token}")
    assert copywriter.get(page).status_code in (403, 404)  # nor can they post its forms: no page, no CSRF token
