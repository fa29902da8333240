"""A web page read as a reader sees it: visible text without scripts and styles, og:/article: meta, the
publication time from article:published_time, every link made absolute, the host as the account."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.placements.sources.html_text import count, decode, instant
from chalicelib.placements.sources.web_page import parse_page

PAGE = """<!DOCTYPE html>
<html lang="ru"><head>
  <meta charset="utf-8">
  <title>Autumn recipes</title>
  <meta property="og:title" content="Autumn recipes">
  <meta property="og:description" content="Five soups. Промокод SALE10 в описании.">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="2026-12-01T12:00:00+03:00">
  <meta property="article:author" content="Anna">
  <meta name="description" content="not og">
  <style>.x { color: red }</style>
  <script>var tracking = "Реклама in a script";</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="about">About</a></nav>
  <article>
    <h1>Autumn recipes</h1>
    <p>Реклама. ООО «Ромашка». Use code SALE<b>10</b> at <a href="https://shop.example/?utm_source=blog">the shop</a>.</p>
    <p hidden>hidden text</p>
    <noscript>enable javascript</noscript>
    <template><p>template text</p></template>
    <a href="#comments">Comments</a> <a href="javascript:void(0)">Share</a> <a href="//cdn.example/file.pdf">PDF</a>
  </article>
  <script>document.write("script text")</script>
</body></html>"""


def test_a_blog_post():
    seen = parse_page(PAGE, "https://www.blog.example/2026/autumn")
    assert seen.found and seen.url == "https://www.blog.example/2026/autumn"
    assert seen.account == "blog.example"
    assert seen.format is None
    assert seen.published_at == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert seen.meta == {"og:title": "Autumn recipes", "og:description": "Five soups. Промокод SALE10 в описании.",
                         "og:type": "article", "article:published_time": "2026-12-01T12:00:00+03:00",
                         "article:author": "Anna"}
    assert seen.text.startswith("Home About\nAutumn recipes\nРеклама. ООО «Ромашка». Use code SALE10 at the shop.")
    for invisible in ("color: red", "tracking", "script text", "hidden text", "enable javascript", "template text"):
        assert invisible not in seen.text
    assert seen.text.endswith("Five soups. Промокод SALE10 в описании.")  # og:description: not in the body
    assert seen.text.count("Autumn recipes") == 1  # og:title is: not repeated
    assert seen.links == ("https://www.blog.example/", "https://www.blog.example/2026/about",
                          "https://shop.example/?utm_source=blog", "https://cdn.example/file.pdf")


def test_base_href_and_no_meta():
    html = '<html><head><base href="https://other.example/dir/"></head><body><a href="x">x</a></body></html>'
    seen = parse_page(html, "https://site.example/page")
    assert seen.links == ("https://other.example/dir/x",)
    assert seen.meta == {} and seen.published_at is None and seen.text == "x"


def test_decode_and_helpers():
    assert decode("Реклама".encode("cp1251"), "text/html; charset=windows-1251") == "Реклама"
    assert decode(b'<meta charset="windows-1251">' + "Реклама".encode("cp1251")).endswith("Реклама")
    assert decode(b"\xff ok", "text/html; charset=nonsense") == "\ufffd ok"
    assert instant("2026-12-01T09:00:00Z") == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert instant("2026-12-01") is None and instant("yesterday") is None
    assert [count(v) for v in ("980", "1.2K", "12.3M", "1,2K", "12 345", "1 234 567", "lots", "")] == \
        [980, 1200, 12_300_000, 1200, 12345, 1234567, None, None]
