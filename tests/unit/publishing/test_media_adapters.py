"""The publishers send uploaded media (issue 16) to the fake Telegram and VK, which answer like the real
APIs and keep what they received: sendPhoto, sendVideo, sendMediaGroup with uploaded parts, VK's upload
flow (getWallUploadServer → upload → saveWallPhoto → wall.post attachments), and the failures before
anything is posted staying Refused (so a retry cannot duplicate a post)."""
from __future__ import annotations

import json

import pytest

from chalicelib.core import files
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import reset_settings
from chalicelib.publishing.channels import telegram, vk
from chalicelib.publishing.channels.contract import Outgoing
from tests.support import media_files
from tests.support.fake_api import Fault
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_vk import FakeVK

TG_TOKEN = "123456:TEST-token"
VK_TOKEN = "vk1.a.test-token"
VK_USER_TOKEN = "vk1.a.test-user-token"  # a community admin's user token: VK's upload methods take only this


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("FILES_BUCKET", "")
    reset_settings()
    yield
    reset_settings()


def stored(n: int, data: bytes = None, type_="image/png", ext="png") -> dict:
    data = data if data is not None else media_files.png(rgb=(n * 20 % 255, 80, 120))
    key = f"media/brand1/up{n}/file.{ext}"
    files.put(key, data, content_type=type_, overwrite=True, max_bytes=60 * 1024 * 1024)
    return {"key": key, "kind": "video" if type_.startswith("video/") else "image", "type": type_,
            "size": len(data), "alt": f"picture {n}", "name": f"p{n}.{ext}"}


def outgoing(**overrides) -> Outgoing:
    values = dict(target_id="tgt-1", post_id="post-1", version=3, platform="telegram", channel_name="Acme",
                  external_id="@acme_news", handle=None, credentials_ref="env:GL_BRAND_TEST_TG_TOKEN",
                  title="Launch", text="Hello <b>world</b>", media=(), links=(),
                  publish_at="2026-03-29T00:30:00Z", brand_id="brand-1")
    values.update(overrides)
    return Outgoing(**values)


@pytest.fixture
def tg(monkeypatch, store):
    fake = FakeTelegram(tokens={TG_TOKEN}).start()
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.url)
    monkeypatch.setenv("GL_BRAND_TEST_TG_TOKEN", TG_TOKEN)
    reset_settings()
    yield fake
    fake.stop()


@pytest.fixture
def vkfake(monkeypatch, store):
    fake = FakeVK(tokens={VK_TOKEN}, owners={"-123"}).start()
    monkeypatch.setenv("VK_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("GL_BRAND_TEST_VK_TOKEN", VK_TOKEN)
    monkeypatch.setenv("GL_BRAND_TEST_VK_USER_TOKEN", VK_USER_TOKEN)
    reset_settings()
    yield fake
    fake.stop()


def test_one_photo_goes_as_sendphoto_upload_with_caption(tg):
    item = stored(1)
    sent = telegram.send(outgoing(media=(item,)))
    [call] = tg.sent("sendPhoto")
    assert call.body["caption"] == "Hello &lt;b&gt;world&lt;/b&gt;" and call.body["chat_id"] == "@acme_news"
    parts = tg.uploads(call)
    assert parts["photo"].data == files.get(item["key"])[0] and parts["photo"].content_type == "image/png"
    assert sent.url == f"https://t.me/acme_news/{sent.external_id}"
    assert not tg.sent("sendMessage")


def test_one_video_goes_as_sendvideo(tg):
    item = stored(2, media_files.MP4, "video/mp4", "mp4")
    telegram.send(outgoing(media=(item,)))
    [call] = tg.sent("sendVideo")
    assert tg.uploads(call)["video"].data == media_files.MP4


def test_one_gif_goes_as_sendanimation(tg):
    item = stored(3, media_files.GIF, "image/gif", "gif")
    sent = telegram.send(outgoing(media=(item,)))
    [call] = tg.sent("sendAnimation")
    assert tg.uploads(call)["animation"].data == media_files.GIF and sent.external_id


def test_three_items_go_as_one_album_with_the_caption_on_the_first(tg):
    items = (stored(1), stored(2), stored(3, media_files.MP4, "video/mp4", "mp4"))
    sent = telegram.send(outgoing(media=items))
    [call] = tg.sent("sendMediaGroup")
    media = json.loads(call.body["media"])
    assert [m["type"] for m in media] == ["photo", "photo", "video"]
    assert [m["media"] for m in media] == ["attach://file0", "attach://file1", "attach://file2"]
    assert media[0]["caption"] == "Hello &lt;b&gt;world&lt;/b&gt;" and "caption" not in media[1]
    parts = tg.uploads(call)
    assert [parts[f"file{i}"].data for i in range(3)] == [files.get(i["key"])[0] for i in items]
    assert sent.external_id and len(tg.calls) == 1


def test_a_long_text_follows_an_uploaded_photo(tg):
    telegram.send(outgoing(media=(stored(1),), text="x" * 2000))
    assert "caption" not in tg.sent("sendPhoto")[0].body
    assert tg.sent("sendMessage")[0].body["text"] == "x" * 2000


def test_url_media_still_go_by_url_as_json(tg):
    telegram.send(outgoing(media=({"url": "https://example.com/a.jpg", "alt": ""},)))
    [call] = tg.sent("sendPhoto")
    assert call.body["photo"] == "https://example.com/a.jpg" and not tg.uploads(call)


def test_a_missing_file_is_refused_before_anything_is_sent(tg):
    item = {**stored(1), "key": "media/brand1/gone/file.png"}
    with pytest.raises(Refused) as refused:
        telegram.send(outgoing(media=(item,)))
    assert refused.value.permanent and not tg.calls


def test_telegram_5xx_on_an_album_is_ambiguous(tg):
    tg.fail_next(Fault.of_status(502, b"Bad Gateway"))
    with pytest.raises(Ambiguous):
        telegram.send(outgoing(media=(stored(1), stored(2))))


def vk_outgoing(**overrides) -> Outgoing:
    values = dict(platform="vk", external_id="-123", credentials_ref="env:GL_BRAND_TEST_VK_TOKEN",
                  user_credentials_ref="env:GL_BRAND_TEST_VK_USER_TOKEN", text="Новое меню")
    values.update(overrides)
    return outgoing(**values)


def test_vk_uploads_photos_then_posts_them_as_attachments(vkfake):
    items = (stored(1), stored(2))
    sent = vk.send(vk_outgoing(media=items, links=("https://example.com/menu",)))
    paths = [c.path for c in vkfake.calls]
    assert paths == ["/method/photos.getWallUploadServer", "/upload/wall", "/method/photos.saveWallPhoto",
                     "/method/photos.getWallUploadServer", "/upload/wall", "/method/photos.saveWallPhoto",
                     "/method/wall.post"]
    assert vkfake.calls[0].body["group_id"] == "123"
    [post] = vkfake.posts()
    attachments = post.body["attachments"].split(",")
    assert len(attachments) == 3 and attachments[2] == "https://example.com/menu"
    assert [vkfake.saved_photos[a]["data"] for a in attachments[:2]] == [files.get(i["key"])[0] for i in items]
    assert vkfake.saved_photos[attachments[0]]["text"] == "picture 1"  # the alt text as the photo's caption
    assert post.body["guid"] == "tgt-1" and sent.url == f"https://vk.com/wall-123_{sent.external_id}"


def test_vk_video_goes_through_video_save(vkfake):
    item = stored(5, media_files.MP4, "video/mp4", "mp4")
    vk.send(vk_outgoing(media=(item,)))
    assert [c.path for c in vkfake.calls] == ["/method/video.save", "/upload/video", "/method/wall.post"]
    [attachment] = vkfake.posts()[0].body["attachments"].split(",")
    assert attachment.startswith("video-123_") and vkfake.videos[attachment]["data"] == media_files.MP4


def test_vk_upload_failures_are_refused_and_a_retry_posts_once(vkfake):
    item = stored(1)
    vkfake.fail_next(Fault.of_status(502, b"Bad Gateway"))  # the upload server method
    with pytest.raises(Refused) as refused:
        vk.send(vk_outgoing(media=(item,)))
    assert not refused.value.permanent and not vkfake.posts()
    vkfake.vk_error(10, "Internal server error")  # VK's "internal error" before wall.post: still nothing posted
    with pytest.raises(Refused):
        vk.send(vk_outgoing(media=(item,)))
    first = vk.send(vk_outgoing(media=(item,)))
    again = vk.send(vk_outgoing(media=(item,)))  # the same target again: VK's guid answers the same post
    assert first.external_id == again.external_id and len(vkfake.posts()) == 2


def test_vk_refuses_an_upload_address_that_is_not_vk(vkfake, monkeypatch):
    monkeypatch.setattr(vk, "UPLOAD_HOSTS", (".vk.com",))
    monkeypatch.setenv("VK_API_BASE_URL", "https://api.vk.com/method")  # the fake's own host no longer counts
    reset_settings()
    assert not vk._upload_url_ok(f"{vkfake.url}/upload/wall?gid=123")
    assert vk._upload_url_ok("https://pu.vk.com/c123/upload.php?act=do_add")
    assert not vk._upload_url_ok("http://pu.vk.com/c123/upload.php")
    assert not vk._upload_url_ok("https://pu.vk.com:8443/c123/upload.php")
    assert not vk._upload_url_ok("https://evil.example/pu.vk.com")
    assert not vk._upload_url_ok("https://vk.com.evil.example/")
    with pytest.raises(Refused) as refused:
        vk._upload(f"{vkfake.url}/upload/wall?gid=123", "photo", ("a.png", b"x", "image/png"), "tgt-1")
    assert refused.value.permanent and not vkfake.uploads()
