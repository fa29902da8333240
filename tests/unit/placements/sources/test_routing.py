"""Which source reads a URL, and which URLs cannot be placement URLs (the sentences people see). Only
checks that need no network here; the guard's address checks run in tests/integration/placements."""
from __future__ import annotations

import pytest

from chalicelib.placements import sources
from chalicelib.placements.sources import NotSupported, problem, source_for


@pytest.mark.parametrize("url, source", [
    ("https://t.me/acme_news/42", "telegram"), ("https://telegram.me/acme_news/42", "telegram"),
    ("https://t.me/s/acme_news/42", "telegram"), ("https://t.me/acme_news", "telegram"),
    ("https://t.me/c/123456/42", "manual"),
    ("http://127.0.0.1:9/acme_news/42", "telegram"),  # TELEGRAM_WEB_BASE_URL in tests
    ("https://vk.com/wall-123_45", "vk"), ("https://m.vk.com/club1?w=wall-123_45", "vk"),
    ("https://vk.com/video-123_45", "web"),
    ("https://www.instagram.com/p/Cx/", "manual"), ("https://vm.tiktok.com/ZM/", "manual"),
    ("https://www.facebook.com/x/posts/1", "manual"), ("https://threads.net/@x/post/1", "manual"),
    ("https://dzen.ru/a/xyz", "web"), ("https://www.youtube.com/watch?v=x", "web"),
    ("https://notinstagram.com/p", "web"), ("not a url", "web")])
def test_source_for(url, source):
    assert source_for(url) == source


def test_manual_urls_and_platforms_are_not_fetched():
    with pytest.raises(NotSupported):
        sources.fetch("https://www.instagram.com/p/Cx/")
    with pytest.raises(NotSupported):
        sources.fetch("https://t.me/c/123456/42")
    with pytest.raises(NotSupported):
        sources.fetch("https://linktr.ee/x", platform="tiktok")  # the account's platform decides too


@pytest.mark.parametrize("url, fragment", [
    ("", "Give the address"), ("t.me/acme_news/42", "starting with https://"),
    ("ftp://example.com/x", "starting with https://"), ("https://exa mple.com/", "spaces"),
    ("https://user:pw@example.com/post", "user name or password"), ("https://example.com:99999/", "not a valid URL"),
    ("https://t.me/acme_news", "does not point at a post"), ("https://t.me/+AbCd", "does not point at a post"),
    ("https://example.com/" + "a" * 2100, "longer than")])
def test_problems(url, fragment):
    sentence = problem(url)
    assert sentence is not None and fragment in sentence, sentence
    assert "://" not in sentence or url not in sentence


@pytest.mark.parametrize("url", ["https://t.me/acme_news/42", "https://vk.com/wall-123_45",
                                 "https://www.instagram.com/p/Cx/", "https://t.me/c/123456/42"])
def test_no_problem(url):
    assert problem(url) is None
