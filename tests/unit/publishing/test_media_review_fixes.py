"""Review fixes of the media publishers (issue 16): VK uploads with the admin's user token (a community
token gets VK's error 27), at most 10 VK attachments with a link, the stored type before the item's,
upload deadlines that grow with the bytes inside the send's budget, sendVideo streaming."""
from __future__ import annotations

import json

import pytest

from chalicelib.core.net import guard
from chalicelib.core.net.outcomes import Refused
from chalicelib.publishing.channels import media_files, telegram, vk
from chalicelib.publishing.channels.contract import Outgoing
from tests.support import media_files as samples
from tests.unit.publishing import test_media_adapters as base
from tests.unit.publishing.test_media_adapters import VK_TOKEN, VK_USER_TOKEN, outgoing, stored, vk_outgoing

store, tg, vkfake = base.store, base.tg, base.vkfake  # the fixtures of the adapter tests


def test_the_fake_refuses_uploads_with_a_community_token_as_vk_does(vkfake):
    """VK: photos.getWallUploadServer/saveWallPhoto/video.save are "unavailable with group auth" (27)."""
    with pytest.raises(Refused) as refused:
        vk.send(vk_outgoing(media=(stored(1),), user_credentials_ref="env:GL_BRAND_TEST_VK_TOKEN"))
    assert "error 27" in refused.value.reason and refused.value.permanent
    assert VK_TOKEN not in refused.value.reason
    assert [c.path for c in vkfake.calls] == ["/method/photos.getWallUploadServer"] and not vkfake.posts()


def test_vk_uploads_with_the_user_token_and_posts_with_the_community_token(vkfake):
    vk.send(vk_outgoing(media=(stored(1), stored(2, samples.MP4, "video/mp4", "mp4"))))
    tokens = {c.path: c.body.get("access_token") for c in vkfake.calls if c.path.startswith("/method/")}
    assert tokens == {"/method/photos.getWallUploadServer": VK_USER_TOKEN, "/method/photos.saveWallPhoto": VK_USER_TOKEN,
                      "/method/video.save": VK_USER_TOKEN, "/method/wall.post": VK_TOKEN}
    assert vkfake.posts()[0].body["from_group"] == "1"


def test_vk_without_a_user_token_refuses_media_before_any_call(vkfake):
    with pytest.raises(Refused) as refused:
        vk.send(vk_outgoing(media=(stored(1),), user_credentials_ref=None))
    assert refused.value.permanent and "user token" in refused.value.reason and not vkfake.calls


def test_vk_without_a_user_token_still_posts_text_and_links(vkfake):
    vk.send(vk_outgoing(user_credentials_ref=None, links=("https://example.com/a",)))
    assert vkfake.posts()[0].body["attachments"] == "https://example.com/a"


def test_ten_uploads_and_a_link_the_link_goes_in_the_text(vkfake):
    items = tuple(stored(n) for n in range(1, 11))
    vk.send(vk_outgoing(media=items, links=("https://example.com/menu", "https://example.com/b")))
    [post] = vkfake.posts()
    attachments = post.body["attachments"].split(",")
    assert len(attachments) == 10 and all(a.startswith("photo-123_") for a in attachments)
    assert post.body["message"] == "Новое меню\n\nhttps://example.com/menu\nhttps://example.com/b"


def test_nine_uploads_keep_the_link_attachment(vkfake):
    vk.send(vk_outgoing(media=tuple(stored(n) for n in range(1, 10)), links=("https://example.com/menu",)))
    [post] = vkfake.posts()
    assert post.body["attachments"].split(",")[-1] == "https://example.com/menu"
    assert post.body["message"] == "Новое меню"


def test_telegram_goes_by_the_stored_type_not_the_items_word(tg):
    item = {**stored(4, samples.MP4, "video/mp4", "mp4"), "type": "image/png", "kind": "image"}
    telegram.send(outgoing(media=(item,)))
    [call] = tg.sent("sendVideo")
    assert not tg.sent("sendPhoto") and tg.uploads(call)["video"].content_type == "video/mp4"


def test_vk_goes_by_the_stored_type_not_the_items_word(vkfake):
    item = {**stored(4, samples.MP4, "video/mp4", "mp4"), "type": "image/png", "kind": "image"}
    vk.send(vk_outgoing(media=(item,)))
    assert [c.path for c in vkfake.calls][0] == "/method/video.save"


def test_videos_are_sent_streamable(tg):
    telegram.send(outgoing(media=(stored(2, samples.MP4, "video/mp4", "mp4"),)))
    assert tg.sent("sendVideo")[0].body["supports_streaming"] == "true"
    telegram.send(outgoing(media=(stored(1), stored(3, samples.MP4, "video/mp4", "mp4"))))
    media = json.loads(tg.sent("sendMediaGroup")[0].body["media"])
    assert media[1]["supports_streaming"] is True and "supports_streaming" not in media[0]


def test_upload_deadline_grows_with_the_bytes_up_to_its_cap():
    assert media_files.upload_seconds(0) == guard.DEADLINE
    assert guard.DEADLINE < media_files.upload_seconds(10 * 1024 * 1024) < media_files.upload_seconds(40 * 1024 * 1024)
    assert media_files.upload_seconds(10 ** 10) == media_files.MAX_UPLOAD_SECONDS


def _capture_seconds(monkeypatch) -> list:
    seen = []
    original = guard.post

    def post(url, *, what, seconds=None, **kwargs):
        seen.append((what, seconds))
        return original(url, what=what, seconds=seconds, **kwargs)

    monkeypatch.setattr(guard, "post", post)
    return seen


def test_telegram_gives_a_large_upload_more_time_and_keeps_time_for_the_text(tg, monkeypatch):
    seen = _capture_seconds(monkeypatch)
    big = stored(1, samples.png(pad=8 * 1024 * 1024))
    telegram.send(outgoing(media=(big,), text="y" * 2000))  # the text follows the photo: two requests
    (_, upload), (_, text) = seen
    assert upload == pytest.approx(media_files.upload_seconds(big["size"]))
    assert upload > guard.DEADLINE and text is None  # the text: the guard's usual DEADLINE
    assert upload + guard.DEADLINE <= media_files.SEND_BUDGET_SECONDS


def test_telegram_upload_deadline_stays_inside_the_send_budget(monkeypatch):
    item = telegram._Item("photo", "attach://file0", ("file0", ("a.png", b"x" * 50 * 1024 * 1024, "image/png")))
    monkeypatch.setattr(media_files, "UPLOAD_BYTES_PER_SECOND", 1024)  # a slow floor: the cap decides
    assert telegram._upload_time([item], follows=True) <= media_files.SEND_BUDGET_SECONDS - guard.DEADLINE
    assert telegram._upload_time([item], follows=False) <= media_files.SEND_BUDGET_SECONDS


def test_vk_steps_keep_wall_posts_time(vkfake, monkeypatch):
    seen = _capture_seconds(monkeypatch)
    vk.send(vk_outgoing(media=(stored(1),)))
    steps = dict(seen)
    assert steps["VK upload"] >= guard.DEADLINE  # an upload: DEADLINE plus its bytes' time, cut to the budget
    assert all(s is not None and s <= media_files.SEND_BUDGET_SECONDS - guard.DEADLINE
               for what, s in seen if what != "VK wall.post")
    assert steps["VK wall.post"] is None  # the final request: the guard's own DEADLINE


def test_vk_out_of_time_before_wall_post_is_refused_and_nothing_posted(vkfake, monkeypatch):
    monkeypatch.setattr(media_files, "SEND_BUDGET_SECONDS", guard.DEADLINE + 1)
    monkeypatch.setattr(vk.SendClock.__init__, "__defaults__", (guard.DEADLINE + 1,))
    with pytest.raises(Refused) as refused:
        vk.send(vk_outgoing(media=(stored(1),)))
    assert not refused.value.permanent and "out of time" in refused.value.reason
    assert not vkfake.calls


def test_outgoing_takes_the_user_token_reference():
    out = Outgoing(target_id="t", post_id="p", version=1, platform="vk", channel_name="c", external_id="-1",
                   handle=None, credentials_ref="env:GL_BRAND_A", title="", text="x", media=(), links=(),
                   publish_at="2026-01-01T00:00:00Z", brand_id="b", user_credentials_ref="env:GL_BRAND_B")
    assert out.user_credentials_ref == "env:GL_BRAND_B"
