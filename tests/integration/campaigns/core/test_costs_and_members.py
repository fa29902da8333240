"""Cost lines (add, list with their total, delete; the campaign's currency; archived campaigns take none)
and members: posts attach through their campaign_id when made, edited or imported by CSV, deals when
made or changed — another brand's campaign, an archived one or another currency is a 422 naming the
field, before anything is written; the members list reads the member items and the posts and deals."""
from __future__ import annotations

import json

from chalicelib.campaigns import repo
from chalicelib.content import repo as post_repo
from chalicelib.deals import repo as deal_repo
from tests.support.campaigns import add_campaign, new_campaign
from tests.support.deals_api import blogger, deal_data, new_deal
from tests.support.posts import body, call


def member_ids(campaign_id: str, kind: str) -> set[str]:
    return {m.subject_id for m in repo.members_of(campaign_id, kind)}


def post_data(crew, **fields) -> dict:
    return {"brand_id": crew["brand"].id, "title": "Winter drop", "body": "Our winter collection is here.",
            "channel_ids": [], "content_type": "advertising", **fields}


def new_post(client, crew, **fields) -> dict:
    r = call(client, "post", "/v1/posts", crew["copywriter"], post_data(crew, **fields))
    assert r.status_code == 201, r.body
    return body(r)


# --- cost lines ----------------------------------------------------------------------------------------

def test_cost_lines_are_added_listed_with_their_total_and_deleted(client, crew):
    from chalicelib.audit import repo as audit_repo

    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}/costs"
    who = crew["smm_manager"]
    r = call(client, "post", path, who, {"kind": "boost", "label": "VK boost", "spent_on": "2026-12-03",
                                         "amount": {"amount": "15000.50", "currency": "RUB"}})
    assert r.status_code == 201, r.body
    boost = body(r)
    assert boost["amount"]["amount"] == "15000.50" and boost["kind"] == "boost"
    r = call(client, "post", path, who, {"kind": "production", "label": "Shooting", "spent_on": "2026-12-01",
                                         "amount": {"amount": "40000", "currency": "RUB"}})
    assert r.status_code == 201
    listed = body(call(client, "get", path, crew["finance"]))
    assert [i["label"] for i in listed["items"]] == ["Shooting", "VK boost"]
    assert listed["total"]["amount"] == "55000.50"
    r = call(client, "delete", f"{path}/{boost['id']}", who)
    assert r.status_code == 204
    assert [c.id for c in repo.costs_of(made["id"])] != [boost["id"]] and len(repo.costs_of(made["id"])) == 1
    assert call(client, "delete", f"{path}/{boost['id']}", who).status_code == 404
    actions = [e.action for e in audit_repo.list_entries(crew["brand"].id, "campaign", made["id"], None, 10).items]
    assert actions.count("cost_add") == 2 and actions.count("cost_delete") == 1


def test_a_cost_line_is_in_the_campaigns_currency_positive_and_valid(client, crew):
    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}/costs"
    who = crew["content_manager"]
    line = {"kind": "other", "label": "Props", "spent_on": "2026-12-03", "amount": {"amount": "100", "currency": "RUB"}}
    for fields, field in (({"amount": {"amount": "100", "currency": "USD"}}, "amount.currency"),
                          ({"amount": {"amount": "0", "currency": "RUB"}}, "amount.amount"),
                          ({"amount": {"amount": 10.5, "currency": "RUB"}}, "amount.amount"),
                          ({"kind": "bribe"}, "kind"), ({"spent_on": "someday"}, "spent_on"), ({"label": ""}, "label")):
        r = call(client, "post", path, who, {**line, **fields})
        assert r.status_code == 422, fields
        assert body(r)["error"]["details"][0]["field"] == field, (fields, body(r))
    assert call(client, "post", path, crew["copywriter"], line).status_code == 403
    assert call(client, "post", path, crew["outsider"], line).status_code == 404
    assert call(client, "get", path, crew["outsider"]).status_code == 404
    assert call(client, "post", f"/v1/campaigns/{made['id']}/archive", who).status_code == 200
    assert call(client, "post", path, who, line).status_code == 409
    assert repo.costs_of(made["id"]) == []


# --- posts ---------------------------------------------------------------------------------------------

def test_posts_join_move_and_leave_campaigns_with_their_member_items(client, crew):
    first, second = new_campaign(client, crew), new_campaign(client, crew, name="Second")
    post = new_post(client, crew, campaign_id=first["id"])
    assert member_ids(first["id"], "post") == {post["id"]}
    r = call(client, "patch", f"/v1/posts/{post['id']}", crew["copywriter"], {"version": 1,
                                                                              "campaign_id": second["id"]})
    assert r.status_code == 200, r.body
    assert member_ids(first["id"], "post") == set() and member_ids(second["id"], "post") == {post["id"]}
    r = call(client, "patch", f"/v1/posts/{post['id']}", crew["copywriter"], {"version": 1, "title": "Retitled"})
    assert r.status_code == 200 and member_ids(second["id"], "post") == {post["id"]}
    r = call(client, "patch", f"/v1/posts/{post['id']}", crew["copywriter"], {"version": 2, "campaign_id": None})
    assert r.status_code == 200, r.body
    assert member_ids(second["id"], "post") == set() and post_repo.get(post["id"], consistent=True).campaign_id is None


def test_a_post_cannot_join_another_brands_an_archived_or_a_missing_campaign(client, crew, other_crew):
    theirs = add_campaign(other_crew["brand"].id)
    archived = new_campaign(client, crew, name="Old")
    call(client, "post", f"/v1/campaigns/{archived['id']}/archive", crew["smm_manager"])
    messages = []
    for campaign_id in (theirs.id, archived["id"], "01nosuchcampaign0000000000"):
        r = call(client, "post", "/v1/posts", crew["copywriter"], post_data(crew, campaign_id=campaign_id))
        assert r.status_code == 422, r.body
        assert body(r)["error"]["details"][0]["field"] == "campaign_id"
        messages.append(body(r)["error"]["message"])
    assert "no campaign" in messages[0] and "archived" in messages[1] and "no campaign" in messages[2]
    assert member_ids(theirs.id, "post") == set() and member_ids(archived["id"], "post") == set()
    post = new_post(client, crew)
    r = call(client, "patch", f"/v1/posts/{post['id']}", crew["copywriter"], {"version": 1,
                                                                              "campaign_id": archived["id"]})
    assert r.status_code == 422 and "archived" in body(r)["error"]["message"]
    assert post_repo.get(post["id"], consistent=True).campaign_id is None


def test_a_plan_import_checks_every_rows_campaign_before_writing_any(client, crew):
    campaign = new_campaign(client, crew)
    brand_id = crew["brand"].id
    channel = body(call(client, "post", f"/v1/brands/{brand_id}/channels", crew["smm_manager"],
                        {"platform": "telegram", "name": "TG", "external_id": "@acme"}))["id"]
    header = "id,title,body,channels,content_type,publish_at,timezone,tags,assignees,campaign_id,due_at,status,version\n"
    good = f",Row one,Text one,{channel},engaging,,,,,{campaign['id']},,,\n"
    bad = f",Row two,Text two,{channel},engaging,,,,,01nosuchcampaign0000000000,,,\n"

    def upload(text):
        return client.post(f"/v1/brands/{brand_id}/content-plan", body=text.encode(),
                           headers={"Authorization": crew["smm_manager"].headers["Authorization"],
                                    "Content-Type": "text/csv"})

    r = upload(header + good + bad)
    assert r.status_code == 422, r.body
    assert [(d["line"], d["field"]) for d in json.loads(r.body)["error"]["details"]] == [(3, "campaign_id")]
    assert member_ids(campaign["id"], "post") == set()
    r = upload(header + good)
    assert r.status_code in (200, 201), r.body
    created = json.loads(r.body)["created"]
    assert member_ids(campaign["id"], "post") == set(created) and len(created) == 1


# --- deals ---------------------------------------------------------------------------------------------

def test_deals_join_on_creation_and_move_on_change(client, crew):
    first, second = new_campaign(client, crew), new_campaign(client, crew, name="Second")
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], campaign_id=first["id"])
    assert deal["campaign_id"] == first["id"] and member_ids(first["id"], "deal") == {deal["id"]}
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"campaign_id": second["id"]})
    assert r.status_code == 200, r.body
    assert member_ids(first["id"], "deal") == set() and member_ids(second["id"], "deal") == {deal["id"]}
    r = call(client, "patch", f"/v1/deals/{deal['id']}", crew["influencer_manager"], {"campaign_id": None})
    assert r.status_code == 200 and member_ids(second["id"], "deal") == set()
    plain = new_deal(client, crew, influencer["id"])
    assert plain["campaign_id"] is None


def test_a_deal_in_another_currency_brand_or_an_archived_campaign_is_refused(client, crew, other_crew):
    rub = new_campaign(client, crew)
    usd = new_campaign(client, crew, currency="USD", budget={"amount": "1000.00", "currency": "USD"},
                       targets={"clicks": 10})
    theirs = add_campaign(other_crew["brand"].id)
    archived = new_campaign(client, crew, name="Old")
    call(client, "post", f"/v1/campaigns/{archived['id']}/archive", crew["smm_manager"])
    influencer, _ = blogger(client, crew)
    path = f"/v1/brands/{crew['brand'].id}/deals"
    who = crew["influencer_manager"]
    r = call(client, "post", path, who, deal_data(influencer["id"], campaign_id=usd["id"]))
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "campaign_id"
    assert "USD" in body(r)["error"]["message"] and "RUB" in body(r)["error"]["message"]
    for campaign_id in (theirs.id, archived["id"]):
        r = call(client, "post", path, who, deal_data(influencer["id"], campaign_id=campaign_id))
        assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "campaign_id"
    assert not [d for d in deal_repo.deals_page(crew["brand"].id, None, None, 100).items if d.campaign_id]
    deal = new_deal(client, crew, influencer["id"], campaign_id=rub["id"])
    r = call(client, "patch", f"/v1/deals/{deal['id']}", who, {"fee": {"amount": "1000.00", "currency": "USD"}})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "fee.currency"
    r = call(client, "patch", f"/v1/deals/{deal['id']}", who, {"campaign_id": usd["id"]})
    assert r.status_code == 422
    assert member_ids(rub["id"], "deal") == {deal["id"]} and member_ids(usd["id"], "deal") == set()
    r = call(client, "patch", f"/v1/deals/{deal['id']}", who, {"fee": {"amount": "1000.00", "currency": "USD"},
                                                               "campaign_id": usd["id"]})
    assert r.status_code == 200, r.body
    assert member_ids(rub["id"], "deal") == set() and member_ids(usd["id"], "deal") == {deal["id"]}


def test_the_members_list_names_the_posts_and_deals_each_to_those_who_may_see_them(client, crew):
    """Finance sees the deals but nothing of the content; copywriters (no view_deals) the posts only."""
    campaign = new_campaign(client, crew)
    post = new_post(client, crew, campaign_id=campaign["id"], title="Launch post")
    influencer, _ = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"], campaign_id=campaign["id"], title="Anna's reel")
    path = f"/v1/campaigns/{campaign['id']}/members"

    def listed(who):
        r = call(client, "get", path, crew[who])
        assert r.status_code == 200, r.body
        return {(m["kind"], m["id"]): m for m in body(r)["items"]}

    items = listed("smm_manager")
    assert items[("post", post["id"])]["title"] == "Launch post" and items[("post", post["id"])]["status"] == "draft"
    assert items[("deal", deal["id"])]["title"] == "Anna's reel" and items[("deal", deal["id"])]["status"] == "draft"
    assert set(listed("finance")) == {("deal", deal["id"])}
    assert "Launch post" not in call(client, "get", path, crew["finance"]).body.decode()
    assert set(listed("copywriter")) == {("post", post["id"])}
    assert "Anna's reel" not in call(client, "get", path, crew["copywriter"]).body.decode()
    assert call(client, "get", path, crew["outsider"]).status_code == 404
    page = body(call(client, "get", f"{path}?limit=1", crew["smm_manager"]))
    assert len(page["items"]) == 1 and page["cursor"]
    rest = body(call(client, "get", f"{path}?limit=1&cursor={page['cursor']}", crew["smm_manager"]))
    assert {(m["kind"], m["id"]) for m in page["items"] + rest["items"]} == set(items)
    finance_page = body(call(client, "get", f"{path}?limit=1", crew["finance"]))
    assert [(m["kind"], m["id"]) for m in finance_page["items"]] == [("deal", deal["id"])]


def test_a_campaign_archived_between_the_check_and_the_write_takes_nothing(client, crew, monkeypatch):
    """The member's put carries a condition check that the campaign is still active: a campaign archived after
    the check (here: the check is made to pass) fails the whole change, so no post, deal or member lands."""
    from chalicelib.campaigns import members

    campaign = new_campaign(client, crew)
    assert call(client, "post", f"/v1/campaigns/{campaign['id']}/archive", crew["smm_manager"]).status_code == 200
    monkeypatch.setattr(members, "attach_problem", lambda *args, **kwargs: None)
    r = call(client, "post", "/v1/posts", crew["copywriter"], post_data(crew, campaign_id=campaign["id"], title="Late"))
    assert r.status_code == 409, r.body
    influencer, _ = blogger(client, crew)
    r = call(client, "post", f"/v1/brands/{crew['brand'].id}/deals", crew["influencer_manager"],
             deal_data(influencer["id"], campaign_id=campaign["id"]))
    assert r.status_code == 409, r.body
    assert repo.members_of(campaign["id"]) == []
    assert not [d for d in deal_repo.deals_page(crew["brand"].id, None, None, 100).items if d.campaign_id]
