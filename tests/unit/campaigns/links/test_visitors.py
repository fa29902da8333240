"""Who clicked (rules/visitors.py): bots, link previewers, HTTP libraries, prefetches, previews and HEAD are not
counted; people's browsers (in-app ones too: Tumblr's) are; the visitor hash depends on the salt, holds no address;
a day's salt and marks expire two days after the day began."""
from __future__ import annotations

import pytest

from chalicelib.campaigns.rules.visitors import counts, expiry_of, is_bot, purposes_of, visitor_hash

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Mobile/15E148 Safari/604.1")
TODAY, TOMORROW = b"t" * 32, b"m" * 32

BOTS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slackbot 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; SomeNewCrawler/1.0; +https://crawler.example/about)",
    "Go-http-client/2.0",
    "Mozilla/5.0 (compatible; SeznamBot/3.2; +http://napoveda.seznam.cz/en/seznambot-intro/)",
    "Mozilla/5.0 (compatible; NewsPreviewBot; fetches link cards)",
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 "
    "FooCardbot/1.2",
    "Viber/21.5.0.1 CFNetwork/1490.0.4 Darwin/23.2.0",
    "Yahoo Ad monitoring https://help.yahoo.com/kb/yahoo-ad-monitoring-SLN24857.html yahoo.adqualitylp",
    "",
    "   ",
    None,
]
PEOPLE = [
    CHROME,
    IPHONE,
    "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 "
    "Telegram-Android/10.11.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "Instagram 329.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "Tumblr/34.4.0.110",
]


@pytest.mark.parametrize("agent", BOTS)
def test_bots_and_previewers_are_not_counted(agent):
    assert is_bot(agent)
    assert not counts("GET", agent)


@pytest.mark.parametrize("agent", PEOPLE)
def test_people_are_counted(agent):
    assert not is_bot(agent)
    assert counts("GET", agent)


@pytest.mark.parametrize("method", ["HEAD", "POST", "OPTIONS", ""])
def test_only_get_is_counted(method):
    assert not counts(method, CHROME)


@pytest.mark.parametrize("purpose", ["prefetch", "prefetch;prerender", "Prefetch", "preview"])
def test_prefetches_are_not_counted(purpose):
    assert not counts("GET", CHROME, purpose)


@pytest.mark.parametrize("headers", [{"Sec-Purpose": "prefetch"}, {"Purpose": "prefetch"}, {"X-Moz": "prefetch"},
                                     {"X-Purpose": "preview"}, {"X-Purpose": "Preview"}])
def test_every_prefetch_or_preview_header_is_read(headers):
    from chalice.app import CaseInsensitiveMapping

    assert not counts("GET", CHROME, *purposes_of(CaseInsensitiveMapping(headers)))
    assert counts("GET", CHROME, *purposes_of(CaseInsensitiveMapping({"Accept": "text/html"})))


def test_the_same_visitor_is_the_same_hash_under_one_salt_and_another_under_the_next():
    first = visitor_hash(TODAY, "203.0.113.7", CHROME)
    assert first == visitor_hash(TODAY, "203.0.113.7", CHROME)
    assert len(first) == 16 and int(first, 16) >= 0
    assert first != visitor_hash(TOMORROW, "203.0.113.7", CHROME)
    assert first != visitor_hash(TODAY, "203.0.113.8", CHROME)
    assert first != visitor_hash(TODAY, "203.0.113.7", IPHONE)


def test_the_hash_holds_no_address():
    assert set(visitor_hash(TODAY, "203.0.113.7", CHROME)) <= set("0123456789abcdef")
    assert visitor_hash(TODAY, None, None) == visitor_hash(TODAY, "", "")


def test_a_days_salt_and_marks_expire_two_days_after_it_began():
    assert expiry_of("2026-12-01") == 1796083200 + 2 * 86400  # 2026-12-01T00:00Z + 48 h
