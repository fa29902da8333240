"""The campaign pages as a browser uses them: the brand's list with the new-campaign form (a round trip
from typed values to the stored campaign), a refused form coming back with the values kept and the
message by the field (422), the edit form (a stale version is 409), archiving, cost lines, the nav link,
and the pages in Russian."""
from __future__ import annotations

from chalicelib.campaigns import repo
from chalicelib.core.plain import plain
from tests.support.campaigns import add_campaign, new_campaign
from tests.support.web import as_user, field_error, html, location, text_of

FORM = {"name": "Новогодняя распродажа", "goal": "sales", "starts_on": "2026-12-10", "ends_on": "2026-12-31",
        "currency": "RUB", "budget_amount": "500 000,00", "target_reach": "1 000 000", "target_clicks": "5000",
        "target_cpa_max": "1500", "target_roi_min": "50", "utm_source": "", "utm_medium": "influencer",
        "utm_campaign": "ny-sale"}


def test_the_list_shows_campaigns_and_managers_make_one_from_the_form(client, crew):
    brand_id = crew["brand"].id
    browser = as_user(client, crew["smm_manager"])
    page = browser.get(f"/brands/{brand_id}/campaigns")
    assert page.status_code == 200 and 'id="new-campaign"' in html(page)
    r = browser.submit(f"/brands/{brand_id}/campaigns", f"/brands/{brand_id}/campaigns", FORM)
    assert r.status_code == 303, r.body
    assert location(r).startswith(f"/brands/{brand_id}/campaigns?done=created#campaign-")
    campaign_id = location(r).rsplit("#campaign-", 1)[1]
    stored = repo.get(campaign_id, consistent=True)
    assert stored.name == "Новогодняя распродажа" and stored.budget_minor == 50_000_000
    assert plain(stored.targets) == {"reach": 1_000_000, "clicks": 5000, "cpa_max": 150_000, "roi_min": "0.5"}
    assert stored.utm_source is None and stored.utm_campaign == "ny-sale"
    listed = browser.get(location(r))
    text = text_of(listed)
    assert "The campaign is created." in text and "Новогодняя распродажа" in text
    assert "RUB\u00a0500,000.00" in text and "Sales" in text and "Active" in text
    assert f'href="/campaigns/{campaign_id}"' in html(listed)
    assert f'href="/brands/{brand_id}/campaigns" aria-current="page"' in html(listed)


def test_a_refused_form_keeps_the_values_and_names_the_fields(client, crew):
    brand_id = crew["brand"].id
    browser = as_user(client, crew["smm_manager"])
    bad = {**FORM, "ends_on": "2026-12-01", "utm_campaign": "ny sale!", "target_clicks": "many",
           "budget_amount": "12.345"}
    r = browser.submit(f"/brands/{brand_id}/campaigns", f"/brands/{brand_id}/campaigns", bad)
    assert r.status_code == 422
    assert field_error(r, "campaign", "ends_on") == "The campaign cannot end before it starts."
    assert field_error(r, "campaign", "utm_campaign").startswith("Use only Latin letters")
    assert field_error(r, "campaign", "target_clicks") == "Enter a whole number, 0 or more."
    assert field_error(r, "campaign", "budget_amount").startswith("Enter an amount")
    assert 'value="Новогодняя распродажа"' in html(r) and 'value="ny sale!"' in html(r)
    r = browser.submit(f"/brands/{brand_id}/campaigns", f"/brands/{brand_id}/campaigns", {**FORM, "name": ""})
    assert r.status_code == 422 and field_error(r, "campaign", "name")
    assert repo.of_brand(brand_id) == []


def test_people_who_may_only_read_see_no_form_and_outsiders_nothing(client, crew):
    campaign = add_campaign(crew["brand"].id, name="Visible")
    reader = as_user(client, crew["copywriter"])
    page = reader.get(f"/brands/{crew['brand'].id}/campaigns")
    assert page.status_code == 200 and "Visible" in text_of(page) and 'id="new-campaign"' not in html(page)
    assert reader.get(f"/campaigns/{campaign.id}/edit").status_code == 403
    outsider = as_user(client, crew["outsider"])
    assert outsider.get(f"/brands/{crew['brand'].id}/campaigns").status_code == 404
    assert outsider.get(f"/campaigns/{campaign.id}/costs").status_code == 404


def test_the_edit_form_saves_and_a_stale_version_is_409(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["content_manager"])
    edit = f"/campaigns/{made['id']}/edit"
    page = browser.get(edit)
    assert page.status_code == 200
    assert 'value="500000.00"' in html(page) and 'value="50"' in html(page) and 'value="winter-2026"' in html(page)
    values = {"name": "Зима, вторая волна", "goal": "traffic", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
              "budget_amount": "", "target_clicks": "7000", "utm_source": "greenlight", "utm_medium": "influencer",
              "utm_campaign": "winter-2026", "version": "1"}
    r = browser.submit(edit, edit, values)
    assert r.status_code == 303, r.body
    stored = repo.get(made["id"], consistent=True)
    assert stored.name == "Зима, вторая волна" and stored.goal == "traffic" and stored.budget_minor is None
    assert plain(stored.targets) == {"clicks": 7000} and stored.version == 2
    r = browser.submit(edit, edit, {**values, "name": "Too late", "version": "1"})
    assert r.status_code == 409
    assert "Someone changed this campaign" in text_of(r) and 'value="Too late"' in html(r)
    assert repo.get(made["id"], consistent=True).name == "Зима, вторая волна"
    r = browser.submit(edit, edit, {**values, "ends_on": "2026-11-01", "version": "2"})
    assert r.status_code == 422 and field_error(r, "campaign", "ends_on")


def test_archive_and_unarchive_from_the_edit_page(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["smm_manager"])
    edit = f"/campaigns/{made['id']}/edit"
    r = browser.submit(edit, f"/campaigns/{made['id']}/archive", {"version": "1"})
    assert r.status_code == 303 and "done=archived" in location(r)
    assert repo.get(made["id"], consistent=True).status == "archived"
    page = browser.get(edit)
    assert "This campaign is archived" in text_of(page) and 'action="/campaigns/' + made["id"] + '/unarchive"' in html(page)
    r = browser.submit(edit, f"/campaigns/{made['id']}/unarchive", {"version": "2"})
    assert r.status_code == 303 and repo.get(made["id"], consistent=True).status == "active"


def test_cost_lines_are_added_refused_with_values_kept_and_deleted(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["smm_manager"])
    path = f"/campaigns/{made['id']}/costs"
    r = browser.submit(path, path, {"kind": "boost", "label": "VK ads", "spent_on": "2026-12-05", "amount": "12 500,50"})
    assert r.status_code == 303 and "done=cost_added" in location(r)
    page = browser.get(location(r))
    assert "VK ads" in text_of(page) and "RUB\u00a012,500.50" in text_of(page) and "Boost" in text_of(page)
    r = browser.submit(path, path, {"kind": "boost", "label": "Second", "spent_on": "2026-13-01", "amount": "0"})
    assert r.status_code == 422
    assert field_error(r, "cost", "spent_on") == "Enter a real date, such as 2026-12-01."
    assert 'value="Second"' in html(r)
    r = browser.submit(path, path, {"kind": "boost", "label": "Second", "spent_on": "2026-12-06", "amount": "0"})
    assert r.status_code == 422 and field_error(r, "cost", "amount")
    line = repo.costs_of(made["id"])[0]
    r = browser.submit(path, f"{path}/{line.id}/delete", {})
    assert r.status_code == 303 and repo.costs_of(made["id"]) == []


def test_the_pages_in_russian(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["russian_manager"])
    page = browser.get(f"/brands/{crew['brand'].id}/campaigns")
    text = text_of(page)
    assert page.status_code == 200 and "Кампании бренда" in text and "500\u00a0000,00\u00a0₽" in text
    assert "Продажи" in text and "Активна" in text and "Новая кампания" in text
    costs = browser.get(f"/campaigns/{made['id']}/costs")
    assert "Расходы" in text_of(costs) and "Добавить расход" in text_of(costs)
    r = browser.submit(f"/campaigns/{made['id']}/costs", f"/campaigns/{made['id']}/costs",
                       {"kind": "other", "label": "Реквизит", "spent_on": "2026-12-02", "amount": "-5"})
    assert r.status_code == 422 and field_error(r, "cost", "amount").startswith("Укажите сумму")
    edit = browser.get(f"/campaigns/{made['id']}/edit")
    assert "Изменение кампании" in text_of(edit) and "Плановые показатели" in text_of(edit)
