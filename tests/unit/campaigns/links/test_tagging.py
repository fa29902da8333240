"""The tagged URL of a tracked link (rules/tagging.py): the existing query kept as written, our tags added or
replacing theirs (names in any case, ";"-separated pairs too), encoding, IDNA 2008 hosts, the erid of a `ru`
deliverable only (theirs dropped), utm_source from the network or the handle, and the targets that are refused
(hosts IDNA versions read differently, single-label hosts, our own short links however they are spelled)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from chalicelib.campaigns.rules.tagging import (
    Defaults,
    Subject,
    ascii_host,
    dropped,
    handle_source,
    tagged,
    tags_for,
    target_problem,
)

WINTER = Defaults(name="Зимняя коллекция", utm_medium="influencer", utm_campaign="winter-2026")


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def test_existing_parameters_are_kept_as_written_in_their_order():
    url = tagged("https://shop.example/winter?ref=tg&q=a%20b&list=1,2&flag#size-m", {"utm_source": "telegram"})
    assert url == "https://shop.example/winter?ref=tg&q=a%20b&list=1,2&flag&utm_source=telegram#size-m"


def test_our_parameters_replace_theirs_and_others_stay():
    url = tagged("https://shop.example/?utm_source=old&utm_campaign=x&page=2&UTM_SOURCE=theirs&Utm_Campaign=y",
                 {"utm_source": "vk", "utm_campaign": "winter"})
    assert query(url) == [("page", "2"), ("utm_source", "vk"), ("utm_campaign", "winter")]


def test_semicolon_pairs_never_carry_a_second_utm_source():
    url = tagged("https://shop.example/?a=1;utm_source=theirs;b=2&c=3;UTM_Source=x&utm%5Fsource=y",
                 {"utm_source": "vk"})
    assert url == "https://shop.example/?a=1;b=2&c=3&utm_source=vk"
    pairs = [pair for piece in urlsplit(url).query.split("&") for pair in piece.split(";")]
    assert [p.split("=")[0].lower() for p in pairs].count("utm_source") == 1


def test_a_ru_deliverables_target_loses_its_own_erid():
    subject = Subject(kind="deliverable", id="v1", handle="@anna", erid="OURS", disclosure="ru")
    url = tagged("https://shop.example/?erid=THEIRS&x=1;ERID=old", tags_for(WINTER, subject), dropped(subject))
    assert [v for k, v in query(url) if k.lower() == "erid"] == ["OURS"] and "THEIRS" not in url and "old" not in url
    assert dropped(Subject(kind="deliverable", id="v1", disclosure="ftc")) == () and dropped(Subject()) == ()


def test_values_are_percent_encoded():
    url = tagged("https://shop.example/a", {"utm_source": "anna & co", "utm_campaign": "зима/2026?"})
    assert "utm_source=anna%20%26%20co" in url
    assert "utm_campaign=%D0%B7%D0%B8%D0%BC%D0%B0%2F2026%3F" in url
    assert dict(query(url)) == {"utm_source": "anna & co", "utm_campaign": "зима/2026?"}


def test_the_result_is_plain_ascii():
    url = tagged("https://пример.рф/каталог?цвет=синий#низ", {"utm_source": "vk"})
    assert url.isascii()
    assert url.startswith("https://xn--e1afmkfd.xn--p1ai/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3?")
    assert dict(query(url)) == {"цвет": "синий", "utm_source": "vk"}
    assert url.endswith("#%D0%BD%D0%B8%D0%B7")


def test_an_empty_path_becomes_a_slash_and_ports_stay():
    assert tagged("https://shop.example", {"utm_source": "x"}) == "https://shop.example/?utm_source=x"
    assert tagged("http://shop.example:8443/p", {"utm_source": "x"}) == "http://shop.example:8443/p?utm_source=x"


def test_a_post_link_takes_the_network():
    tags = tags_for(Defaults(name="Winter"), Subject(kind="post", id="p1", network="Telegram"))
    assert tags == {"utm_source": "telegram", "utm_medium": "social", "utm_campaign": "winter", "utm_content": "p1"}


def test_a_deal_link_takes_the_bloggers_handle():
    tags = tags_for(WINTER, Subject(kind="deal", id="d1", handle="@Anna_Cooks"))
    assert tags == {"utm_source": "anna_cooks", "utm_medium": "influencer", "utm_campaign": "winter-2026",
                    "utm_content": "d1"}
    assert handle_source("https://t.me/Anna_Cooks/") == "anna_cooks"


def test_a_subjects_own_source_comes_before_the_campaigns():
    campaign = Defaults(name="W", utm_source="newsletter")
    assert tags_for(campaign, Subject(kind="post", id="p1", network="vk"))["utm_source"] == "vk"
    assert tags_for(campaign, Subject(kind="deal", id="d1", handle="@Anna"))["utm_source"] == "anna"
    assert tags_for(campaign, Subject(kind="deliverable", id="v1", handle="https://t.me/Bob"))["utm_source"] == "bob"
    assert tags_for(campaign, Subject())["utm_source"] == "newsletter"  # a link of the campaign alone
    assert tags_for(campaign, Subject(kind="post", id="p1"))["utm_source"] == "newsletter"  # no network known


def test_a_campaign_link_has_no_content_and_falls_back():
    tags = tags_for(Defaults(name="Зимняя коллекция"), Subject())
    assert tags == {"utm_source": "greenlight", "utm_medium": "referral", "utm_campaign": "zimnyaya-kollektsiya"}


@pytest.mark.parametrize("disclosure, erid, expected", [("ru", "2VtzqxKf7Hb", "2VtzqxKf7Hb"), ("ftc", "2VtzqxKf7Hb", None),
                                                        ("none", "2VtzqxKf7Hb", None), ("ru", None, None),
                                                        ("ru", "  ", None)])
def test_erid_only_for_a_ru_deliverable_that_has_one(disclosure, erid, expected):
    tags = tags_for(WINTER, Subject(kind="deliverable", id="v1", handle="@anna", erid=erid, disclosure=disclosure))
    assert tags.get("erid") == expected
    assert tags["utm_content"] == "v1"


def test_erid_is_last_and_case_kept():
    url = tagged("https://shop.example/?a=1", tags_for(WINTER, Subject(kind="deliverable", id="v1", handle="@anna",
                                                                         erid="2VtzqxKf7Hb", disclosure="ru")))
    assert url.endswith("&utm_content=v1&erid=2VtzqxKf7Hb")


def test_a_deal_never_gets_an_erid():
    assert "erid" not in tags_for(WINTER, Subject(kind="deal", id="d1", handle="@a", erid="X", disclosure="ru"))


@pytest.mark.parametrize("url, key", [
    ("", "target_required"),
    ("   ", "target_required"),
    ("https://shop.example/" + "a" * 2000, "target_too_long"),
    ("javascript:alert(1)", "target_scheme"),
    ("JavaScript:alert(document.cookie)//https://shop.example", "target_scheme"),
    ("data:text/html,<script>alert(1)</script>", "target_scheme"),
    ("ftp://shop.example/file", "target_scheme"),
    ("//evil.example/path", "target_scheme"),
    ("shop.example/winter", "target_scheme"),
    ("mailto:a@b.example", "target_scheme"),
    ("https://user:secret@shop.example/", "target_credentials"),
    ("https://shop.example@evil.example/", "target_credentials"),
    ("https:///path-only", "target_no_host"),
    ("https://shop.example\\@evil.example/", "target_invalid"),
    ("https://shop.example:99999/", "target_invalid"),
    ("https://shop.example/a b", "target_spaces"),
    ("https://shop.example/a\tb", "target_spaces"),
    ("https://shop.example/\x00", "target_spaces"),
    ("https://[::1/", "target_invalid"),
    ("https://go.greenlight.example/r/abcd2345", "target_loop"),
    ("https://go.greenlight.example/./r/abcd2345", "target_loop"),
    ("https://go.greenlight.example/x/../r/abcd2345", "target_loop"),
    ("https://go.greenlight.example/x/y/../../r/abcd2345", "target_loop"),
    ("https://go.greenlight.example//r/abcd2345", "target_loop"),
    ("https://go.greenlight.example/%72/abcd2345", "target_loop"),
    ("https://go.greenlight.example/%2e/r/abcd2345", "target_loop"),
    ("https://go.greenlight.example./r/abcd2345", "target_loop"),
    ("https://GO.Greenlight.Example:443/R/abcd2345", "target_loop"),
    ("https://%67o.greenlight.example/r/abcd2345", "target_invalid"),
    ("https://faß.de/x", "target_host"),
    ("https://ex\u00adample.com/", "target_host"),
    ("https://ｓｈｏｐ.example/", "target_host"),
    ("https://shop。example/", "target_host"),
    ("https://ςa.gr/", "target_host"),
    ("https://a\u200db.example/", "target_invalid"),
    ("https://xn--zz.example/", "target_invalid"),
    ("http://intranet/", "target_single_label"),
    ("http://intranet./", "target_single_label"),
    ("http://localhost/", "target_single_label"),
    ("http://2130706433/", "target_single_label"),
])
def test_refused_targets(url, key):
    assert target_problem(url, short_host="go.greenlight.example") == f"campaign_links.error.{key}"


@pytest.mark.parametrize("url", ["https://shop.example/winter?x=1#y", "http://shop.example", "HTTPS://Shop.Example/A",
                                 "https://go.greenlight.example/catalog", "https://go.greenlight.example/rr/x",
                                 "https://go.greenlight.example/x/r/abcd2345", "https://пример.рф/",
                                 "https://Пример.рф/", "https://xn--fa-hia.de/", "https://[2001:db8::1]/",
                                 "http://10.0.0.1./", "https://shop.example./"])
def test_accepted_targets(url):
    assert target_problem(url, short_host="go.greenlight.example") is None


def test_ipv6_targets_keep_their_brackets():
    assert tagged("https://[2001:db8::1]:8443/x", {"utm_source": "a"}) == "https://[2001:db8::1]:8443/x?utm_source=a"


def test_hosts_are_idna_2008_the_way_browsers_read_them():
    assert ascii_host("пример.рф") == "xn--e1afmkfd.xn--p1ai"
    assert ascii_host("Пример.рф") == "xn--e1afmkfd.xn--p1ai"
    assert ascii_host("xn--fa-hia.de") == "xn--fa-hia.de"  # faß.de, written in its unambiguous form
    for host in ("faß.de", "ex\u00adample.com", "ｓｈｏｐ.example"):  # IDNA 2003 made fass.de, example.com, shop.example
        with pytest.raises(UnicodeError):
            ascii_host(host)
