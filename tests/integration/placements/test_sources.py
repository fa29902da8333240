"""The placement sources fetching for real, through the outbound guard, from fakes on loopback (each fake
puts its own 127.0.0.1:<port> on OUTBOUND_ALLOW_PRIVATE when it starts, and nothing else is allowed):

- Telegram's preview: a post found (the widget read, the next newer post from the stream page), the
  stream request skipped on request and its failure harmless, deleted / 404 → found False, 502, 429, a
  dropped connection, an answer slower than the deadline and a page that is not the widget → FetchFailed;
- VK wall.getById: found (the token only in the POST body, never in the evidence), not found, the old
  bare-list answer, error 5 (token rejected), error 6, HTTP 502, no token configured (no request at all);
- a web page: og meta and links read, 404 → found False, redirects followed (and one to a refused address
  refused), a 503 and a PNG → FetchFailed; a URL naming a refused address: a problem() sentence and
  FetchFailed, with zero connections to it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.core import secrets
from chalicelib.core.net import guard
from chalicelib.core.settings import reset_settings
from chalicelib.placements import sources
from chalicelib.placements.sources import FetchFailed
from tests.support.fake_api import Call, FakeAPI, Fault
from tests.support.fake_telegram_preview import widget_page
from tests.support.fake_vk import FakeVK

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
VK_TOKEN = "vk-service-token-0123456789"


@pytest.fixture
def vk(monkeypatch):
    fake = FakeVK(tokens={VK_TOKEN}).start()
    monkeypatch.setenv("VK_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("GL_PLACEMENT_VK_SERVICE_TOKEN", VK_TOKEN)
    monkeypatch.setenv("VK_SERVICE_TOKEN", "env:GL_PLACEMENT_VK_SERVICE_TOKEN")
    reset_settings()
    secrets.clear_cache()
    yield fake
    fake.stop()
    monkeypatch.undo()
    reset_settings()
    secrets.clear_cache()


class FakePages(FakeAPI):
    """A web site: path -> (status, body, headers)."""

    def __init__(self):
        super().__init__()
        self.pages: dict[str, tuple[int, bytes, dict]] = {}

    def target_of(self, call: Call) -> str | None:
        return call.path

    def answer(self, call: Call):
        return self.pages.get(call.path, (404, b"<html><body>Not here</body></html>", {}))


@pytest.fixture
def site():
    fake = FakePages().start()
    yield fake
    fake.stop()


def no_url_in(reason: str, *fakes) -> bool:
    return all(fake.url not in reason and fake.address not in reason for fake in fakes)


# --- Telegram ------------------------------------------------------------------------------------
def test_telegram_post_found_with_the_next_post(preview):
    preview.post("Acme_News", 42, "Реклама. ООО «Ромашка». erid: 2VtzqxYz\nCode SALE10 #ad", at=AT,
                 links=(("Shop", "https://shop.example/?erid=2VtzqxYz"),), views=15_400, kind="photo")
    preview.post("acme_news", 43, "The next one", at=AT + timedelta(hours=2, minutes=5))
    preview.post("acme_news", 44, "And later", at=AT + timedelta(hours=5))

    fetched = sources.fetch("https://t.me/acme_news/42?single")

    seen = fetched.observed
    assert seen.found and seen.url == "https://t.me/Acme_News/42" and seen.account == "acme_news"
    assert seen.format == "photo" and seen.views == 15_400 and seen.published_at == AT and not seen.edited
    assert seen.text == "Реклама. ООО «Ромашка». erid: 2VtzqxYz\nCode SALE10 #ad\nShop"
    assert "https://shop.example/?erid=2VtzqxYz" in seen.links
    assert seen.next_post_at == AT + timedelta(hours=2, minutes=5)
    assert fetched.http_status == 200 and fetched.content_type.startswith("text/html")
    assert fetched.fetched_url == f"{preview.url}/acme_news/42?embed=1"
    assert fetched.raw == widget_page(preview.get("acme_news", 42)).encode()
    assert fetched.fetched_at.tzinfo is not None
    assert preview.hits("/acme_news/42") == 1 and preview.hits("/s/acme_news") == 1
    widget, stream = preview.calls
    assert widget.body == {"embed": "1"} and stream.body == {"after": "42"}
    assert widget.header("Cookie") is None and widget.header("User-Agent") == guard.PAGE_USER_AGENT


def test_telegram_stream_skipped_or_failing_leaves_next_post_unknown(preview):
    post = preview.post("acme_news", 42, "Text", at=AT)
    preview.post("acme_news", 43, "Next", at=AT + timedelta(hours=1))
    assert sources.fetch("https://t.me/acme_news/42", next_post=False).observed.next_post_at is None
    assert preview.hits("/s/acme_news") == 0

    preview.fail_next(Fault.of_status(200, widget_page(post).encode()))
    preview.fail_next(Fault.of_status(502, b"Bad Gateway"))
    seen = sources.fetch("https://t.me/acme_news/42").observed
    assert seen.found and seen.next_post_at is None


def test_telegram_deleted_edited_and_404(preview):
    preview.post("acme_news", 42, "Code SALE10", at=AT)
    preview.edit("acme_news", 42, "No code any more")
    seen = sources.fetch("https://t.me/acme_news/42").observed
    assert seen.found and seen.edited and seen.text == "No code any more"

    preview.delete("acme_news", 42)
    fetched = sources.fetch("https://t.me/acme_news/42")
    assert fetched.observed.found is False and fetched.http_status == 200
    assert fetched.observed.url == "https://t.me/acme_news/42" and fetched.observed.account == "acme_news"
    assert b"Post not found" in fetched.raw
    assert preview.hits("/s/acme_news") == 1  # only for the post that was there

    preview.fail_next(Fault.of_status(404, b"<html><body>Not Found</body></html>"))
    assert sources.fetch("https://t.me/acme_news/42").observed.found is False


@pytest.mark.parametrize("fault", [Fault.of_status(502, b"Bad Gateway"), Fault.of_status(503, b""),
                                   Fault.of_status(429, b"Too Many Requests", {"Retry-After": "5"}),
                                   Fault.of_status(200, b"<html><body>Something else</body></html>"),
                                   Fault.drop()])
def test_telegram_no_verdict(preview, fault):
    preview.post("acme_news", 42, "Text", at=AT)
    preview.fail_next(fault)
    with pytest.raises(FetchFailed) as caught:
        sources.fetch("https://t.me/acme_news/42")
    assert no_url_in(caught.value.reason, preview)
    assert caught.value.permanent is False


def test_telegram_slower_than_the_deadline(preview, monkeypatch):
    monkeypatch.setattr(guard, "DEADLINE", 0.5)
    preview.post("acme_news", 42, "Text", at=AT)
    preview.fail_next(Fault.delay(2.0))
    with pytest.raises(FetchFailed):
        sources.fetch("https://t.me/acme_news/42")


def test_telegram_latency_and_counts(preview):
    preview.latency = 0.05
    for number in range(1, 4):
        preview.post("acme_news", number, f"Post {number}", at=AT + timedelta(minutes=number))
    for number in range(1, 4):
        assert sources.fetch(f"https://t.me/acme_news/{number}", next_post=False).observed.text == f"Post {number}"
    assert preview.hits() == {"/acme_news/1": 1, "/acme_news/2": 1, "/acme_news/3": 1}


# --- VK ------------------------------------------------------------------------------------------
def test_vk_post_found(vk):
    vk.put_post("-123", 45, "Реклама. [club777|ООО «Ромашка»] erid: 2VtzqxYz", date=AT, marked_as_ads=True,
                views=1500, likes=20, reposts=3,
                attachments=[{"type": "link", "link": {"url": "https://shop.example/?utm_source=vk"}}])

    fetched = sources.fetch("https://vk.com/club123?w=wall-123_45")

    seen = fetched.observed
    assert seen.found and seen.url == "https://vk.com/wall-123_45" and seen.account == "-123"
    assert seen.text == "Реклама. ООО «Ромашка» erid: 2VtzqxYz" and seen.marked_as_ads is True
    assert (seen.views, seen.likes, seen.reposts, seen.published_at) == (1500, 20, 3, AT)
    assert seen.links == ("https://vk.com/club777", "https://shop.example/?utm_source=vk")
    [call] = vk.lookups()
    assert call.method == "POST" and call.path == "/method/wall.getById"
    assert call.body == {"posts": "-123_45", "v": "5.199", "access_token": VK_TOKEN}
    assert VK_TOKEN not in fetched.fetched_url and VK_TOKEN.encode() not in fetched.raw
    assert fetched.fetched_url == f"{vk.base_url}/wall.getById?posts=-123_45&v=5.199"
    assert fetched.content_type.startswith("application/json") and fetched.http_status == 200


def test_vk_not_found_and_bare_list(vk):
    assert sources.fetch("https://vk.com/wall-123_46").observed.found is False
    vk.put_post("-123", 46, "Text", date=AT)
    vk.bare_list = True
    seen = sources.fetch("https://m.vk.com/wall-123_46").observed
    assert seen.found and seen.marked_as_ads is False and seen.text == "Text"
    vk.delete_post("-123", 46)
    assert sources.fetch("https://vk.com/wall-123_46").observed.found is False


def test_vk_token_rejected(vk, monkeypatch):
    monkeypatch.setenv("GL_PLACEMENT_VK_SERVICE_TOKEN", "a-wrong-token")
    secrets.clear_cache()
    with pytest.raises(FetchFailed) as caught:
        sources.fetch("https://vk.com/wall-123_45")
    assert caught.value.reason == "VK service token rejected" and caught.value.permanent
    assert "a-wrong-token" not in repr(caught.value)


@pytest.mark.parametrize("fault", [None, Fault.of_status(502, b"Bad Gateway"), Fault.drop()])
def test_vk_no_verdict(vk, fault):
    vk.put_post("-123", 45, "Text", date=AT)
    if fault is None:
        vk.vk_error(6, "Too many requests per second")
    else:
        vk.fail_next(fault)
    with pytest.raises(FetchFailed) as caught:
        sources.fetch("https://vk.com/wall-123_45")
    assert VK_TOKEN not in caught.value.reason and no_url_in(caught.value.reason, vk)


def test_vk_without_a_token_asks_for_one(vk, monkeypatch):
    monkeypatch.setenv("VK_SERVICE_TOKEN", "")
    reset_settings()
    with pytest.raises(FetchFailed) as caught:
        sources.fetch("https://vk.com/wall-123_45")
    assert caught.value.reason == "VK checks need VK_SERVICE_TOKEN"
    assert vk.calls == []


# --- web pages -----------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:title" content="Autumn recipes">
<meta property="og:description" content="Five soups">
<meta property="article:published_time" content="2026-12-01T12:00:00+03:00">
<script>var hidden = "no";</script></head>
<body><h1>Autumn recipes</h1><p>Реклама. Code <b>SALE10</b> at <a href="/shop?utm_source=blog">the shop</a>.</p></body></html>"""


def test_web_page_with_og_meta(site):
    site.pages["/2026/autumn"] = (200, PAGE.encode(), {"Content-Type": "text/html; charset=utf-8"})
    fetched = sources.fetch(f"{site.url}/2026/autumn")
    seen = fetched.observed
    assert seen.found and seen.url == f"{site.url}/2026/autumn" and seen.account == "127.0.0.1"
    assert seen.meta["og:title"] == "Autumn recipes" and seen.published_at == AT
    assert seen.text == "Autumn recipes\nРеклама. Code SALE10 at the shop.\n\nFive soups"
    assert seen.links == (f"{site.url}/shop?utm_source=blog",)
    assert fetched.raw == PAGE.encode() and fetched.http_status == 200
    assert fetched.fetched_url == f"{site.url}/2026/autumn"


def test_web_page_gone_moved_and_failing(site):
    assert sources.fetch(f"{site.url}/gone").observed.found is False
    site.pages["/old"] = (301, b"", {"Location": "/new"})
    site.pages["/new"] = (200, PAGE.encode(), {})
    moved = sources.fetch(f"{site.url}/old")
    assert moved.observed.found and moved.observed.url == f"{site.url}/new"
    assert moved.fetched_url == f"{site.url}/old"

    site.pages["/broken"] = (503, b"down", {})
    with pytest.raises(FetchFailed) as caught:
        sources.fetch(f"{site.url}/broken")
    assert not caught.value.permanent

    site.pages["/image"] = (200, b"\x89PNG\r\n", {"Content-Type": "image/png"})
    with pytest.raises(FetchFailed) as caught:
        sources.fetch(f"{site.url}/image")
    assert caught.value.permanent


def test_web_redirect_to_a_refused_address_is_not_followed(site):
    site.pages["/jump"] = (302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(FetchFailed) as caught:
        sources.fetch(f"{site.url}/jump")
    assert caught.value.permanent
    assert [c.path for c in site.calls] == ["/jump"]  # the redirect's target never reached


@pytest.mark.parametrize("make_url", [
    lambda site: f"http://localhost:{site.server.server_address[1]}/post",  # same server, a name not allowed
    lambda site: "http://169.254.169.254/latest/meta-data/",
    lambda site: "http://10.0.0.1/post",
    lambda site: "http://[::ffff:127.0.0.1]/post",
])
def test_web_url_at_a_refused_address(site, make_url):
    url = make_url(site)
    sentence = sources.problem(url)
    assert sentence and sentence.endswith(".") and "://" not in sentence
    with pytest.raises(FetchFailed) as caught:
        sources.fetch(url)
    assert caught.value.permanent
    assert site.calls == []  # zero connections


def test_web_url_whose_name_does_not_resolve_is_no_problem_yet():
    assert sources.problem("https://no-such-host.invalid/post") is None  # the fetch will say so later


def test_web_page_on_an_allowed_fake_is_no_problem(site):
    assert sources.problem(f"{site.url}/post") is None
