"""The team decides on the blogger's draft through the normal approval API; the deliverable follows the post
in the same transaction and the blogger hears the decision by email, with a link to send a new draft."""
from __future__ import annotations

from chalicelib.audit import repo as audit_repo
from chalicelib.content import repo as post_repo
from chalicelib.core.plain import plain
from tests.support import mail
from tests.support.deal_drafts import (
    chain,
    confirm_of,
    creative_deal,
    decide,
    deliverable,
    draft_link,
    mails_to,
    page_text,
    path_of,
    post_form,
    send_draft,
)
from tests.support.posts import call


def comment(client, crew, post_id, text, visibility):
    r = call(client, "post", f"/v1/posts/{post_id}/comments", crew["content_manager"],
             {"text": text, "visibility": visibility})
    assert r.status_code == 201, r.body


def newest_link(outbox, address) -> str:
    links = [path_of(x) for x in mail.links_in(mail.latest_to(outbox, address)) if "/d/" in x]
    assert links, "no draft link in the email"
    return links[-1]


def test_changes_requested_then_a_new_draft_then_approval(client, crew, outbox):
    chain(client, crew)
    _, item, influencer = creative_deal(client, crew)
    email = influencer["email"]
    path = path_of(draft_link(client, crew, item["id"])["url"])
    _, sent = send_draft(client, path)
    assert sent.status_code == 200
    post_id = deliverable(item["id"]).post_id
    comment(client, crew, post_id, "Please put the promo code first", "external")
    comment(client, crew, post_id, "Internal: the blogger is slow", "internal")
    decide(client, crew, post_id, "request_changes", comment="Добавьте промокод в начало")
    stored = deliverable(item["id"])
    assert stored.status == "changes_requested" and int(stored.drafts) == 1
    told = mails_to(outbox, email, "доработать")
    assert len(told) == 1
    text = mail.text_of(told[0])
    assert "Добавьте промокод в начало" in text and "Please put the promo code first" in text
    assert "Internal" not in text
    audit = audit_repo.list_entries(crew["brand"].id, "deliverable", item["id"], None, 50).items
    assert any(e.actor_label == "creative approval" and (plain(e.after) or {}).get("status") == "changes_requested"
               for e in audit)

    again = newest_link(outbox, email)  # the decision email's link: the page shows what the brand said
    page = client.get(again)
    shown = page_text(page)
    assert "Добавьте промокод в начало" in shown and "Please put the promo code first" in shown
    assert "Internal" not in shown
    same = post_form(client, again, {"confirm": confirm_of(page), "text": "ANNA10 — осенний запуск #autumn"})
    assert same.status_code == 200 and 'data-outcome="received"' in page_text(same)
    stored = deliverable(item["id"])
    assert stored.status == "draft_submitted" and int(stored.drafts) == 2
    post = post_repo.get(post_id, consistent=True)
    assert post.status == "in_review" and int(post.version) == 3

    decide(client, crew, post_id, "approve")
    assert deliverable(item["id"]).status == "approved"
    assert post_repo.get(post_id, consistent=True).status == "approved"  # no publish time: never scheduled
    assert len(mails_to(outbox, email, "одобрил")) == 1
    final = client.get(again)
    assert final.status_code == 200 and 'id="draft-not-waiting"' in page_text(final)
    late = post_form(client, again, {"confirm": confirm_of(page), "text": "Ещё одна версия"})
    assert late.status_code == 409 and 'data-outcome="not_waiting"' in page_text(late)
    assert int(post_repo.get(post_id, consistent=True).version) == 3


def test_a_declined_draft_needs_a_changed_text(client, crew, outbox):
    chain(client, crew)
    _, item, influencer = creative_deal(client, crew)
    path = path_of(draft_link(client, crew, item["id"])["url"])
    send_draft(client, path, text="Первая версия")
    post_id = deliverable(item["id"]).post_id
    decide(client, crew, post_id, "reject", comment="Не подходит")
    assert deliverable(item["id"]).status == "changes_requested"
    assert "Не подходит" in mail.text_of(mails_to(outbox, influencer["email"], "доработать")[-1])
    page, same = send_draft(client, path, text="Первая версия")
    assert same.status_code == 422 and 'id="draft-error"' in page_text(same)
    page, changed = send_draft(client, path, text="Вторая версия")
    assert changed.status_code == 200
    assert deliverable(item["id"]).status == "draft_submitted"
    assert post_repo.get(post_id, consistent=True).status == "in_review"


def test_a_blogger_without_an_email_gets_no_mail_but_the_manager_has_the_link(client, crew, outbox):
    chain(client, crew)
    _, item, _ = creative_deal(client, crew, email=None)
    link = draft_link(client, crew, item["id"])
    assert link["emailed"] is False and "/d/" in link["url"]
    assert mail.messages(outbox) == []
    _, sent = send_draft(client, path_of(link["url"]))
    assert sent.status_code == 200
    decide(client, crew, deliverable(item["id"]).post_id, "approve")
    assert deliverable(item["id"]).status == "approved"
