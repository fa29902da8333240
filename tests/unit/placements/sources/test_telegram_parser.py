"""The Telegram preview parser on saved pages shaped like t.me's (tests/fixtures/telegram/, rendered by the
fake's template so the fake and these pages cannot drift apart): a text with links, a photo caption, an
album, a video, an edited post, an author signature that is not an "edited" mark, a deleted post, view
counts in every form t.me writes them, and the channel stream page's next newer post."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from chalicelib.placements.sources import FetchFailed
from chalicelib.placements.sources.telegram_preview import parse_message, parse_stream, parse_url
from tests.support.fake_telegram_preview import FIXTURE_DIR, FIXTURES, PreviewPost, views_text, widget_page

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def page(name: str) -> bytes:
    return (FIXTURE_DIR / name).read_bytes()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_saved_pages_are_what_the_fake_renders(name):
    """One template: `python -m tests.support.fake_telegram_preview` rewrites them after a change."""
    assert (FIXTURE_DIR / name).read_text(encoding="utf-8") == FIXTURES[name]()


def test_text_with_links():
    seen = parse_message(page("text_with_links.html"), "https://t.me/acme_news/4021")
    assert seen.found and seen.public
    assert seen.url == "https://t.me/Acme_News/4021"
    assert seen.account == "acme_news"  # data-post's channel, case-folded
    assert seen.format == "tg_post"
    assert seen.published_at == AT and seen.published_at.tzinfo is not None
    assert seen.text == ("Реклама. ООО «Ромашка», ИНН 7707083893. erid: 2VtzqxYz\n"
                         "Autumn sale: promo code SALE10 gives 10% off. Details: "
                         "https://shop.example/sale?utm_source=telegram\n"
                         "Follow @romashka_shop #autumn\nShop now")
    assert seen.links == (
        "https://shop.example/sale?utm_source=telegram",
        "https://t.me/romashka_shop",
        "https://t.me/Acme_News/4021?q=%23autumn",  # t.me writes hashtags as relative links
        "https://shop.example/?utm_source=telegram&utm_medium=influencer&erid=2VtzqxYz",  # a text link: href only
        "https://shop.example/",  # the link preview
        "https://shop.example/buy",  # the URL button
    )
    assert "Everything for the kitchen" not in seen.text  # the preview's text is the site's, not the post's
    assert "Buy" not in seen.text.split()
    assert seen.views == 1200  # "1.2K"
    assert seen.edited is False
    assert seen.next_post_at is None and seen.marked_as_ads is None


def test_photo_caption_is_the_text():
    seen = parse_message(page("photo_caption.html"))
    assert (seen.found, seen.format, seen.views) == (True, "photo", 980)
    assert seen.text == "Photo of the day.\nРеклама. erid: 2VtzqxYz"
    assert seen.links == ()


def test_album_and_video():
    album = parse_message(page("album.html"))
    assert (album.format, album.text, album.views) == ("album", "Three looks for autumn", 12_300_000)
    video = parse_message(page("video.html"))
    assert (video.format, video.text, video.views) == ("video", "A short video", 45_000)


def test_edited_mark_in_the_meta_line():
    seen = parse_message(page("edited.html"))
    assert seen.edited is True
    assert seen.text == "Edited text without the code"
    signed = parse_message(page("signed_not_edited.html"))
    assert signed.edited is False  # the author's signature "Edited Editor" is no mark


def test_deleted_post_is_not_found():
    seen = parse_message(page("deleted.html"), "https://t.me/acme_news/4025")
    assert seen.found is False
    assert seen.url == "https://t.me/acme_news/4025"
    assert seen.account == "acme_news"
    assert seen.text == "" and seen.links == ()


def test_a_page_without_a_message_is_no_verdict():
    with pytest.raises(FetchFailed):
        parse_message("<html><body><div class='tgme_page'>Telegram</div></body></html>")
    with pytest.raises(FetchFailed):
        parse_message(b"")


@pytest.mark.parametrize("views, shown, read", [
    (980, "980", 980), (1234, "1.2K", 1200), (1000, "1K", 1000), (45_000, "45K", 45_000),
    (12_345_678, "12.3M", 12_300_000), ("1,2K", "1,2K", 1200), ("12 345", "12 345", 12345), ("0", "0", 0)])
def test_view_counts(views, shown, read):
    assert views_text(views) == shown
    seen = parse_message(widget_page(PreviewPost("acme_news", 1, "x", AT, views=views)))
    assert seen.views == read


def test_no_views_shown():
    assert parse_message(widget_page(PreviewPost("acme_news", 1, "x", AT, views=None))).views is None


def test_time_with_an_offset_is_read_as_utc_and_a_naive_one_is_not_trusted():
    moscow = widget_page(PreviewPost("acme_news", 1, "x", AT, views=1)).replace(
        "2026-12-01T09:00:00+00:00", "2026-12-01T12:00:00+03:00")
    assert parse_message(moscow).published_at == AT
    naive = moscow.replace("2026-12-01T12:00:00+03:00", "2026-12-01T12:00:00")
    assert parse_message(naive).published_at is None


def test_text_keeps_inline_formatting_together_and_drops_invisible_markup():
    html = widget_page(PreviewPost("acme_news", 7, "placeholder", AT)).replace(
        "placeholder", 'Code <b>SALE</b><i>10</i><br/><i class="emoji" style="x"><b>❤</b></i> end')
    assert parse_message(html).text == "Code SALE10\n❤ end"


def test_stream_page_gives_the_next_newer_post():
    html = page("stream_after_4021.html")
    # 4022 is a service message ("pinned a photo"): it does not push the post down
    assert parse_stream(html, 4021) == datetime(2026, 12, 1, 11, 15, tzinfo=timezone.utc)
    assert parse_stream(html, 4023) == datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)
    assert parse_stream(html, 4024) is None
    assert parse_stream(html, 4021, "other_channel") is None
    assert parse_stream(html, 4021, "ACME_NEWS") == datetime(2026, 12, 1, 11, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("url, expected", [
    ("https://t.me/acme_news/42", ("acme_news", 42)),
    ("https://t.me/Acme_News/42?single", ("Acme_News", 42)),
    ("https://t.me/s/acme_news/42", ("acme_news", 42)),
    ("http://telegram.me/acme_news/42/", ("acme_news", 42)),
    ("https://www.t.me/acme_news/42?comment=5", ("acme_news", 42)),
    ("https://t.me/acme_news", None),
    ("https://t.me/c/1234567/42", None),  # a private channel
    ("https://t.me/+AbCdEf", None),
    ("https://t.me/joinchat/AbCdEf", None),
    ("https://t.me/acme_news/0", None),
    ("https://t.me/acme_news/abc", None),
    ("https://example.com/acme_news/42", None),
])
def test_post_urls(url, expected):
    assert parse_url(url) == expected


def test_fixture_folder_holds_only_generated_pages():
    assert {p.name for p in Path(FIXTURE_DIR).glob("*.html")} == set(FIXTURES)
