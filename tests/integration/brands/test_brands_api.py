"""Brands, members, channels and permissions through the real app on DynamoDB Local."""
from __future__ import annotations

import json

import pytest

from tests.support.mail import latest_to, links_in


def body(response):
    return json.loads(response.body)


def post(client, path, user, data):
    return client.post(path, headers=user.headers, body=json.dumps(data))


def test_admin_creates_brand_and_lists_it(client, admin):
    r = post(client, "/v1/brands", admin, {"name": "Acme", "slug": "acme-x1", "timezone": "Europe/Berlin"})
    assert r.status_code == 201, r.body
    brand_id = body(r)["id"]
    got = body(client.get(f"/v1/brands/{brand_id}", headers=admin.headers))
    assert got["name"] == "Acme" and got["timezone"] == "Europe/Berlin" and got["version"] == 1
    slugs = []
    cursor = None
    while True:
        page = body(client.get("/v1/brands?limit=100" + (f"&cursor={cursor}" if cursor else ""), headers=admin.headers))
        slugs += [b["slug"] for b in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert "acme-x1" in slugs


def test_duplicate_slug_is_409(client, admin, brand):
    r = post(client, "/v1/brands", admin, {"name": "Other", "slug": brand.slug, "timezone": "UTC"})
    assert r.status_code == 409
    assert body(r)["error"]["details"][0]["field"] == "slug"


def test_non_admin_cannot_create_brand(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = post(client, "/v1/brands", manager, {"name": "X", "slug": "nope-x", "timezone": "UTC"})
    assert r.status_code == 403
    assert body(r)["error"]["code"] == "forbidden"


@pytest.mark.parametrize("payload, field", [
    ({"name": "X", "slug": "ok-slug", "timezone": "Mars/Olympus"}, "timezone"),
    ({"name": "X", "slug": "Bad Slug", "timezone": "UTC"}, "slug"),
    ({"name": "x" * 121, "slug": "ok-slug", "timezone": "UTC"}, "name"),
    ({"name": "X", "slug": "ok-slug", "timezone": "UTC", "colour": "red"}, "colour"),
    ({"name": 5, "slug": "ok-slug", "timezone": "UTC"}, "name"),
    ({"slug": "ok-slug", "timezone": "UTC"}, "name"),
])
def test_bad_brand_input_gets_field_details(client, admin, payload, field):
    r = post(client, "/v1/brands", admin, payload)
    assert r.status_code == 422
    error = body(r)["error"]
    assert error["code"] == "validation_error"
    assert any(d["field"] == field for d in error["details"]), error


def test_malformed_json_and_wrong_content_type(client, admin):
    r = client.post("/v1/brands", headers=admin.headers, body="{not json")
    assert r.status_code == 400 and body(r)["error"]["code"] == "bad_request"
    r = client.post("/v1/brands", headers={**admin.headers, "Content-Type": "text/plain"}, body="hello")
    assert r.status_code == 415 and body(r)["error"]["code"] == "unsupported_media_type"
    r = client.post("/v1/brands", headers=admin.headers, body="[1, 2]")
    assert r.status_code == 422


def test_unknown_route_is_404_in_error_shape(client, admin):
    r = client.get("/v1/does/not/exist", headers=admin.headers)
    assert r.status_code == 404
    assert body(r)["error"]["code"] == "not_found"
    assert "glt_" not in r.body.decode()  # the token is never echoed back


def test_cross_brand_access_is_404(client, make_user, brand):
    from tests.support.factories import make_brand

    other = make_brand()
    outsider = make_user("smm_manager", brand=other)
    assert client.get(f"/v1/brands/{brand.id}", headers=outsider.headers).status_code == 404
    assert client.get(f"/v1/brands/{brand.id}/channels", headers=outsider.headers).status_code == 404
    assert client.get(f"/v1/brands/{brand.id}/members", headers=outsider.headers).status_code == 404
    manager = make_user("smm_manager", brand=brand)
    channel_id = body(post(client, f"/v1/brands/{brand.id}/channels", manager,
                           {"platform": "telegram", "name": "TG", "external_id": "@x"}))["id"]
    assert client.get(f"/v1/channels/{channel_id}", headers=outsider.headers).status_code == 404
    r = client.patch(f"/v1/channels/{channel_id}", headers=outsider.headers, body=json.dumps({"name": "pwned"}))
    assert r.status_code == 404
    assert client.delete(f"/v1/channels/{channel_id}", headers=outsider.headers).status_code == 404
    assert body(client.get(f"/v1/channels/{channel_id}", headers=manager.headers))["name"] == "TG"


def test_channel_lifecycle_with_audit(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = post(client, f"/v1/brands/{brand.id}/channels", manager, {
        "platform": "vk", "name": "VK main", "handle": "https://vk.com/acme", "external_id": "-12345",
        "timezone": "Europe/Moscow", "credentials_ref": f"ssm:/greenlight/local/brands/{brand.id}/channels/vk"})
    assert r.status_code == 201, r.body
    channel_id = body(r)["id"]
    listed = body(client.get(f"/v1/brands/{brand.id}/channels", headers=manager.headers))["items"]
    assert [c["id"] for c in listed] == [channel_id]
    r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers, body=json.dumps({"name": "VK", "version": 1}))
    assert r.status_code == 200 and body(r)["name"] == "VK" and body(r)["version"] == 2
    r = client.patch(f"/v1/channels/{channel_id}", headers=manager.headers, body=json.dumps({"name": "VK2", "version": 1}))
    assert r.status_code == 409
    assert client.delete(f"/v1/channels/{channel_id}", headers=manager.headers).status_code == 204
    assert client.get(f"/v1/channels/{channel_id}", headers=manager.headers).status_code == 404
    assert body(client.get(f"/v1/brands/{brand.id}/channels", headers=manager.headers))["items"] == []
    audit = body(client.get(f"/v1/audit?brand_id={brand.id}&entity=channel&id={channel_id}", headers=manager.headers))
    assert [e["action"] for e in audit["items"]] == ["delete", "update", "create"]  # newest first
    assert audit["items"][1]["before"] == {"name": "VK main"} and audit["items"][1]["after"] == {"name": "VK"}
    assert all(e["via"] == "api" and e["actor_id"] == manager.id for e in audit["items"])


def test_channel_secret_must_be_a_reference(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = post(client, f"/v1/brands/{brand.id}/channels", manager,
             {"platform": "telegram", "name": "TG", "credentials_ref": "123456:ABC-real-bot-token"})
    assert r.status_code == 422
    r = post(client, f"/v1/brands/{brand.id}/channels", manager, {"platform": "myspace", "name": "TG"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "platform"


@pytest.mark.parametrize("role, can_manage", [
    ("smm_manager", True), ("content_manager", True), ("copywriter", False), ("designer", False),
    ("influencer_manager", False)])
def test_channel_permissions_per_role(client, make_user, brand, role, can_manage):
    user = make_user(role, brand=brand)
    r = post(client, f"/v1/brands/{brand.id}/channels", user, {"platform": "webhook", "name": "Hook",
                                                                "handle": "https://hooks.example.org/in"})
    assert r.status_code == (201 if can_manage else 403)
    assert client.get(f"/v1/brands/{brand.id}/channels", headers=user.headers).status_code == 200


def test_client_approver_sees_brand_but_not_team_data(client, make_user, brand):
    approver = make_user("client_approver", brand=brand)
    assert client.get(f"/v1/brands/{brand.id}", headers=approver.headers).status_code == 200
    assert client.get(f"/v1/brands/{brand.id}/channels", headers=approver.headers).status_code == 403
    assert client.get(f"/v1/brands/{brand.id}/members", headers=approver.headers).status_code == 403


def test_invite_member_by_email_sends_sign_in_link(client, make_user, brand, outbox):
    manager = make_user("smm_manager", brand=brand)
    r = post(client, f"/v1/brands/{brand.id}/members", manager,
             {"email": "New.Person@Example.com", "name": "New Person", "role": "copywriter"})
    assert r.status_code == 201, r.body
    member = body(r)
    assert member["email"] == "new.person@example.com" and member["roles"] == ["copywriter"]
    mail = latest_to(outbox, "new.person@example.com")
    assert brand.name in mail["Subject"] or brand.name in mail.get_body(preferencelist=("plain",)).get_content()
    assert any("/auth/verify?token=" in link for link in links_in(mail))
    # a second role for the same person: no duplicate membership
    post(client, f"/v1/brands/{brand.id}/members", manager, {"email": "new.person@example.com", "role": "designer"})
    members = body(client.get(f"/v1/brands/{brand.id}/members", headers=manager.headers))["items"]
    person = [m for m in members if m["email"] == "new.person@example.com"]
    assert len(person) == 1 and person[0]["roles"] == ["copywriter", "designer"]
    # the new person sees the brand after signing in: their roles are on their profile
    r = client.delete(f"/v1/brands/{brand.id}/members?user_id={member['user_id']}&role=designer", headers=manager.headers)
    assert r.status_code == 204
    members = body(client.get(f"/v1/brands/{brand.id}/members", headers=manager.headers))["items"]
    assert [m["roles"] for m in members if m["user_id"] == member["user_id"]] == [["copywriter"]]
    r = client.delete(f"/v1/brands/{brand.id}/members?user_id={member['user_id']}", headers=manager.headers)
    assert r.status_code == 204
    members = body(client.get(f"/v1/brands/{brand.id}/members", headers=manager.headers))["items"]
    assert member["user_id"] not in [m["user_id"] for m in members]


def test_removed_member_loses_access(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    writer = make_user("copywriter", brand=brand)
    assert client.get(f"/v1/brands/{brand.id}", headers=writer.headers).status_code == 200
    r = client.delete(f"/v1/brands/{brand.id}/members?user_id={writer.id}", headers=manager.headers)
    assert r.status_code == 204
    assert client.get(f"/v1/brands/{brand.id}", headers=writer.headers).status_code == 404
    me = body(client.get("/v1/me", headers=writer.headers))
    assert brand.id not in me["brands"]


def test_member_admin_role_refused(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = post(client, f"/v1/brands/{brand.id}/members", manager, {"email": "x@example.com", "role": "admin"})
    assert r.status_code == 422


def test_patch_brand_with_version(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    r = client.patch(f"/v1/brands/{brand.id}", headers=manager.headers,
                     body=json.dumps({"timezone": "Asia/Yekaterinburg", "settings": {"authors_may_approve": True}}))
    assert r.status_code == 200, r.body
    data = body(r)
    assert data["timezone"] == "Asia/Yekaterinburg" and data["settings"]["authors_may_approve"] is True
    assert data["settings"]["default_language"] == "en"
    stale = client.patch(f"/v1/brands/{brand.id}", headers=manager.headers, body=json.dumps({"name": "Z", "version": 1}))
    assert stale.status_code == 409
    writer = make_user("copywriter", brand=brand)
    assert client.patch(f"/v1/brands/{brand.id}", headers=writer.headers, body=json.dumps({"name": "Z"})).status_code == 403


def test_lists_are_paged(client, make_user, brand):
    manager = make_user("smm_manager", brand=brand)
    for i in range(5):
        post(client, f"/v1/brands/{brand.id}/channels", manager, {"platform": "webhook", "name": f"Hook {i}",
                                                                   "handle": "https://hooks.example.org/in"})
    seen, cursor = [], None
    for _ in range(5):
        url = f"/v1/brands/{brand.id}/channels?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = body(client.get(url, headers=manager.headers))
        assert len(page["items"]) <= 2
        seen += [c["name"] for c in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"Hook {i}" for i in range(5)]
    r = client.get(f"/v1/brands/{brand.id}/channels?cursor=forged", headers=manager.headers)
    assert r.status_code == 400
    r = client.get(f"/v1/brands/{brand.id}/channels?limit=1000", headers=manager.headers)
    assert r.status_code == 422


def test_member_sees_only_own_brands_paged(client, make_user):
    from chalicelib.brands.members import repo as member_repo
    from chalicelib.identity import repo as user_repo
    from tests.support.factories import ACTOR, make_brand

    brands = [make_brand() for _ in range(3)]
    other = make_brand()
    person = make_user("copywriter", brand=brands[0])
    for b in brands[1:]:
        member_repo.set_roles(ACTOR, b.id, user_repo.get(person.id), ["designer"])
    seen, cursor = [], None
    for _ in range(4):
        page = body(client.get("/v1/brands?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=person.headers))
        seen += [(b["id"], b["my_roles"]) for b in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([(brands[0].id, ["copywriter"])] + [(b.id, ["designer"]) for b in brands[1:]])
    assert other.id not in [b for b, _ in seen]


def test_overlong_ids_and_wrong_methods_answer_in_error_shape(client, admin):
    for path in ("/v1/channels/" + "a" * 3000, "/v1/brands/" + "b" * 65, "/v1/brands/UPPER"):
        r = client.get(path, headers=admin.headers)
        assert r.status_code == 404 and body(r)["error"]["code"] == "not_found"
    r = client.put("/v1/me", headers=admin.headers, body="{}")
    assert r.status_code == 405 and body(r)["error"]["code"] == "method_not_allowed"


def test_renaming_a_brand_to_a_taken_slug_is_409_on_the_slug_and_changes_nothing(client, admin, brand):
    from chalicelib.brands import repo as brand_repo

    other = post(client, "/v1/brands", admin, {"name": "Other", "slug": f"{brand.slug}-b", "timezone": "UTC"})
    assert other.status_code == 201, other.body
    r = client.patch(f"/v1/brands/{body(other)['id']}", headers=admin.headers,
                     body=json.dumps({"slug": brand.slug, "name": "Renamed"}))
    assert r.status_code == 409, r.body
    assert body(r)["error"]["details"][0]["field"] == "slug"
    assert brand_repo.get_by_slug(brand.slug).id == brand.id  # still the first brand's
    assert brand_repo.get(body(other)["id"]).name == "Other"
    moved = client.patch(f"/v1/brands/{body(other)['id']}", headers=admin.headers,
                         body=json.dumps({"slug": f"{brand.slug}-c"}))
    assert moved.status_code == 200, moved.body
    assert brand_repo.get_by_slug(f"{brand.slug}-b") is None  # the old slug is free again
