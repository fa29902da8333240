"""Review fixes of post media through the app on DynamoDB Local (issue 16): a VK channel's second token
(the community admin's user token, write-only like the first) set through the API; a post with media on a
VK channel without it refused on save, translated; the stored file's type and size win over what the
client sent; the local upload refuses a Content-Length that is not the announced size."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.integration.media.test_media_api import upload
from tests.support import media_files
from tests.support.posts import body, call


def vk_channel(client, team, **fields) -> dict:
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/channels", team["smm_manager"],
             {"platform": "vk", "name": "VK main", "external_id": "-123", **fields})
    assert r.status_code == 201, r.body
    return body(call(client, "get", f"/v1/channels/{body(r)['id']}", team["smm_manager"]))


def test_a_vk_channel_takes_the_admins_user_token_write_only(client, team):
    channel = vk_channel(client, team, credentials="vk1.a.community", user_credentials="vk1.a.user-secret")
    assert channel["user_credentials_ref"].endswith(f"channels/{channel['id']}-user")
    assert channel["user_credentials_set_at"] and channel["credentials_ref"] != channel["user_credentials_ref"]
    assert "vk1.a.user-secret" not in str(channel)

    from chalicelib.core.secrets import resolve_for_brand

    assert resolve_for_brand(channel["user_credentials_ref"], team["brand"].id) == "vk1.a.user-secret"
    r = call(client, "patch", f"/v1/channels/{channel['id']}", team["smm_manager"], {"user_credentials_ref": None})
    assert r.status_code == 200 and body(r)["user_credentials_ref"] is None and body(r)["user_credentials_set_at"] is None


def test_only_vk_takes_a_user_token_and_references_stay_in_the_brand(client, team):
    smm = team["smm_manager"]
    r = call(client, "patch", f"/v1/channels/{team['tg']}", smm, {"user_credentials": "x"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "user_credentials"
    channel = vk_channel(client, team)
    r = call(client, "patch", f"/v1/channels/{channel['id']}", smm,
             {"user_credentials_ref": "ssm:/greenlight/test/brands/other-brand/channels/vk"})
    assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == "user_credentials_ref"
    r = call(client, "patch", f"/v1/channels/{channel['id']}", smm,
             {"user_credentials": "a", "user_credentials_ref": "env:GL_BRAND_VK_USER"})
    assert r.status_code == 422


def test_media_on_a_vk_channel_without_the_user_token_is_refused_on_save(client, team):
    channel = vk_channel(client, team, credentials_ref="env:GL_BRAND_VK")
    item = body(upload(client, team["designer"], team["brand"].id, media_files.png()))
    post = {"brand_id": team["brand"].id, "title": "Menu", "body": "New menu", "channel_ids": [channel["id"]],
            "media": [item]}
    r = call(client, "post", "/v1/posts", team["copywriter"], post)
    assert r.status_code == 422
    [detail] = [d for d in body(r)["error"]["details"] if d.get("code") == "media_vk_user_token"]
    assert detail["message"].startswith("VK main: VK uploads photos and video only with a user token")

    from chalicelib.media.service import translated

    assert "пользовательским токеном" in translated(detail, "ru")
    assert call(client, "post", "/v1/posts", team["copywriter"], {**post, "media": []}).status_code == 201
    r = call(client, "patch", f"/v1/channels/{channel['id']}", team["smm_manager"],
             {"user_credentials_ref": "env:GL_BRAND_VK_USER"})
    assert r.status_code == 200, r.body
    assert call(client, "post", "/v1/posts", team["copywriter"], post).status_code == 201


def test_the_stored_type_and_size_win_over_the_clients(client, team):
    data = media_files.png()
    item = body(upload(client, team["designer"], team["brand"].id, data))
    lied = {**item, "size": 7, "type": "image/gif", "kind": "image"}
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": team["brand"].id, "title": "Menu", "channel_ids": [team["tg"]], "media": [lied]})
    assert r.status_code == 201, r.body
    [saved] = body(r)["media"]
    assert saved["type"] == "image/png" and saved["size"] == len(data) and saved["kind"] == "image"


def test_a_key_nothing_was_stored_under_is_refused(client, team):
    brand_id = team["brand"].id
    ghost = {"key": f"media/{brand_id}/nothing0/file.png", "type": "image/png", "kind": "image", "size": 10,
             "name": "ghost.png"}
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": brand_id, "title": "Menu", "channel_ids": [team["tg"]], "media": [ghost]})
    assert r.status_code == 422
    assert [d["code"] for d in body(r)["error"]["details"]] == ["media_missing"]


def test_the_local_put_compares_content_length_with_the_token(client, team):
    data = media_files.png()
    target = body(call(client, "post", f"/v1/brands/{team['brand'].id}/media/uploads", team["designer"],
                       {"name": "a.png", "type": "image/png", "size": len(data)}))
    path = urlsplit(target["url"])
    url = f"{path.path}?{path.query}"
    r = client.put(url, body=data, headers={"Content-Type": "application/octet-stream",
                                            "Content-Length": str(len(data) + 1)})
    assert r.status_code == 413
    r = client.put(url, body=data, headers={"Content-Type": "application/octet-stream",
                                            "Content-Length": str(len(data) - 1)})
    assert r.status_code == 400
    r = client.put(url, body=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.body
