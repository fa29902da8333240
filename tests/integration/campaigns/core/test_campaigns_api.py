"""Campaigns through the API on DynamoDB Local: create with exact money and targets, the 422s that name
the field, the optimistic lock (a stale version is 409, two editors at once: one wins), archive, roles
and other brands (403/404), and that the webhook secret is never answered."""
from __future__ import annotations

import threading

from chalicelib.campaigns import repo
from tests.support.campaigns import campaign_data, new_campaign
from tests.support.posts import body, call


def test_a_campaign_is_created_with_exact_money_targets_and_a_secret_never_shown(client, crew):
    made = new_campaign(client, crew)
    assert made["status"] == "active" and made["version"] == 1 and made["goal"] == "sales"
    assert made["budget"]["amount"] == "500000.00" and made["budget"]["currency"] == "RUB"
    assert made["budget"]["text"] == "RUB\u00a0500,000.00"
    assert made["targets"]["clicks"] == 5000 and made["targets"]["roi_min"] == "0.5"
    assert made["targets"]["revenue"]["amount"] == "2000000.00"
    assert made["utm_campaign"] == "winter-2026"
    assert "webhook_secret" not in made
    stored = repo.get(made["id"], consistent=True)
    assert stored.budget_minor == 50_000_000 and stored.targets["cpa_max"] == 150_000
    assert stored.webhook_secret and len(stored.webhook_secret) >= 40
    assert stored.webhook_secret not in client.get(f"/v1/campaigns/{made['id']}",
                                                   headers=crew["smm_manager"].headers).body.decode()
    assert stored.gsi1pk == f"BRAND#{crew['brand'].id}#CAMPAIGNS" and stored.gsi1sk == f"2026-12-01#{made['id']}"


def test_russian_readers_get_amounts_in_their_locale(client, crew):
    made = new_campaign(client, crew, who="russian_manager")
    assert made["budget"]["text"] == "500\u00a0000,00\u00a0₽"


def test_bad_input_is_422_naming_the_field(client, crew):
    path = f"/v1/brands/{crew['brand'].id}/campaigns"
    who = crew["smm_manager"]
    cases = [
        ({"goal": "fame"}, "goal"),
        ({"ends_on": "2026-11-30"}, "ends_on"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"currency": "RUR"}, "currency"),
        ({"budget": {"amount": 500000.5, "currency": "RUB"}}, "budget.amount"),
        ({"budget": {"amount": "1.001", "currency": "RUB"}}, "budget"),
        ({"budget": {"amount": "100.00", "currency": "USD"}}, "budget.currency"),
        ({"budget": {"amount": "-1.00", "currency": "RUB"}}, "budget.amount"),
        ({"targets": {"clicks": -5}}, "targets.clicks"),
        ({"targets": {"clicks": 5.0}}, "targets.clicks"),
        ({"targets": {"roi_min": 0.5}}, "targets.roi_min"),
        ({"targets": {"cpc_max": {"amount": "10.00", "currency": "EUR"}}}, "targets.cpc_max.currency"),
        ({"targets": {"ctr": 5}}, "targets.ctr"),
        ({"utm_source": "a b"}, "utm_source"),
        ({"utm_campaign": "x&utm_source=evil"}, "utm_campaign"),
        ({"name": ""}, "name"),
    ]
    for fields, field in cases:
        r = call(client, "post", path, who, campaign_data(**fields))
        assert r.status_code == 422, (fields, r.body)
        fields_named = [d["field"] for d in body(r)["error"]["details"]]
        assert any(f and f.startswith(field) for f in fields_named), (fields, fields_named)
    r = call(client, "post", path, who, {k: v for k, v in campaign_data().items() if k != "currency"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "currency"


def test_a_change_needs_the_current_version_and_the_currency_stays(client, crew):
    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}"
    who = crew["content_manager"]
    r = call(client, "patch", path, who, {"version": 1, "name": "Winter 2026", "starts_on": "2026-11-25",
                                          "budget": {"amount": "450000", "currency": "RUB"},
                                          "targets": {"reach": 1_000_000}, "utm_source": None})
    assert r.status_code == 200, r.body
    changed = body(r)
    assert changed["version"] == 2 and changed["name"] == "Winter 2026" and changed["budget"]["amount"] == "450000.00"
    assert changed["targets"] == {"reach": 1_000_000} and changed["utm_source"] is None
    assert repo.get(made["id"], consistent=True).gsi1sk == f"2026-11-25#{made['id']}"
    r = call(client, "patch", path, who, {"version": 1, "name": "Mine"})
    assert r.status_code == 409 and body(r)["error"]["current_version"] == 2
    r = call(client, "patch", path, who, {"name": "Mine"}, headers={"If-Match": '"1"'})
    assert r.status_code == 409
    r = call(client, "patch", path, who, {"currency": "USD"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "currency"
    r = call(client, "patch", path, who, {"ends_on": "2026-11-01"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "ends_on"
    r = call(client, "patch", path, who, {"name": None})
    assert r.status_code == 422
    r = call(client, "patch", path, who, {"budget": None, "version": 2})
    assert r.status_code == 200 and body(r)["budget"] is None and body(r)["version"] == 3


def test_the_change_is_in_the_audit_trail(client, crew):
    from chalicelib.audit import repo as audit_repo

    made = new_campaign(client, crew)
    call(client, "patch", f"/v1/campaigns/{made['id']}", crew["smm_manager"], {"name": "Renamed"})
    entries = audit_repo.list_entries(crew["brand"].id, "campaign", made["id"], None, 10).items
    actions = {e.action: e for e in entries}
    assert {"create", "update"} <= set(actions)
    assert actions["update"].before["name"] == "Зимняя коллекция" and actions["update"].after["name"] == "Renamed"
    assert all("webhook_secret" not in (e.after or {}) for e in entries)


def test_two_editors_at_once_one_wins_the_other_is_told(client, crew):
    made = new_campaign(client, crew)
    path = f"/v1/campaigns/{made['id']}"
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def edit(n):
        barrier.wait()
        codes.append(call(client, "patch", path, crew["smm_manager"], {"version": 1, "name": f"Editor {n}"}).status_code)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 5
    assert repo.get(made["id"], consistent=True).version == 2


def test_roles_and_other_brands(client, crew, other_crew):
    made = new_campaign(client, crew)
    brand_path = f"/v1/brands/{crew['brand'].id}/campaigns"
    path = f"/v1/campaigns/{made['id']}"
    for who in ("copywriter", "finance"):
        assert call(client, "get", path, crew[who]).status_code == 200, who
        assert call(client, "patch", path, crew[who], {"name": "x"}).status_code == 403, who
        assert call(client, "post", brand_path, crew[who], campaign_data()).status_code == 403, who
    assert call(client, "get", path, crew["client_approver"]).status_code == 403
    assert call(client, "get", path, crew["outsider"]).status_code == 404
    assert call(client, "patch", path, other_crew["smm_manager"], {"name": "x"}).status_code == 404
    assert call(client, "get", brand_path, other_crew["smm_manager"]).status_code == 404
    assert call(client, "post", brand_path, other_crew["smm_manager"], campaign_data()).status_code == 404
    assert call(client, "get", "/v1/campaigns/01nosuchcampaign0000000000", crew["smm_manager"]).status_code == 404
    assert call(client, "get", path, crew["admin"]).status_code == 200
    assert call(client, "patch", path, crew["influencer_manager"], {"goal": "leads"}).status_code == 200


def test_the_list_is_latest_start_first_with_a_status_filter_and_archive_is_read_only(client, crew):
    early = new_campaign(client, crew, name="Spring", starts_on="2026-03-01", ends_on="2026-03-31")
    late = new_campaign(client, crew, name="Winter")
    who = crew["smm_manager"]
    listed = body(call(client, "get", f"/v1/brands/{crew['brand'].id}/campaigns", who))["items"]
    ids = [c["id"] for c in listed]
    assert ids.index(late["id"]) < ids.index(early["id"])
    r = call(client, "post", f"/v1/campaigns/{early['id']}/archive", who)
    assert r.status_code == 200 and body(r)["status"] == "archived"
    assert call(client, "patch", f"/v1/campaigns/{early['id']}", who, {"name": "x"}).status_code == 409
    archived = body(call(client, "get", f"/v1/brands/{crew['brand'].id}/campaigns?status=archived", who))["items"]
    assert [c["id"] for c in archived] == [early["id"]]
    active = body(call(client, "get", f"/v1/brands/{crew['brand'].id}/campaigns?status=active", who))["items"]
    assert early["id"] not in [c["id"] for c in active] and late["id"] in [c["id"] for c in active]
    assert call(client, "get", f"/v1/brands/{crew['brand'].id}/campaigns?status=gone", who).status_code == 422
    r = call(client, "post", f"/v1/campaigns/{early['id']}/unarchive", who, headers={"If-Match": "1"})
    assert r.status_code == 409  # the archive moved it to version 2
    r = call(client, "post", f"/v1/campaigns/{early['id']}/unarchive", who)
    assert r.status_code == 200 and body(r)["status"] == "active"
    assert call(client, "post", f"/v1/campaigns/{early['id']}/archive", crew["copywriter"]).status_code == 403
