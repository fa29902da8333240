"""Helpers for the creative-approval and deadline tests: a deal with creative approval (the blogger has a
contact email), an approval chain for its drafts, the draft link, and the blogger's page and form."""
from __future__ import annotations

import html
import itertools
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from tests.support import mail
from tests.support.deals_api import act, fake_contract, new_deal, new_deliverable
from tests.support.influencers import add, add_account
from tests.support.posts import body, call

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_handles = itertools.count(1)  # a handle is unique per brand and platform
TERMS = {"creative_approval": True, "promo_code": "ANNA10", "required_hashtags": ["#autumn"],
         "forbidden_terms": ["cheap"], "publish_window_after_minutes": 90}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def chain(client, crew) -> dict:
    """The brand's approval chain for drafts (advertising posts): one stage, the content manager."""
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/approval-chains", crew["smm_manager"], {
        "name": "Ads", "default": True, "content_types": ["advertising"],
        "stages": [{"name": "Brand review", "approver_roles": ["content_manager"], "rule": "any"}]})
    assert r.status_code == 201, r.body
    return body(r)


def blogger_email() -> str:
    from tests.support.factories import unique

    return f"{unique('anna')}@blog.example.com"


def creative_deal(client, crew, *, email: str | None = "", state: str = "signed", terms=None,
                  publish_at: str = "2030-03-02T12:00", **fields):
    """A deal with creative approval and one Telegram deliverable, moved to `state` (draft, sent or
    signed): (deal, deliverable, influencer). The blogger's contact email is new unless given (None:
    no email); influencer["email"] says which."""
    email = blogger_email() if email == "" else email
    influencer = add(client, crew, legal_type="self_employed", legal_name="Анна Петрова",
                     **({"contacts": {"email": email}} if email else {}))
    account = add_account(client, crew, influencer["id"], platform="telegram", handle=f"@anna_tg{next(_handles)}",
                          followers=5000)
    deal = new_deal(client, crew, influencer["id"], terms=TERMS if terms is None else terms, **fields)
    item = new_deliverable(client, crew, deal["id"], account["id"], publish_at=publish_at)
    fake_contract(deal["id"])
    for action in {"draft": (), "sent": ("send",), "signed": ("send", "sign")}[state]:
        r = act(client, crew, deal["id"], action)
        assert r.status_code == 200, r.body
        deal = body(r)
    influencer["email"] = email
    return deal, item, influencer


def request_link(client, crew, deliverable_id, who="influencer_manager", **data):
    return call(client, "post", f"/v1/deliverables/{deliverable_id}/draft-link", crew[who], data)


def draft_link(client, crew, deliverable_id, **data) -> dict:
    r = request_link(client, crew, deliverable_id, **data)
    assert r.status_code == 200, r.body
    return body(r)


def path_of(link: str) -> str:
    return mail.path_of(link)


def page_text(response) -> str:
    text = response.body.decode() if isinstance(response.body, bytes) else response.body
    return html.unescape(text)


def confirm_of(response) -> str:
    found = re.search(r'name="confirm" value="([^"]+)"', page_text(response))
    assert found, "no confirm field on the page"
    return found.group(1)


def post_form(client, path, fields, **headers):
    return client.post(path, headers={**FORM, **headers}, body=urlencode(fields))


def send_draft(client, path, text="Осенний запуск! Промокод ANNA10 #autumn", media="https://cdn.example.com/a.jpg",
               **headers):
    """Open the page and send the form as a browser would: (the page, the answer)."""
    page = client.get(path)
    assert page.status_code == 200, page_text(page)
    fields = {"confirm": confirm_of(page), "text": text, "media_links": media}
    return page, post_form(client, path, fields, **headers)


def decide(client, crew, post_id, decision="approve", comment=None, who="content_manager"):
    from chalicelib.content import repo as post_repo

    version = int(post_repo.get(post_id, consistent=True).version)
    data = {"version": version, "decision": decision, **({"comment": comment} if comment else {})}
    r = call(client, "post", f"/v1/posts/{post_id}/decisions", crew[who], data)
    assert r.status_code == 200, r.body
    return body(r)


def deliverable(deliverable_id):
    from chalicelib.deals import repo

    return repo.get_deliverable(deliverable_id, consistent=True)


def mails_to(outbox, address: str, subject_part: str = "") -> list:
    return [m for m in mail.messages(outbox) if address.lower() in str(m["To"]).lower()
            and subject_part in str(m["Subject"])]
