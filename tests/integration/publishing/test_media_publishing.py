"""Uploaded media (issue 16) through the whole path on DynamoDB Local: upload → confirm → a post with
media approved → the sweep sends them to the fake Telegram (album) and VK (upload flow), once; a retry
after a refused upload sends nothing twice."""
from __future__ import annotations

import json

from chalicelib.core import files
from chalicelib.publishing import sweep as publish_sweep
from tests.integration.media.test_media_api import upload
from tests.support import media_files
from tests.support.fake_api import Fault
from tests.support.posts import approve_post as approve
from tests.support.posts import body
from tests.support.sweep import at, states


def test_an_album_goes_to_telegram_and_vk_once(client, team, channels, fakes):
    brand_id = team["brand"].id
    items = [body(upload(client, team["designer"], brand_id, media_files.png(rgb=(i * 60, 10, 10)),
                         name=f"p{i}.png", alt=f"Cup {i}")) for i in range(3)]
    post = approve(client, team, channel_ids=[channels["tg"], channels["vk"]], body="Autumn menu", media=items)
    publish_sweep.run(at("2026-12-01T09:00:20"), rate_limits=False)
    publish_sweep.run(at("2026-12-01T09:01:20"), rate_limits=False)  # nothing goes twice
    assert set(states(post["id"]).values()) == {"published"}

    [album] = fakes["telegram"].sent("sendMediaGroup")
    media = json.loads(album.body["media"])
    assert [m["media"] for m in media] == ["attach://file0", "attach://file1", "attach://file2"]
    assert media[0]["caption"] == "Autumn menu"
    parts = fakes["telegram"].uploads(album)
    assert [parts[f"file{i}"].data for i in range(3)] == [files.get(i["key"])[0] for i in items]
    assert len(fakes["telegram"].calls) == 1

    vk = fakes["vk"]
    assert len(vk.uploads()) == 3
    [post_call] = vk.posts()
    attachments = post_call.body["attachments"].split(",")
    assert len(attachments) == 3 and all(a.startswith("photo-123_") for a in attachments)
    assert [vk.saved_photos[a]["data"] for a in attachments] == [files.get(i["key"])[0] for i in items]


def test_a_refused_vk_upload_is_retried_and_the_post_goes_out_once(client, team, channels, fakes):
    item = body(upload(client, team["designer"], team["brand"].id, media_files.png()))
    post = approve(client, team, channel_ids=[channels["vk"]], body="Menu", media=[item])
    fakes["vk"].fail_next(Fault.of_status(503, b"Service Unavailable"))
    publish_sweep.run(at("2026-12-01T09:00:20"), rate_limits=False)
    assert states(post["id"]) == {channels["vk"]: "scheduled"} and not fakes["vk"].posts()
    for minute in range(1, 8):
        publish_sweep.run(at(f"2026-12-01T09:0{minute}:20"), rate_limits=False)
        if states(post["id"]) == {channels["vk"]: "published"}:
            break
    assert states(post["id"]) == {channels["vk"]: "published"}
    assert len(fakes["vk"].posts()) == 1
