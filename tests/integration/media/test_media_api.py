"""Post media through the app on DynamoDB Local with the local file store: upload → confirm → attach to
a post → each network's limits; a key of another brand is refused."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.support import media_files
from tests.support.factories import make_brand
from tests.support.posts import body, call, new_post


def upload(client, user, brand_id, data: bytes, *, name="cup.png", type_="image/png", alt="A cup of latte"):
    r = call(client, "post", f"/v1/brands/{brand_id}/media/uploads", user,
             {"name": name, "type": type_, "size": len(data)})
    assert r.status_code == 201, r.body
    target = body(r)
    assert target["method"] == "PUT" and target["key"].startswith(f"media/{brand_id}/")
    path = urlsplit(target["url"])
    r = client.put(f"{path.path}?{path.query}", headers={"Content-Type": "application/octet-stream"}, body=data)
    assert r.status_code == 201, r.body
    r = call(client, "post", f"/v1/brands/{brand_id}/media", user, {"key": target["key"], "name": name, "alt": alt})
    return r


def test_upload_confirm_attach_and_show(client, team):
    brand_id = team["brand"].id
    data = media_files.png()
    r = upload(client, team["designer"], brand_id, data)
    assert r.status_code == 201, r.body
    item = body(r)
    assert item == {"key": item["key"], "kind": "image", "type": "image/png", "size": len(data),
                    "alt": "A cup of latte", "name": "cup.png"}
    post = new_post(client, team, media=[item])
    assert post["media"] == [item]

    from chalicelib.media.display import shown, thumb

    seen = shown(post["media"])
    assert seen[0]["alt"] == "A cup of latte" and seen[0]["kind"] == "image"
    assert seen[0]["src"].startswith("/files/")  # same origin: allowed by img-src 'self'
    got = client.get(seen[0]["src"])
    assert got.status_code == 200 and got.body == data
    assert thumb(post["media"]) == {**seen[0], "src": thumb(post["media"])["src"]}
    assert thumb([{"url": "https://example.com/a.png", "alt": ""}]) is None


def test_the_put_link_is_the_permission(client, team):
    brand_id = team["brand"].id
    data = media_files.png()
    target = body(call(client, "post", f"/v1/brands/{brand_id}/media/uploads", team["designer"],
                       {"name": "a.png", "type": "image/png", "size": len(data)}))
    path = urlsplit(target["url"])
    assert client.put(f"{path.path}?token=broken", body=data,
                      headers={"Content-Type": "application/octet-stream"}).status_code == 400
    r = client.put(f"{path.path}?{path.query}", body=data + b"x", headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 400 and "announced" in body(r)["error"]["message"]
    fake = b"<html><script>alert(1)</script>".ljust(len(data))
    r = client.put(f"{path.path}?{path.query}", body=fake, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 422
    r = call(client, "post", f"/v1/brands/{brand_id}/media", team["designer"], {"key": target["key"]})
    assert r.status_code == 404  # nothing was stored


def test_declared_type_must_match_the_bytes_and_sizes_are_capped(client, team):
    brand_id = team["brand"].id
    r = call(client, "post", f"/v1/brands/{brand_id}/media/uploads", team["designer"],
             {"name": "big.png", "type": "image/png", "size": 21 * 1024 * 1024})
    assert r.status_code == 422 and "20 MB" in body(r)["error"]["message"]
    r = call(client, "post", f"/v1/brands/{brand_id}/media/uploads", team["designer"],
             {"name": "doc.pdf", "type": "application/pdf", "size": 10})
    assert r.status_code == 422
    data = media_files.JPEG
    target = body(call(client, "post", f"/v1/brands/{brand_id}/media/uploads", team["designer"],
                       {"name": "photo.png", "type": "image/png", "size": len(data)}))
    path = urlsplit(target["url"])
    r = client.put(f"{path.path}?{path.query}", body=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 422  # says PNG, is a JPEG


def test_client_approver_cannot_upload(client, team):
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/media/uploads", team["client_approver"],
             {"name": "a.png", "type": "image/png", "size": 10})
    assert r.status_code == 403


def test_telegram_refuses_eleven_photos_with_a_translated_message(client, team):
    brand_id = team["brand"].id
    item = body(upload(client, team["designer"], brand_id, media_files.png()))
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": brand_id, "title": "Album", "channel_ids": [team["tg"]], "media": [item] * 11})
    assert r.status_code == 422
    details = body(r)["error"]["details"]
    tg = [d for d in details if d.get("code") == "media_too_many"]
    assert len(tg) == 1 and "TG: Telegram takes at most 10 media files per post; this post has 11." == tg[0]["message"]
    assert not [d for d in details if d.get("code") == "too_many_media"]  # said once

    from chalicelib.media.service import translated

    assert translated(tg[0], "ru") == "TG: Telegram принимает не больше 10 медиафайлов в посте; в этом посте 11."
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": brand_id, "title": "Album", "channel_ids": [team["tg"]], "media": [item] * 10})
    assert r.status_code == 201, r.body
    r = call(client, "post", "/v1/posts", team["copywriter"], {
        "brand_id": brand_id, "title": "X album", "channel_ids": [team["x"]], "media": [item] * 5})
    assert r.status_code == 422 and any(d.get("code") == "media_too_many" for d in body(r)["error"]["details"])


def test_another_brand_cannot_attach_your_key(client, team, make_user):
    item = body(upload(client, team["designer"], team["brand"].id, media_files.png()))
    other = make_brand()
    outsider = make_user("smm_manager", brand=other)
    r = call(client, "post", "/v1/posts", outsider, {"brand_id": other.id, "title": "Stolen", "media": [item]})
    assert r.status_code == 422
    assert body(r)["error"]["details"][0]["code"] == "media_other_brand"
    r = call(client, "post", f"/v1/brands/{other.id}/media", outsider, {"key": item["key"]})
    assert r.status_code == 404
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/media", outsider, {"key": item["key"]})
    assert r.status_code == 404


def test_old_url_media_stay_valid(client, team):
    post = new_post(client, team, media=[{"url": "https://example.com/a.png", "alt": "old"}])
    assert post["media"] == [{"url": "https://example.com/a.png", "alt": "old"}]
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"version": post["version"], "media": post["media"]})
    assert r.status_code == 200 and body(r)["content_hash"] == post["content_hash"]


@pytest.mark.parametrize("bad", [
    {"key": "media/x/y/file.png"},  # no type or size
    {"key": "../../etc/passwd", "type": "image/png", "size": 1},
    {"key": "media/x/y/file.png", "url": "https://example.com/a.png", "type": "image/png", "size": 1},
    {"key": "media/x/y/file.png", "type": "image/png", "size": 1, "kind": "video"},
])
def test_bad_media_items_are_422(client, team, bad):
    r = call(client, "post", "/v1/posts", team["copywriter"], {"brand_id": team["brand"].id, "title": "t",
                                                               "media": [bad]})
    assert r.status_code == 422, r.body


def test_preview_link_checks_the_brand(client, team, make_user):
    item = body(upload(client, team["designer"], team["brand"].id, media_files.png()))
    path = f"/media/view?brand_id={team['brand'].id}&key={item['key']}"
    r = client.get(path, headers=team["designer"].headers)
    assert r.status_code == 302 and r.headers["Location"].startswith("/files/")
    outsider = make_user("smm_manager", brand=make_brand())
    assert client.get(path, headers=outsider.headers).status_code == 404
    assert json.loads(json.dumps(item))  # the item is plain JSON (the form's hidden input)
