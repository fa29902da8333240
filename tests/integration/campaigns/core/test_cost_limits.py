"""Cost lines at their limits: the campaign's running total and count (`costs_minor`, `cost_lines`) follow
every add and delete in the same transaction without touching the campaign's version; a total past
core.money.MAX_MINOR or a line past MAX_LINE_MINOR is a 422 on the amount (never a 500), lines that were
written however large still show; more than 1,000 lines are all listed and a campaign holds no more; a
campaign archived between the read and the write answers the archived sentence (API and page)."""
from __future__ import annotations

from chalicelib.campaigns import costs, repo, service
from chalicelib.campaigns.models import CampaignItem, CostLineItem, campaign_pk
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from chalicelib.core.money import MAX_MINOR
from tests.support.campaigns import new_campaign
from tests.support.posts import body, call
from tests.support.web import as_user, field_error, html, text_of


def line(amount: str = "100.00", **fields) -> dict:
    return {"kind": "boost", "label": "VK boost", "spent_on": "2026-12-03",
            "amount": {"amount": amount, "currency": "RUB"}, **fields}


def write_lines(campaign_id: str, amounts: list[int]) -> None:
    """Cost lines written straight to the table (as if added long ago), the counters left alone."""
    bind_models()
    with CostLineItem.batch_write() as batch:
        for n, minor in enumerate(amounts):
            cost_id = f"seed{n:06d}"
            batch.save(CostLineItem(campaign_pk(campaign_id), repo.cost_sk(cost_id), id=cost_id,
                                    campaign_id=campaign_id, kind="other", label=f"Line {n}", spent_on="2026-12-01",
                                    amount_minor=minor, created_at=iso(utcnow()), created_by="tests"))


def set_counters(campaign_id: str, **values) -> None:
    bind_models()
    counters = CampaignItem.CostCounters
    counters(*repo.campaign_key(campaign_id)).update(
        actions=[getattr(counters, name).set(value) for name, value in values.items()])


def test_the_running_total_and_count_follow_adds_and_deletes_and_leave_the_version(client, crew):
    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}/costs"
    first = body(call(client, "post", path, crew["smm_manager"], line("15000.50")))
    call(client, "post", path, crew["smm_manager"], line("40000"))
    stored = repo.get(made["id"], consistent=True)
    assert (stored.costs_minor, stored.cost_lines, stored.version) == (5_500_050, 2, 1)
    assert body(call(client, "get", path, crew["finance"]))["total"]["amount"] == "55000.50"
    assert call(client, "delete", f"{path}/{first['id']}", crew["smm_manager"]).status_code == 204
    stored = repo.get(made["id"], consistent=True)
    assert (stored.costs_minor, stored.cost_lines, stored.version) == (4_000_000, 1, 1)
    r = call(client, "patch", f"/v1/campaigns/{made['id']}", crew["smm_manager"], {"version": 1, "name": "Still 1"})
    assert r.status_code == 200, r.body  # cost lines do not make an editor's version stale


def test_lines_adding_up_past_what_money_holds_still_list_and_show(client, crew):
    made = new_campaign(client, crew)
    write_lines(made["id"], [9 * 10**14, 9 * 10**14])
    r = call(client, "get", f"/v1/campaigns/{made['id']}/costs", crew["finance"])
    assert r.status_code == 200, r.body
    total = body(r)["total"]
    assert total["amount"] == "18000000000000.00" and total["text"] == "RUB\u00a018,000,000,000,000.00"
    page = as_user(client, crew["finance"]).get(f"/campaigns/{made['id']}/costs")
    assert page.status_code == 200 and "RUB\u00a018,000,000,000,000.00" in text_of(page)


def test_a_total_past_the_maximum_or_a_huge_line_is_422_on_the_amount(client, crew):
    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}/costs"
    set_counters(made["id"], costs_minor=MAX_MINOR - 50_000, cost_lines=3)
    r = call(client, "post", path, crew["smm_manager"], line("1000.00"))
    assert r.status_code == 422, r.body
    assert body(r)["error"]["details"][0]["field"] == "amount.amount"
    assert "add up to more than" in body(r)["error"]["message"]
    assert call(client, "post", path, crew["smm_manager"], line("500.00")).status_code == 201  # exactly the max
    assert repo.get(made["id"], consistent=True).costs_minor == MAX_MINOR
    r = call(client, "post", path, crew["smm_manager"], line("1000000000.01"))
    assert r.status_code == 422 and "split a larger cost" in body(r)["error"]["message"]
    assert len(repo.costs_of(made["id"])) == 1

    browser = as_user(client, crew["smm_manager"])
    page = f"/campaigns/{made['id']}/costs"
    r = browser.submit(page, page, {"kind": "boost", "label": "More", "spent_on": "2026-12-05", "amount": "1"})
    assert r.status_code == 422 and "more than can be counted" in field_error(r, "cost", "amount")
    r = browser.submit(page, page, {"kind": "boost", "label": "Huge", "spent_on": "2026-12-05",
                                    "amount": "2 000 000 000"})
    assert r.status_code == 422 and "split the cost" in field_error(r, "cost", "amount")


def test_the_total_condition_holds_against_a_racing_add(client, crew, monkeypatch):
    """The check before the write passes (the campaign read is old); the transaction's condition refuses."""
    made = new_campaign(client, crew)
    stale = repo.get(made["id"], consistent=True)
    set_counters(made["id"], costs_minor=MAX_MINOR - 100, cost_lines=1)
    monkeypatch.setattr(costs, "managed", lambda principal, campaign_id: stale)
    r = call(client, "post", f"/v1/campaigns/{made['id']}/costs", crew["smm_manager"], line("5.00"))
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "amount.amount", r.body
    assert repo.costs_of(made["id"]) == []


def test_more_than_a_thousand_lines_are_all_listed_and_no_more_are_taken(client, crew):
    made = new_campaign(client, crew)
    write_lines(made["id"], [100] * 1001)
    r = call(client, "get", f"/v1/campaigns/{made['id']}/costs", crew["smm_manager"])
    assert r.status_code == 200
    assert len(body(r)["items"]) == 1001 and body(r)["total"]["amount"] == "1001.00"
    set_counters(made["id"], costs_minor=100_100, cost_lines=costs.MAX_LINES)
    r = call(client, "post", f"/v1/campaigns/{made['id']}/costs", crew["smm_manager"], line())
    assert r.status_code == 422 and "at most 1,000 cost lines" in body(r)["error"]["message"]
    browser = as_user(client, crew["smm_manager"])
    page = f"/campaigns/{made['id']}/costs"
    r = browser.submit(page, page, {"kind": "boost", "label": "One more", "spent_on": "2026-12-05", "amount": "1"})
    assert r.status_code == 422 and "at most 1,000 cost lines" in field_error(r, "cost", "amount")


def test_a_campaign_archived_between_the_read_and_the_write_says_so(client, crew, monkeypatch):
    made = new_campaign(client, crew)
    who = crew["smm_manager"]
    path = f"/v1/campaigns/{made['id']}/costs"
    kept = body(call(client, "post", path, who, line()))
    stale = repo.get(made["id"], consistent=True)
    assert call(client, "post", f"/v1/campaigns/{made['id']}/archive", who).status_code == 200
    monkeypatch.setattr(costs, "managed", lambda principal, campaign_id: stale)
    r = call(client, "post", path, who, line())
    assert r.status_code == 409 and body(r)["error"]["message"] == service.ARCHIVED, r.body
    r = call(client, "delete", f"{path}/{kept['id']}", who)
    assert r.status_code == 409 and body(r)["error"]["message"] == service.ARCHIVED, r.body
    assert len(repo.costs_of(made["id"])) == 1
    monkeypatch.setattr(service, "require", lambda *args, **kwargs: stale)
    r = call(client, "patch", f"/v1/campaigns/{made['id']}", who, {"version": stale.version, "name": "Late"})
    assert r.status_code == 409 and body(r)["error"]["message"] == service.ARCHIVED, r.body
    assert repo.get(made["id"], consistent=True).name != "Late"


def test_the_costs_page_says_the_campaign_is_archived_and_that_an_amount_must_be_more_than_zero(client, crew):
    made = new_campaign(client, crew)
    browser = as_user(client, crew["smm_manager"])
    page = f"/campaigns/{made['id']}/costs"
    r = browser.submit(page, page, {"kind": "boost", "label": "Zero", "spent_on": "2026-12-05", "amount": "0"})
    assert r.status_code == 422 and "more than zero" in field_error(r, "cost", "amount")
    assert call(client, "post", f"/v1/campaigns/{made['id']}/costs", crew["smm_manager"], line()).status_code == 201
    cost_id = repo.costs_of(made["id"])[0].id
    call(client, "post", f"/v1/campaigns/{made['id']}/archive", crew["content_manager"])
    r = browser.submit(page, page, {"kind": "boost", "label": "Late", "spent_on": "2026-12-05", "amount": "10"})
    assert r.status_code == 409 and "The campaign is archived" in text_of(r), text_of(r)
    r = browser.submit(page, f"{page}/{cost_id}/delete", {})
    assert r.status_code == 409 and "The campaign is archived" in text_of(r)
    assert 'id="costs-problem"' in html(r) and len(repo.costs_of(made["id"])) == 1
