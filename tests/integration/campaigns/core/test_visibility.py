"""One visibility rule for campaign data (campaigns/service.sees): finance sees nothing of the content plan (no
post titles), copywriters and designers nothing of the deals (no titles, fees, terms, bloggers) — on the links
page and API, the promo codes' suggestions, the metrics API and CSV (and the import), and the report's JSON and
page. The seeded campaign (tests/support/campaign_reports.seed_report): a post "Зимняя коллекция: анонс" on
Telegram and VK, the deal "Анна: зимняя коллекция" (terms: promo code ANNA20) with one deliverable, links of
both, and here a live deal in dollars ("Dollar deal")."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from tests.support.posts import call
from tests.support.web import as_user, html, text_of

POST_TITLE = "Зимняя коллекция: анонс"
DEAL_TITLE = "Анна: зимняя коллекция"


@pytest.fixture
def seeded(crew):  # noqa: F811 - crew: the core tests' conftest
    from tests.support.campaign_reports import add_campaign_deal, seed_report

    found = seed_report(crew)
    found["dollar_deal"], _ = add_campaign_deal(crew, found["campaign"], currency="USD", fee_minor=100_000,
                                                title="Dollar deal", deliverables=())
    return found


@pytest.fixture(autouse=True)
def tenth_of_december(monkeypatch):
    from chalicelib.campaigns.report import service

    monkeypatch.setattr(service, "today_in", lambda zone: date(2026, 12, 10))


def _ok(response) -> str:
    assert response.status_code == 200, response.body
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def principal_of(test_user):
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.principal import Principal

    return Principal.from_user(user_repo.get(test_user.id))


# --- the rule itself ---------------------------------------------------------------------------------------

def test_the_rule_by_role(crew):
    from chalicelib.campaigns.service import Seen, sees

    brand_id = crew["brand"].id
    assert sees(principal_of(crew["smm_manager"]), brand_id) == Seen(posts=True, deals=True)
    assert sees(principal_of(crew["finance"]), brand_id) == Seen(posts=False, deals=True)
    assert sees(principal_of(crew["copywriter"]), brand_id) == Seen(posts=True, deals=False)
    assert not Seen(posts=False, deals=True).kind("target") and Seen(posts=False, deals=True).kind("deliverable")
    assert not Seen(posts=True, deals=False).kind("deal") and Seen(posts=True, deals=False).kind("post")
    assert Seen(posts=False, deals=False).kind(None)  # the campaign as a whole: everyone


# --- links and promo codes --------------------------------------------------------------------------------

def test_finance_sees_no_post_title_on_the_links_page(client, crew, seeded):
    handle = seeded["deliverable"].handle
    r = as_user(client, crew["finance"]).get(f"/campaigns/{seeded['campaign'].id}/links")
    page = _ok(r)
    text = text_of(r)
    assert POST_TITLE not in page and f"/posts/{seeded['post'].id}" not in page and seeded["post"].id not in page
    assert "Post" in text  # the post's link is there, named by its kind only
    assert DEAL_TITLE in text and handle in text  # finance sees the deals
    assert "ANNA20" in text  # … and the codes in their terms


def test_a_copywriter_sees_no_deal_on_the_links_page(client, crew, seeded):
    deliverable = seeded["deliverable"]
    r = as_user(client, crew["copywriter"]).get(f"/campaigns/{seeded['campaign'].id}/links")
    page = _ok(r)
    text = text_of(r)
    assert DEAL_TITLE not in page and deliverable.handle not in page and "Dollar deal" not in page
    assert f"/deals/{seeded['deal'].id}" not in page and deliverable.id not in page
    assert "ANNA20" not in page  # the deal's terms: no suggestion
    assert "Placement" in text  # the deliverable's link, named by its kind only
    assert POST_TITLE in text  # copywriters see the content plan


def test_the_options_of_the_forms_follow_the_rule(crew, seeded):
    from chalicelib.campaigns.links.pages import _options
    from chalicelib.campaigns.service import Seen

    campaign = seeded["campaign"]
    kinds = {o["kind"] for o in _options(campaign, Seen(posts=True, deals=True))}
    assert kinds == {"post", "deal", "deliverable"}
    assert {o["kind"] for o in _options(campaign, Seen(posts=False, deals=True))} == {"deal", "deliverable"}
    assert {o["kind"] for o in _options(campaign, Seen(posts=True, deals=False))} == {"post"}
    assert _options(campaign, Seen(posts=False, deals=False)) == []


def test_the_promo_suggestions_only_for_who_sees_deals(client, crew, seeded):
    path = f"/v1/campaigns/{seeded['campaign'].id}/promo-codes"
    manager = json.loads(_ok(call(client, "get", path, crew["smm_manager"])))
    assert [(s["code"], s["deal_id"]) for s in manager["suggested"]][:1] == [("ANNA20", seeded["deal"].id)]
    assert json.loads(_ok(call(client, "get", path, crew["finance"])))["suggested"] == manager["suggested"]
    body = _ok(call(client, "get", path, crew["copywriter"]))
    assert json.loads(body)["suggested"] == [] and "ANNA20" not in body and DEAL_TITLE not in body


def test_the_links_api_names_no_subject(client, crew, seeded):
    path = f"/v1/campaigns/{seeded['campaign'].id}/links"
    for person in ("finance", "copywriter"):
        body = _ok(call(client, "get", path, crew[person]))
        assert len(json.loads(body)["items"]) == 2
        assert POST_TITLE not in body and DEAL_TITLE not in body and seeded["deliverable"].handle not in body


# --- metrics --------------------------------------------------------------------------------------------------

def _subjects(client, user, campaign_id) -> list[dict]:
    return json.loads(_ok(call(client, "get", f"/v1/campaigns/{campaign_id}/metrics", user)))["items"]


def test_the_metrics_api_and_csv_list_only_what_the_reader_sees(client, crew, seeded):
    campaign_id = seeded["campaign"].id
    handle = seeded["deliverable"].handle
    assert {s["kind"] for s in _subjects(client, crew["smm_manager"], campaign_id)} == {"target", "deliverable"}
    finance = _subjects(client, crew["finance"], campaign_id)
    assert [s["subject"] for s in finance] == [f"deliverable:{seeded['deliverable'].id}"]
    copywriter = _subjects(client, crew["copywriter"], campaign_id)
    assert {s["kind"] for s in copywriter} == {"target"} and len(copywriter) == 2
    assert all(s["label"].startswith(POST_TITLE) for s in copywriter)

    def exported(user) -> str:
        return _ok(call(client, "get", f"/v1/campaigns/{campaign_id}/metrics.csv", user))

    finance_csv, copywriter_csv = exported(crew["finance"]), exported(crew["copywriter"])
    assert POST_TITLE not in finance_csv and "target:" not in finance_csv and handle in finance_csv
    assert handle not in copywriter_csv and "deliverable:" not in copywriter_csv and POST_TITLE in copywriter_csv
    rows = list(csv.DictReader(io.StringIO(copywriter_csv.lstrip("\ufeff"))))
    assert len(rows) == 2


def test_a_subject_the_person_may_not_see_is_refused_as_unknown(client, crew, seeded, monkeypatch):
    """No role may manage campaigns without seeing both kinds today; should one, the import and the form refuse
    what it may not see exactly as an unknown subject."""
    from chalicelib.campaigns import service as campaigns
    from chalicelib.campaigns.metrics import service as metrics
    from chalicelib.core.errors import ValidationFailed

    monkeypatch.setattr(campaigns, "sees", lambda principal, brand_id: campaigns.Seen(posts=True, deals=False))
    campaign_id = seeded["campaign"].id
    subject = f"deliverable:{seeded['deliverable'].id}"
    data = f"subject,taken_at,views\n{subject},2025-06-01T10:00:00Z,100\n".encode()
    with pytest.raises(ValidationFailed) as refused:
        metrics.import_csv(principal_of(crew["smm_manager"]), campaign_id, data)
    assert [d["field"] for d in refused.value.details] == ["subject"]
    with pytest.raises(ValidationFailed) as refused:
        metrics.record(principal_of(crew["smm_manager"]), campaign_id, subject, None, {"views": 100})
    assert refused.value.details[0]["field"] == "subject"
    target = f"target:{seeded['post'].id}{seeded['channels'][0].id}"
    _snapshot, created = metrics.record(principal_of(crew["smm_manager"]), campaign_id, target, None, {"views": 1})
    assert created


# --- the report ---------------------------------------------------------------------------------------------

def _report(client, user, campaign_id) -> tuple[dict, str]:
    body = _ok(call(client, "get", f"/v1/campaigns/{campaign_id}/report", user))
    return json.loads(body), body


def test_the_report_names_deals_only_to_who_sees_them(client, crew, seeded):
    campaign_id = seeded["campaign"].id
    full, _ = _report(client, crew["smm_manager"], campaign_id)
    assert full["notes"]["left_out_deals"] == [{"deal_id": seeded["dollar_deal"].id, "title": "Dollar deal",
                                                "currency": "USD"}]
    assert full["cost"]["fees"] == {"amount": "150000.00", "currency": "RUB"}

    finance, finance_body = _report(client, crew["finance"], campaign_id)
    assert finance["notes"]["left_out_deals"] == full["notes"]["left_out_deals"]
    assert finance["cost"] == full["cost"] and finance["bloggers"]
    assert POST_TITLE not in finance_body and {p["kind"] for p in finance["publications"]} == {"deliverable"}

    copywriter, body = _report(client, crew["copywriter"], campaign_id)
    assert copywriter["notes"]["left_out_deals"] == [] and copywriter["notes"]["other_currency_deals"] == 1
    assert "Dollar deal" not in body and DEAL_TITLE not in body and seeded["deliverable"].handle not in body
    assert copywriter["bloggers"] == [] and {p["kind"] for p in copywriter["publications"]} == {"post"}
    # the deals' cost by part is gone; what they cost together, the lines and the total stay
    cost = copywriter["cost"]
    assert (cost["fees"], cost["agency_fees"], cost["product_value"], cost["adjustments"]) == (None,) * 4
    assert (cost["deals"], cost["lines"], cost["total"]) == (full["cost"]["deals"], full["cost"]["lines"],
                                                              full["cost"]["total"])
    assert copywriter["totals"] == full["totals"] and copywriter["kpis"] == full["kpis"]
    csv_text = _ok(call(client, "get", f"/v1/campaigns/{campaign_id}/report.csv", crew["copywriter"]))
    assert "Dollar deal" not in csv_text and DEAL_TITLE not in csv_text and "150000.00" not in csv_text


def test_the_report_page_for_a_copywriter(client, crew, seeded):
    r = as_user(client, crew["copywriter"]).get(f"/campaigns/{seeded['campaign'].id}")
    page, text = html(r), text_of(r)
    assert r.status_code == 200
    assert "Dollar deal" not in page and DEAL_TITLE not in page and "Bloggers' fees" not in text
    assert "Deals in another currency than RUB: 1." in text and "Deals in all" in text
