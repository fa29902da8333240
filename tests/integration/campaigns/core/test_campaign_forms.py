"""The forms around campaigns as a browser uses them: the campaign form's edge cases (an ROI no Decimal
holds, an emptied required field, a tampered hidden version: 422 with the message where it belongs, never
a 500 or an unmarked form), the API's strict dates and counts, and the campaign <select> of the post form
and the deal form (the brand's active campaigns, the current one even when archived, "none"; a refusal
shown by the field; no field when campaigns is not plugged into deals)."""
from __future__ import annotations

import re

from chalicelib.campaigns import repo
from chalicelib.content import repo as post_repo
from chalicelib.core import i18n
from chalicelib.deals import campaign_hooks
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.page_forms import deal_values, rows_values, stored_rows
from tests.integration.deals.test_deal_pages import form_data as deal_form
from tests.support.campaigns import campaign_data, new_campaign
from tests.support.deals_api import blogger, new_deal
from tests.support.posts import body, call
from tests.support.web import as_user, field_error, html, location, text_of

REQUIRED = i18n.translate("form.error.required", "en")
EDIT_VALUES = {"name": "Winter", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
               "budget_amount": "500000", "utm_source": "", "utm_medium": "", "utm_campaign": ""}


def options(response, name: str) -> list[tuple[str, str, bool]]:
    """The (value, text, selected) choices of a form's <select name=…>."""
    select = re.search(rf'<select id="[a-z]+-{name}" name="{name}"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, f"no <select name={name}>"
    return [(value, text.strip(), bool(selected)) for value, selected, text in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))]


# --- the campaign form ---------------------------------------------------------------------------------------

def test_an_roi_no_number_holds_is_a_422_on_the_field_in_the_form_and_the_api(client, crew):
    brand_id = crew["brand"].id
    browser = as_user(client, crew["smm_manager"])
    path = f"/brands/{brand_id}/campaigns"
    form = {**EDIT_VALUES, "currency": "RUB"}
    for typed in ("1e9999999", "-1e9999999", "NaN", "1e-9999999"):
        r = browser.submit(path, path, {**form, "target_roi_min": typed})
        assert r.status_code == 422, (typed, r.status_code)
        assert field_error(r, "campaign", "target_roi_min").startswith("Enter a percent"), typed
    for roi in ("1e9999999", "NaN", "Infinity", "1e-9999999"):
        r = call(client, "post", f"/v1/brands/{brand_id}/campaigns", crew["smm_manager"],
                 campaign_data(targets={"roi_min": roi}))
        assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "targets.roi_min", (roi, r.body)
    assert repo.of_brand(brand_id) == []
    made = new_campaign(client, crew, targets={"roi_min": "0E-1000026"})  # a zero, however it is written
    assert made["targets"]["roi_min"] == "0"
    r = browser.submit(path, path, {**form, "name": "Tiny zero", "target_roi_min": "0e-9999999"})
    assert r.status_code == 303 and len(repo.of_brand(brand_id)) == 2


def test_emptying_a_required_field_on_the_edit_form_marks_that_field(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["smm_manager"])
    edit = f"/campaigns/{made['id']}/edit"
    for name in ("starts_on", "ends_on", "name", "goal"):
        r = browser.submit(edit, edit, {**EDIT_VALUES, name: "", "version": "1"})
        assert r.status_code == 422, name
        assert field_error(r, "campaign", name) == REQUIRED, (name, text_of(r))
    r = browser.submit(edit, edit, {**EDIT_VALUES, "starts_on": "", "ends_on": "", "version": "1"})
    assert field_error(r, "campaign", "starts_on") == REQUIRED == field_error(r, "campaign", "ends_on")
    assert repo.get(made["id"], consistent=True).version == 1


def test_a_tampered_or_missing_hidden_version_says_what_to_do(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["smm_manager"])
    edit = f"/campaigns/{made['id']}/edit"
    for version in ("abc", "0", "", "-1"):
        r = browser.submit(edit, edit, {**EDIT_VALUES, "name": "Tampered", "version": version})
        assert r.status_code == 422, version
        assert "open the campaign's form again" in text_of(r), (version, text_of(r))
        assert 'value="Tampered"' in html(r)
    assert repo.get(made["id"], consistent=True).name == "Зимняя коллекция"
    r = browser.submit(edit, edit, {**EDIT_VALUES, "name": "Future", "version": "7"})
    assert r.status_code == 409 and "Someone changed this campaign" in text_of(r)


def test_the_api_takes_dates_as_text_and_counts_as_numbers(client, crew):
    path = f"/v1/brands/{crew['brand'].id}/campaigns"
    who = crew["smm_manager"]
    for fields, field in (({"starts_on": 0}, "starts_on"), ({"ends_on": 20261231}, "ends_on"),
                          ({"starts_on": "0"}, "starts_on"), ({"targets": {"clicks": "12"}}, "targets.clicks"),
                          ({"targets": {"reach": True}}, "targets.reach")):
        r = call(client, "post", path, who, campaign_data(**fields))
        assert r.status_code == 422, (fields, r.body)
        assert body(r)["error"]["details"][0]["field"] == field, (fields, body(r))
    made = new_campaign(client, crew)
    r = call(client, "patch", f"/v1/campaigns/{made['id']}", who, {"starts_on": 0})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "starts_on"
    r = call(client, "patch", f"/v1/campaigns/{made['id']}", who, {"name": None})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "name"
    r = call(client, "post", f"/v1/campaigns/{made['id']}/costs", who,
             {"label": "Props", "spent_on": 0, "amount": {"amount": "10", "currency": "RUB"}})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "spent_on"


# --- the post form's campaign --------------------------------------------------------------------------------

def post_form(crew, **fields) -> dict:
    return {"brand_id": crew["brand"].id, "title": "Winter drop", "body": "Our winter collection is here.",
            "content_type": "advertising", "publish_at": "", "timezone": "", "tags": "", "due_at": "", "links": "",
            **fields}


def test_the_post_form_attaches_a_post_to_an_active_campaign(client, crew):
    active = new_campaign(client, crew, name="Winter")
    archived = new_campaign(client, crew, name="Old one")
    call(client, "post", f"/v1/campaigns/{archived['id']}/archive", crew["smm_manager"])
    writer = as_user(client, crew["copywriter"])
    new = f"/posts/new?brand_id={crew['brand'].id}"
    page = writer.get(new)
    assert page.status_code == 200
    assert options(page, "campaign_id") == [("", "No campaign", False), (active["id"], "Winter", False)]

    r = writer.submit(new, "/posts/new", post_form(crew, campaign_id=archived["id"]))
    assert r.status_code == 422
    assert field_error(r, "post", "campaign_id").startswith("This campaign cannot take the post")
    r = writer.submit(new, "/posts/new", post_form(crew, campaign_id=active["id"]))
    assert r.status_code == 303, text_of(r)
    post_id = location(r).split("?")[0].rsplit("/", 1)[1]
    assert post_repo.get(post_id, consistent=True).campaign_id == active["id"]
    assert {m.subject_id for m in repo.members_of(active["id"], "post")} == {post_id}


def test_the_post_edit_form_keeps_an_archived_campaign_and_can_leave_it(client, crew):
    campaign = new_campaign(client, crew, name="Autumn")
    r = call(client, "post", "/v1/posts", crew["copywriter"],
             {"brand_id": crew["brand"].id, "title": "Old post", "body": "Text", "channel_ids": [],
              "content_type": "advertising", "campaign_id": campaign["id"]})
    post = body(r)
    call(client, "post", f"/v1/campaigns/{campaign['id']}/archive", crew["smm_manager"])
    writer = as_user(client, crew["copywriter"])
    edit = f"/posts/{post['id']}/edit"
    page = writer.get(edit)
    assert (campaign["id"], "Autumn (archived)", True) in options(page, "campaign_id")
    r = writer.submit(edit, edit, post_form(crew, title="Retitled", campaign_id=campaign["id"], version="1"))
    assert r.status_code == 303, text_of(r)
    assert post_repo.get(post["id"], consistent=True).campaign_id == campaign["id"]
    r = writer.submit(edit, edit, post_form(crew, title="Retitled", campaign_id="", version="2"))
    assert r.status_code == 303, text_of(r)
    assert post_repo.get(post["id"], consistent=True).campaign_id is None
    assert repo.members_of(campaign["id"]) == []


# --- the deal form's campaign --------------------------------------------------------------------------------

def test_the_deal_form_offers_the_brands_active_campaigns_and_attaches_the_deal(client, crew):
    rub = new_campaign(client, crew, name="Roubles")
    usd = new_campaign(client, crew, name="Dollars", currency="USD", budget={"amount": "1000.00", "currency": "USD"},
                       targets={"clicks": 10})
    archived = new_campaign(client, crew, name="Gone")
    call(client, "post", f"/v1/campaigns/{archived['id']}/archive", crew["smm_manager"])
    influencer, _ = blogger(client, crew)
    manager = as_user(client, crew["influencer_manager"])
    new = f"/brands/{crew['brand'].id}/deals/new"
    page = manager.get(new)
    assert page.status_code == 200
    offered = options(page, "campaign_id")
    assert offered[0] == ("", "No campaign", False)
    assert {value for value, _, _ in offered[1:]} == {rub["id"], usd["id"]}

    r = manager.submit(new, new, deal_form(influencer["id"], campaign_id=usd["id"]))
    assert r.status_code == 422, text_of(r)
    assert field_error(r, "deal", "campaign_id").startswith("This campaign cannot take the deal")
    assert (usd["id"], "Dollars", True) in options(r, "campaign_id")
    r = manager.submit(new, new, deal_form(influencer["id"], campaign_id=rub["id"]))
    assert r.status_code == 303, text_of(r)
    deal_id = location(r).split("?")[0].rsplit("/", 1)[1]
    assert deal_repo.get(deal_id, consistent=True).campaign_id == rub["id"]
    assert {m.subject_id for m in repo.members_of(rub["id"], "deal")} == {deal_id}


def test_the_deal_edit_form_moves_keeps_and_clears_the_campaign(client, crew):
    first, second = new_campaign(client, crew, name="First"), new_campaign(client, crew, name="Second")
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], campaign_id=first["id"])
    call(client, "post", f"/v1/campaigns/{first['id']}/archive", crew["smm_manager"])
    manager = as_user(client, crew["influencer_manager"])
    edit = f"/deals/{deal['id']}/edit"
    page = manager.get(edit)
    assert (first["id"], "First (archived)", True) in options(page, "campaign_id")

    def values(**changes):
        stored = deal_repo.get(deal["id"], consistent=True)
        rows = stored_rows(stored.milestones)
        return {**deal_values(stored), **rows_values(rows, 3), "version": str(stored.version), **changes}

    r = manager.submit(edit, edit, values(notes="Kept in its campaign"))
    assert r.status_code == 303, text_of(r)
    assert deal_repo.get(deal["id"], consistent=True).campaign_id == first["id"]
    r = manager.submit(edit, edit, values(campaign_id=second["id"]))
    assert r.status_code == 303, text_of(r)
    assert deal_repo.get(deal["id"], consistent=True).campaign_id == second["id"]
    assert repo.members_of(first["id"]) == [] and len(repo.members_of(second["id"])) == 1
    r = manager.submit(edit, edit, values(campaign_id=""))
    assert r.status_code == 303 and deal_repo.get(deal["id"], consistent=True).campaign_id is None


def test_with_nothing_plugged_in_the_deal_form_has_no_campaign_field(client, crew, monkeypatch):
    new_campaign(client, crew)
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    monkeypatch.setattr(campaign_hooks, "_plugged", None)
    manager = as_user(client, crew["influencer_manager"])
    assert 'name="campaign_id"' not in html(manager.get(f"/brands/{crew['brand'].id}/deals/new"))
    edit = f"/deals/{deal['id']}/edit"
    assert 'name="campaign_id"' not in html(manager.get(edit))
