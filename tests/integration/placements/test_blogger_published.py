"""The blogger's "I published it: URL" on the draft link (/d/<token>) on DynamoDB Local: offered once the draft
is approved under a signed deal, it sets the deliverable's live URL with source "blogger" and plans the
placement checks; the same link again changes nothing; a URL the checks cannot read comes back as the page
with a sentence in the blogger's language (422); before approval, without the page's guard or from another
site nothing is written."""
from __future__ import annotations

import pytest

from chalicelib.core import i18n
from chalicelib.core.plain import plain
from chalicelib.deals import repo as deal_repo
from tests.support.deal_drafts import (
    chain,
    confirm_of,
    creative_deal,
    decide,
    deliverable,
    draft_link,
    page_text,
    path_of,
    post_form,
    send_draft,
)

URL = "https://t.me/anna_tg1/42"


@pytest.fixture
def approved(client, crew, outbox):
    """A signed deal with creative approval whose blogger's draft the brand approved: the link's path."""
    chain(client, crew)
    deal, item, influencer = creative_deal(client, crew)
    path = path_of(draft_link(client, crew, item["id"])["url"])
    _, sent = send_draft(client, path)
    assert sent.status_code == 200, page_text(sent)
    decide(client, crew, deliverable(item["id"]).post_id, "approve")
    assert deliverable(item["id"]).status == "approved"
    return {"deal": deal, "item": item, "influencer": influencer, "path": path}


def checks_of(item_id: str):
    from chalicelib.placements import repo

    return repo.of_deliverable(item_id)


def test_the_approved_blogger_reports_the_live_url_and_the_checks_are_planned(client, crew, approved):
    item_id, path = approved["item"]["id"], approved["path"]
    page = client.get(path)
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="published"' in text and "Я опубликовал(а)" in text  # the deal is in Russian
    assert f'action="{path}/published"' in text
    r = post_form(client, f"{path}/published", {"confirm": confirm_of(page), "url": URL})
    assert r.status_code == 200, page_text(r)
    assert 'data-outcome="published"' in page_text(r) and URL in page_text(r)
    got = deliverable(item_id)
    assert got.url == URL and got.url_source == "blogger" and int(got.placement_round) == 1
    assert got.status == "approved"  # live once a check finds it
    kinds = sorted(c.kind for c in checks_of(item_id))
    assert kinds == ["initial", "window_end"]
    from chalicelib.audit import repo as audit_repo

    entries = audit_repo.list_entries(crew["brand"].id, "deliverable", item_id, None, 50).items
    blogger = f"influencer:{approved['deal']['influencer_id']}"
    assert any((plain(e.after) or {}).get("url") == URL and e.actor_id == blogger for e in entries)

    version = int(got.version)
    again = post_form(client, f"{path}/published", {"confirm": confirm_of(page), "url": URL})  # a double click
    assert again.status_code == 200 and 'data-outcome="published_already"' in page_text(again)
    assert int(deliverable(item_id).version) == version and len(checks_of(item_id)) == 2
    shown = page_text(client.get(path))
    assert 'id="published-current"' in shown and URL in shown


def test_a_url_that_cannot_be_checked_is_refused_with_a_sentence(client, crew, approved):
    item_id, path = approved["item"]["id"], approved["path"]
    page = client.get(path)
    for url, key in (("http://127.0.0.1:22/x", "deal_drafts.published.refused"),
                     ("https://t.me/anna_tg1", "deal_drafts.published.refused"),
                     ("ftp://example.com/post", "deal_drafts.published.invalid"),
                     ("", "deal_drafts.published.required")):
        r = post_form(client, f"{path}/published", {"confirm": confirm_of(page), "url": url})
        assert r.status_code == 422, url
        text = page_text(r)
        assert 'id="published-error"' in text and i18n.translate(key, "ru") in text, url
        assert f'value="{url}"' in text  # what was typed is kept
    english = post_form(client, f"{path}/published?lang=en",
                        {"confirm": confirm_of(page), "url": "http://127.0.0.1:22/x"})
    assert english.status_code == 422 and i18n.translate("deal_drafts.published.refused", "en") in page_text(english)
    assert deliverable(item_id).url is None and checks_of(item_id) == []


def test_nothing_is_written_without_the_guard_from_another_site_or_before_approval(client, crew, outbox, approved):
    item_id, path = approved["item"]["id"], approved["path"]
    page = client.get(path)
    bare = post_form(client, f"{path}/published", {"url": URL})
    assert bare.status_code == 400 and 'id="published-error"' in page_text(bare)
    foreign = post_form(client, f"{path}/published", {"confirm": confirm_of(page), "url": URL},
                        Origin="https://evil.example")
    assert foreign.status_code == 403 and 'data-outcome="cross_site"' in page_text(foreign)
    assert deliverable(item_id).url is None

    _, waiting, _ = creative_deal(client, crew)  # a draft asked for, not approved yet
    early = path_of(draft_link(client, crew, waiting["id"])["url"])
    shown = client.get(early)
    assert 'id="published"' not in page_text(shown)
    r = post_form(client, f"{early}/published", {"confirm": confirm_of(shown), "url": URL})
    assert r.status_code == 409 and 'data-outcome="not_publishable"' in page_text(r)
    assert deliverable(waiting["id"]).url is None and checks_of(waiting["id"]) == []
    assert deal_repo.get_deliverable(item_id, consistent=True).url is None
