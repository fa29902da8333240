"""POST /v1/deals/{id}/contract and GET /v1/deals/{id}/contract.pdf on DynamoDB Local: versions that
never change, their SHA-256 on the deal, the PDF read back with pypdf (every clause and value, Cyrillic
intact, in ru and en), a hostile title printed as text, and who may do what."""
from __future__ import annotations

import hashlib
import io
import json
import re
from urllib.parse import urlsplit

import pytest

from chalicelib.core import files
from chalicelib.core.db.writes import Change
from chalicelib.deals import contract_data, contract_service, render
from chalicelib.deals import contract_view as cv
from chalicelib.deals import repo as deal_repo
from chalicelib.influencers import repo as influencer_repo
from tests.support.deals import add_deal, add_deliverable, reload
from tests.support.factories import ACTOR
from tests.support.posts import body, call

HOSTILE = '<img src="file:///etc/passwd">'
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"




def make(client, crew, deal, who="influencer_manager"):
    return call(client, "post", f"/v1/deals/{deal.id}/contract", crew[who])


def download(client, crew, deal, who="influencer_manager", query=""):
    """As an API client asks for a binary answer (API Gateway, and chalice local like it, insist on an
    Accept header that names it)."""
    return call(client, "get", f"/v1/deals/{deal.id}/contract.pdf{query}", crew[who],
                headers={"Accept": "application/pdf"})


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def view_of(deal, version: int, day):
    influencer = influencer_repo.get(deal.influencer_id, consistent=True)
    return contract_data.view_for(deal, deal_repo.deliverables_of(deal), influencer,
                                  influencer_repo.accounts_of(influencer), version, day)


def test_versions_are_immutable_and_their_sha256_is_on_the_deal(client, crew):
    deal = add_deal(crew)
    add_deliverable(deal)
    first = make(client, crew, deal)
    assert first.status_code == 201, first.body
    one = body(first)
    assert one["version"] == 1 and re.fullmatch(r"[0-9a-f]{64}", one["sha256"]) and one["size"] > 1000
    assert one["url"] and one["created_by"] == crew["influencer_manager"].id and "key" not in one
    second = body(make(client, crew, deal))
    assert second["version"] == 2
    records = contract_service.contracts_of(reload(deal))
    assert [(r["version"], r["sha256"], r["size"]) for r in records] == [
        (1, one["sha256"], one["size"]), (2, second["sha256"], second["size"])]
    assert records[0]["key"] != records[1]["key"] and all(r["key"].startswith(f"deals/{deal.id}/") for r in records)

    v1 = download(client, crew, deal, query="?version=1")
    assert v1.status_code == 200, v1.body
    assert hashlib.sha256(v1.body).hexdigest() == one["sha256"]
    assert v1.headers["Content-Type"] == "application/pdf"
    assert v1.headers["Content-Disposition"] == f'attachment; filename="{deal.contract_number}-v1.pdf"'
    assert v1.headers["Cache-Control"] == "private, no-store" and v1.headers["X-Content-Type-Options"] == "nosniff"
    latest = download(client, crew, deal)
    assert hashlib.sha256(latest.body).hexdigest() == second["sha256"]
    assert body(call(client, "get", f"/v1/deals/{deal.id}", crew["influencer_manager"]))["contracts"][0][
        "sha256"] == one["sha256"]


def test_the_link_in_the_answer_downloads_the_same_bytes(client, crew):
    deal = add_deal(crew)
    made = body(make(client, crew, deal))
    link = urlsplit(made["url"])
    assert link.path.startswith("/files/")
    r = client.get(link.path, headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and hashlib.sha256(r.body).hexdigest() == made["sha256"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_pdf_carries_every_clause_and_value(client, crew, language):
    deal = add_deal(crew, language=language)
    add_deliverable(deal, erid="2VtzqxKf7Hb")
    made = body(make(client, crew, deal))
    text = pdf_text(download(client, crew, deal).body)
    flat = squeeze(text)
    deal = reload(deal)
    view = view_of(deal, 1, contract_service._today(deal.brand_id))
    assert made["version"] == view.version
    values = [deal.contract_number, deal.title, "ООО Ромашка", "7701234560", "ИП Иванова Анна Сергеевна",
              "771234567859", "ANNA20", "#ромашка", "#летнийсезон", "2VtzqxKf7Hb", "@romashka_shop",
              cv.money_text(view.fee, language), cv.fee_in_words(view.fee, language),
              cv.number_text(view.terms.penalties.late_pct_per_hour, language)]
    assert [v for v in values if squeeze(v) not in flat] == []
    missing = [c.number for c in cv.clauses(view) if squeeze(f"{c.number}. {c.text}") not in flat]
    assert missing == []
    spaced = " ".join(text.split())
    assert "ООО Ромашка" in spaced and "Летняя коллекция Ромашки" in spaced
    if language == "ru":
        assert "сто пятьдесят тысяч рублей" in spaced and "«Реклама»" in spaced


def test_a_hostile_title_prints_as_text(client, crew):
    deal = add_deal(crew, title=HOSTILE, language="en")
    assert make(client, crew, deal).status_code == 201
    text = pdf_text(download(client, crew, deal).body)
    assert squeeze(HOSTILE) in squeeze(text) and "root:" not in text


def test_missing_things_are_404(client, crew):
    deal = add_deal(crew)
    r = download(client, crew, deal)
    assert r.status_code == 404 and "no contract" in body(r)["error"]["message"]
    make(client, crew, deal)
    r = download(client, crew, deal, query="?version=7")
    assert r.status_code == 404 and "version 7" in body(r)["error"]["message"]
    assert call(client, "post", "/v1/deals/01jnosuchdeal0000000000000/contract",
                crew["influencer_manager"]).status_code == 404
    assert make(client, crew, deal, "outsider").status_code == 404
    assert download(client, crew, deal, "outsider").status_code == 404


@pytest.mark.parametrize("query", ["?version=0", "?version=abc", "?version=-1", "?version=1.5", "?other=1"])
def test_a_bad_version_is_422(client, crew, query):
    deal = add_deal(crew)
    make(client, crew, deal)
    assert download(client, crew, deal, query=query).status_code == 422


@pytest.mark.parametrize("status", ["cancelled", "closed"])
def test_no_contract_for_a_cancelled_or_closed_deal(client, crew, status):
    deal = add_deal(crew, status=status)
    r = make(client, crew, deal)
    assert r.status_code == 409 and status in body(r)["error"]["message"]


def test_who_may_make_and_download(client, crew):
    deal = add_deal(crew)
    assert make(client, crew, deal, "smm_manager").status_code == 201
    assert make(client, crew, deal, "admin").status_code == 201
    for who in ("copywriter", "client_approver", "content_manager", "finance"):
        assert make(client, crew, deal, who).status_code == 403, who
    for who in ("content_manager", "finance", "smm_manager"):
        assert download(client, crew, deal, who).status_code == 200, who
    for who in ("copywriter", "client_approver"):
        assert download(client, crew, deal, who).status_code == 403, who


def test_messages_speak_the_callers_language(client, crew):
    deal = add_deal(crew, status="cancelled")
    r = make(client, crew, deal, "russian_manager")
    assert r.status_code == 409 and "договора" in body(r)["error"]["message"]


def test_a_file_that_no_longer_matches_its_record_is_not_served(client, crew):
    deal = add_deal(crew)
    make(client, crew, deal)
    record = contract_service.contracts_of(reload(deal))[0]
    files.put(record["key"], b"%PDF-1.7 forged", content_type="application/pdf", overwrite=True)
    r = download(client, crew, deal)
    assert r.status_code == 409 and "does not match its record" in body(r)["error"]["message"]


def test_a_deal_changed_while_rendering_is_409_and_leaves_no_file(client, crew, monkeypatch):
    deal = add_deal(crew)
    stored_keys = []
    real = render.store_contract

    def render_while_someone_edits(view, key, metadata=None):
        stored_keys.append(key)
        result = real(view, key, metadata)
        fresh = reload(deal)
        change = Change(fresh.brand_id, "deal", fresh.id, "update", after={"notes": "edited meanwhile"})
        deal_repo.commit(ACTOR, change, [deal_repo.update(fresh, {"notes": "edited meanwhile"})], "x")
        return result

    monkeypatch.setattr(render, "store_contract", render_while_someone_edits)
    r = make(client, crew, deal)
    assert r.status_code == 409 and "changed" in body(r)["error"]["message"]
    assert stored_keys and not files.exists(stored_keys[0])
    assert contract_service.contracts_of(reload(deal)) == []


def test_the_openapi_document_describes_the_pdf(client):
    doc = json.loads(client.get("/openapi.json").body)
    op = doc["paths"]["/v1/deals/{deal_id}/contract.pdf"]["get"]
    assert "application/pdf" in op["responses"]["200"]["content"]
    assert {p["name"] for p in op["parameters"]} == {"deal_id", "version"}
    assert "application/pdf" in doc["paths"]["/v1/deals/{deal_id}/signed-copy"]["post"]["requestBody"]["content"]


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, None, "text/html"])
def test_a_browser_is_sent_to_a_short_lived_download_link(client, crew, accept):
    deal = add_deal(crew)
    made = body(make(client, crew, deal))
    headers = {"Accept": accept} if accept else {}
    r = call(client, "get", f"/v1/deals/{deal.id}/contract.pdf?version=1", crew["content_manager"], headers=headers)
    assert r.status_code == 303 and r.headers["Cache-Control"] == "no-store"
    link = urlsplit(r.headers["Location"])
    assert link.path.startswith("/files/") and body(r)["url"] == r.headers["Location"]
    pdf = client.get(link.path, headers={"Accept": BROWSER_ACCEPT})
    assert pdf.status_code == 200 and hashlib.sha256(pdf.body).hexdigest() == made["sha256"]
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="{deal.contract_number}-v1.pdf"'


def test_the_redirect_checks_the_same_things(client, crew):
    deal = add_deal(crew)
    r = call(client, "get", f"/v1/deals/{deal.id}/contract.pdf", crew["influencer_manager"])
    assert r.status_code == 404
    make(client, crew, deal)
    assert call(client, "get", f"/v1/deals/{deal.id}/contract.pdf", crew["copywriter"]).status_code == 403
    record = contract_service.contracts_of(reload(deal))[0]
    files.put(record["key"], b"%PDF-1.7 forged", content_type="application/pdf", overwrite=True)
    assert call(client, "get", f"/v1/deals/{deal.id}/contract.pdf", crew["influencer_manager"]).status_code == 409
