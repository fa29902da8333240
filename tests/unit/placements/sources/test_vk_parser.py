"""wall.getById's JSON read into what the rules judge: a community post with its flag, counts, links and
edit mark; the bare-list answer of older API versions; a post not there; deleted; VK's errors."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.placements.sources import FetchFailed
from chalicelib.placements.sources.vk_wall import canonical, parse_answer, parse_url

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def item(**overrides) -> dict:
    base = {"id": 45, "owner_id": -123, "from_id": -123, "date": int(AT.timestamp()), "post_type": "post",
            "text": "Реклама. [club777|ООО «Ромашка»] erid: 2VtzqxYz\nSale: https://shop.example/sale?erid=2VtzqxYz.",
            "marked_as_ads": 1, "views": {"count": 1500}, "likes": {"count": 20, "user_likes": 0},
            "reposts": {"count": 3}, "attachments": [{"type": "link", "link": {"url": "https://shop.example/?utm_source=vk",
                                                                                 "title": "Shop"}}]}
    base.update(overrides)
    return base


def test_a_community_post():
    seen = parse_answer({"response": {"items": [item()]}}, "-123_45")
    assert seen.found and seen.url == "https://vk.com/wall-123_45"
    assert seen.account == "-123"
    assert seen.published_at == AT
    assert seen.text == "Реклама. ООО «Ромашка» erid: 2VtzqxYz\nSale: https://shop.example/sale?erid=2VtzqxYz."
    assert seen.links == ("https://vk.com/club777", "https://shop.example/sale?erid=2VtzqxYz",
                          "https://shop.example/?utm_source=vk")
    assert (seen.views, seen.likes, seen.reposts) == (1500, 20, 3)
    assert seen.marked_as_ads is True
    assert seen.edited is False
    assert seen.format == "post"


def test_bare_list_of_older_versions_and_the_flag_off():
    seen = parse_answer({"response": [item(marked_as_ads=0, edited=int(AT.timestamp()) + 60)]}, "-123_45")
    assert seen.found and seen.marked_as_ads is False and seen.edited is True


@pytest.mark.parametrize("attachments, kind", [
    ([], "post"), ([{"type": "photo"}], "photo"), ([{"type": "video"}], "video"),
    ([{"type": "photo"}, {"type": "photo"}], "album"), ([{"type": "link", "link": {"url": "https://a.example"}}], "post")])
def test_format_from_attachments(attachments, kind):
    assert parse_answer({"response": {"items": [item(attachments=attachments)]}}, "-123_45").format == kind


def test_a_repost_carries_the_original_text():
    seen = parse_answer({"response": {"items": [item(text="Look", copy_history=[{"text": "Реклама. Original"}])]}},
                        "-123_45")
    assert seen.text == "Look\n\nРеклама. Original"


def test_not_there_and_deleted():
    for answer in ({"response": {"items": []}}, {"response": []}, {"response": {"items": [item(is_deleted=True)]}}):
        seen = parse_answer(answer, "-123_45")
        assert seen.found is False and seen.url == "https://vk.com/wall-123_45" and seen.account == "-123"


def test_missing_counts_are_none():
    seen = parse_answer({"response": {"items": [item(views=None, likes={}, reposts={"count": "x"})]}}, "-123_45")
    assert (seen.views, seen.likes, seen.reposts) == (None, None, None)


@pytest.mark.parametrize("code, reason, permanent", [
    (5, "VK service token rejected", True), (6, "VK wall.getById: error 6: Too many requests per second", False),
    (9, "VK wall.getById: error 9: Flood control", False), (29, "VK wall.getById: error 29: Rate limit reached", False),
    (10, "VK wall.getById: error 10: Internal server error", False), (1, "VK wall.getById: error 1: Unknown error", False),
    (15, "VK wall.getById: error 15: Access denied", True)])
def test_errors(code, reason, permanent):
    message = reason.split(": ", 2)[-1] if code != 5 else "User authorization failed"
    with pytest.raises(FetchFailed) as caught:
        parse_answer({"error": {"error_code": code, "error_msg": message}}, "-123_45")
    assert caught.value.reason == reason
    assert caught.value.permanent is permanent


@pytest.mark.parametrize("answer", [None, [], "x", {"response": "x"}, {"nothing": 1}])
def test_answers_that_are_not_vks(answer):
    with pytest.raises(FetchFailed):
        parse_answer(answer, "-123_45")


@pytest.mark.parametrize("url, post", [
    ("https://vk.com/wall-123_45", "-123_45"), ("https://m.vk.com/wall-123_45", "-123_45"),
    ("https://vk.com/wall123_45", "123_45"), ("https://vk.com/club123?w=wall-123_45", "-123_45"),
    ("https://vk.ru/wall-123_45/", "-123_45"), ("https://www.vk.com/wall-0123_045", "-123_45"),
    ("https://vk.com/club123", None), ("https://vk.com/wall0_45", None), ("https://vk.com/wall-123_0", None),
    ("https://vk.com/video-123_45", None), ("https://example.com/wall-123_45", None)])
def test_post_urls(url, post):
    assert parse_url(url) == post
    if post:
        assert canonical(post) == f"https://vk.com/wall{post}"
