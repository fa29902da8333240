"""Review fixes of post media (issue 16): the total size cap for the networks Greenlight publishes to, the
save path trusting what is stored (not the client's type/size/kind), a VK channel needing the admin's
user token for media, and the local upload refusing an oversized body before reading it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.core.errors import BadRequest, PayloadTooLarge
from chalicelib.core.settings import reset_settings
from chalicelib.media import rules, service, storage
from tests.support import media_files

MB = 1024 * 1024


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("FILES_BUCKET", "")
    reset_settings()
    yield
    reset_settings()


def item(type_, size, n=1):
    return {"key": f"media/b/u{n}/file.x", "type": type_, "kind": rules.kind_of(type_), "size": size, "name": f"f{n}"}


@pytest.mark.parametrize("platform", ["telegram", "vk"])
def test_the_total_of_a_posts_media_is_capped_for_published_networks(platform):
    fits = [item("video/mp4", 25 * MB, 1), item("image/jpeg", 5 * MB, 2)]
    assert "too_large_total" not in [p.code for p in rules.check_for_network(fits, platform)]
    over = [item("video/mp4", 30 * MB, 1), item("video/mp4", 25 * MB, 2)]
    problems = [p for p in rules.check_for_network(over, platform) if p.code == "too_large_total"]
    assert [p.params for p in problems] == [{"network": rules.NETWORKS[platform].label, "max": "50 MB",
                                             "size": "55 MB"}]


def test_networks_published_by_hand_have_no_total_cap():
    over = [item("image/jpeg", 5 * MB, n) for n in range(12)]
    assert "too_large_total" not in [p.code for p in rules.check_for_network(over, "linkedin")]


def channel(platform, user_ref=None, name="Chan"):
    return SimpleNamespace(platform=platform, name=name, id="c1", user_credentials_ref=user_ref)


def put(brand, n, data, type_):
    key = f"media/{brand}/up{n}/file.{storage.EXTENSIONS[type_]}"
    storage.store_local(key, data, type_)
    return key


def test_a_new_key_gets_the_stored_type_size_and_kind(store):
    data = media_files.MP4
    key = put("b1", 1, data, "video/mp4")
    media = [{"key": key, "type": "image/png", "kind": "image", "size": 1, "name": "lie.png"}]
    assert service.post_problems("b1", media, [channel("telegram")]) == []
    assert media[0] == {"key": key, "type": "video/mp4", "kind": "video", "size": len(data), "name": "lie.png"}


def test_a_new_key_that_is_not_stored_is_refused(store):
    media = [{"key": "media/b1/nothing/file.png", "type": "image/png", "kind": "image", "size": 10, "name": "x.png"}]
    [problem] = service.post_problems("b1", media, [])
    assert problem["key"] == "media_missing" and problem["field"] == "media.0"
    assert "x.png" in service.translated(problem, "ru") and "хранилище" in service.translated(problem, "ru")


def test_a_stored_file_that_is_no_media_is_refused(store):
    from chalicelib.core import files

    key = "media/b1/up9/file.png"
    files.put(key, b"<html><script>alert(1)</script>" + b" " * 64, content_type="image/png")
    media = [{"key": key, "type": "image/png", "kind": "image", "size": 10}]
    assert [p["key"] for p in service.post_problems("b1", media, [])] == ["media_bad_type"]


def test_a_file_stored_under_another_types_key_is_refused(store):
    from chalicelib.core import files

    key = "media/b1/up8/file.png"
    files.put(key, media_files.JPEG, content_type="image/jpeg")
    media = [{"key": key, "type": "image/png", "kind": "image", "size": 10}]
    assert [p["key"] for p in service.post_problems("b1", media, [])] == ["media_bad_type"]


def test_keys_already_on_the_post_are_not_probed_again(store, monkeypatch):
    monkeypatch.setattr(storage, "probe", lambda key: pytest.fail("probed a known key"))
    media = [{"key": "media/b1/old/file.png", "type": "image/png", "kind": "image", "size": 10}]
    assert service.post_problems("b1", media, [], known_keys={"media/b1/old/file.png"}) == []


def test_the_total_cap_uses_the_stored_sizes(store, monkeypatch):
    monkeypatch.setattr(storage, "probe", lambda key: storage.Probe(30 * MB, "video/mp4", media_files.MP4))
    media = [{"key": f"media/b1/u{n}/file.mp4", "type": "video/mp4", "kind": "video", "size": 1} for n in (1, 2)]
    problems = service.post_problems("b1", media, [channel("telegram", name="TG")])
    assert [p["key"] for p in problems] == ["media_too_large_total"]
    assert service.translated(problems[0], "ru").startswith("TG: В Telegram уходит не больше 50 MB")


def test_a_vk_channel_without_the_admins_user_token_refuses_uploaded_media(store):
    key = put("b1", 2, media_files.png(), "image/png")
    media = [{"key": key, "type": "image/png", "kind": "image", "size": 1}]
    [problem] = service.post_problems("b1", media, [channel("vk", name="VK main")])
    assert problem["key"] == "media_vk_user_token" and problem["channel"] == "VK main"
    assert service.translated(problem, "en").startswith("VK main: VK uploads photos and video only with a user token")
    assert "пользовательским токеном" in service.translated(problem, "ru")
    assert service.post_problems("b1", [dict(media[0])], [channel("vk", "env:GL_BRAND_X", "VK main")]) == []
    assert service.post_problems("b1", [], [channel("vk", name="VK main")]) == []  # no media: no token needed
    links_only = [{"url": "https://example.com/a.jpg", "alt": ""}]
    assert service.post_problems("b1", links_only, [channel("vk", name="VK main")]) == []


def _token(size, type_="image/png"):
    from chalicelib.core.signing import timed_serializer

    return timed_serializer(storage.PUT_SALT).dumps({"k": "media/b1/u1/file.png", "t": type_, "s": size})


def test_the_put_length_is_checked_before_the_body(store):
    token = _token(1000)
    assert service.check_put(token, "1000")["s"] == 1000
    assert service.check_put(token, None)["s"] == 1000  # no header: the body's length is compared after
    with pytest.raises(PayloadTooLarge):
        service.check_put(token, "1001")
    with pytest.raises(PayloadTooLarge):
        service.check_put(_token(rules.MAX_VIDEO_BYTES + 1, "video/mp4"), str(rules.MAX_VIDEO_BYTES + 1))
    with pytest.raises(BadRequest):
        service.check_put(token, "999")
    with pytest.raises(BadRequest):
        service.check_put(token, "lots")
    with pytest.raises(BadRequest):
        service.check_put("broken", "1000")


class _Handler:
    """The parts of chalice's request handler the cap touches."""

    def __init__(self, path, length):
        self.path, self.headers, self.sent, self.handled, self.close_connection = path, {}, [], False, False
        if length is not None:
            self.headers["Content-Length"] = str(length)

    def _generic_handle(self):
        self.handled = True

    do_PUT = do_POST = do_PATCH = do_DELETE = _generic_handle

    def _send_http_response(self, code, headers, body):
        self.sent.append((code, body))


def test_chalice_local_refuses_an_oversized_upload_before_reading_it():
    from chalicelib.local.server import cap_upload_bodies

    cap_upload_bodies(_Handler)
    big = _Handler("/v1/media/put?token=x", rules.MAX_VIDEO_BYTES + 1)
    big.do_PUT()
    assert not big.handled and big.sent[0][0] == 413 and big.close_connection
    for ok in (_Handler("/v1/media/put?token=x", 1000), _Handler("/v1/posts", rules.MAX_VIDEO_BYTES + 1)):
        ok.do_PUT()
        assert ok.handled and not ok.sent
