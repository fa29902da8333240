"""Per-network content limits: counting the way each network counts, and the problems check() reports."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.content.rules import limits
from chalicelib.content.rules.limits import LIMITS, Problem, check, count_chars, count_hashtags, find_urls
from chalicelib.core.errors import ValidationFailed

PLATFORMS = ["telegram", "vk", "ok", "instagram", "facebook", "x", "linkedin", "tiktok", "youtube", "webhook"]
URL = "https://example.com/" + "a" * 80  # 100 characters, counts 23 on X


def codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


# ---- the table -------------------------------------------------------------------------------

def test_every_network_has_a_limit():
    assert sorted(LIMITS) == sorted(PLATFORMS)


@pytest.mark.parametrize("platform, max_chars", [
    ("telegram", 4096), ("x", 280), ("instagram", 2200), ("vk", 16384), ("ok", 16000),
    ("facebook", 63206), ("linkedin", 3000), ("tiktok", 2200), ("youtube", 5000), ("webhook", 100000),
])
def test_max_chars(platform, max_chars):
    assert LIMITS[platform].max_chars == max_chars


def test_the_other_known_limits():
    assert LIMITS["telegram"].caption_max_chars == 1024
    assert LIMITS["telegram"].max_media == 10
    assert LIMITS["x"].url_weight == 23 and LIMITS["x"].max_media == 4
    assert LIMITS["instagram"].max_hashtags == 5 and LIMITS["instagram"].max_media == 10
    assert LIMITS["linkedin"].max_media == 20
    assert LIMITS["tiktok"].max_media == 35
    assert LIMITS["youtube"].title_max_chars == 100 and LIMITS["youtube"].max_media == 1
    assert all(LIMITS[p].url_weight is None for p in PLATFORMS if p != "x")


def test_unknown_network_is_a_validation_error():
    with pytest.raises(ValidationFailed, match="Unknown network 'myspace'"):
        check("hi", "myspace", False, 0)
    with pytest.raises(ValidationFailed):
        count_chars("hi", "MySpace")


# ---- counting --------------------------------------------------------------------------------

def test_code_point_networks_count_code_points():
    text = "Привет 👋 мир"
    for platform in ("vk", "ok", "instagram", "facebook", "linkedin", "webhook"):
        assert count_chars(text, platform) == len(text) == 12


def test_telegram_and_tiktok_count_utf16_units():
    assert count_chars("😀", "telegram") == 2
    assert count_chars("Привет", "telegram") == 6
    assert count_chars("😀a", "tiktok") == 3


def test_youtube_counts_utf8_bytes():
    assert count_chars("hello", "youtube") == 5
    assert count_chars("Привет", "youtube") == 12
    assert count_chars("😀", "youtube") == 4


@pytest.mark.parametrize("text, weight", [
    ("hello", 5),
    ("Привет", 6),  # Cyrillic is in the light range
    ("漢字", 4),  # CJK weighs 2
    ("日本語のテキスト", 16),
    ("…", 2),  # U+2026 is outside the light punctuation ranges
    ("—", 1),  # U+2014 is inside
    ("\u10ff", 1),
    ("\u1100", 2),  # first code point after the light range
    ("😀", 2),
    ("❤️", 2),  # heart + VS16: one emoji
    ("👍🏽", 2),  # skin tone modifier
    ("👨\u200d👩\u200d👧", 2),  # ZWJ family: one emoji
    ("🏳️\u200d🌈", 2),
    ("🇩🇪", 2),  # flag: two regional indicators
    ("🇩🇪🇫🇷", 4),
    ("1️⃣", 2),  # keycap
    ("©", 1),
    ("©️", 2),
    ("e\u0301", 1),  # NFC first: e + combining acute is é
    ("क्\u200dष", 4),  # ZWJ inside a light script does not merge
])
def test_x_weights(text, weight):
    assert count_chars(text, "x") == weight


def test_x_counts_each_url_as_23():
    assert count_chars(URL, "x") == 23
    assert count_chars("http://a.io", "x") == 23  # short links count 23 too
    assert count_chars(f"see {URL} and {URL}", "x") == 4 + 23 + 5 + 23


def test_x_url_ends_before_trailing_punctuation():
    assert count_chars(f"({URL}).", "x") == 1 + 23 + 2
    assert count_chars("https://en.wikipedia.org/wiki/Foo_(bar)!", "x") == 23 + 1


def test_find_urls():
    text = "go to https://ex.com/x?y=1, or (http://a.b/c). Not ftp://x.y nor https:// alone"
    assert [text[s:e] for s, e in find_urls(text)] == ["https://ex.com/x?y=1", "http://a.b/c"]


def test_hashtags():
    assert count_hashtags("#one #two, #три and #_ok") == 4
    assert count_hashtags("#1 we are number #2") == 0  # digits only: not a hashtag
    assert count_hashtags("a#b c&#35; ##x") == 0  # glued to a word, an entity, a double hash
    assert count_hashtags("https://x.com/page#section #real") == 1  # not inside links


# ---- check -----------------------------------------------------------------------------------

def test_x_message_is_plain_english():
    assert check("a" * 301, "x", False, 0) == [
        Problem("text", "too_long", "X allows 280 characters; this text has 301.", 280, 301)]


def test_x_exactly_at_the_limit_is_fine():
    assert check("a" * 280, "x", False, 0) == []
    assert codes(check("a" * 281, "x", False, 0)) == ["too_long"]


def test_x_long_url_fits_when_weighted():
    text = "a" * 250 + " " + URL  # 351 code points, 274 weighted
    assert len(text) > 280 and check(text, "x", False, 0) == []


def test_x_message_explains_link_weight():
    [problem] = check("a" * 260 + " " + URL, "x", False, 0)
    assert problem.actual == 284
    assert problem.message == "X allows 280 characters; this text has 284. Each link counts as 23 characters."


def test_x_media():
    assert check("hi", "x", True, 4) == []
    [problem] = check("hi", "x", True, 5)
    assert (problem.field, problem.code, problem.limit, problem.actual) == ("media", "too_many_media", 4, 5)
    assert problem.message == "X allows 4 media files per post; this post has 5."


def test_telegram_text_without_media():
    assert check("a" * 4096, "telegram", False, 0) == []
    [problem] = check("a" * 4097, "telegram", False, 0)
    assert problem.message == "Telegram allows 4,096 characters; this text has 4,097."


def test_telegram_emoji_count_two():
    assert check("😀" * 2048, "telegram", False, 0) == []
    [problem] = check("😀" * 2049, "telegram", False, 0)
    assert problem.actual == 4098


def test_telegram_with_media_uses_the_caption_limit():
    assert check("a" * 1024, "telegram", True, 1) == []
    [problem] = check("a" * 1500, "telegram", True, 1)
    assert (problem.field, problem.code, problem.limit, problem.actual) == ("text", "caption_too_long", 1024, 1500)
    assert problem.message.startswith("Telegram allows 1,024 characters in a caption under photos or videos; "
                                      "this text has 1,500.")


def test_media_count_implies_media():
    assert codes(check("a" * 1500, "telegram", False, 2)) == ["caption_too_long"]
    assert codes(check("a" * 1500, "telegram", True, 0)) == ["caption_too_long"]


def test_telegram_media_group_holds_ten():
    assert check("hi", "telegram", True, 10) == []
    assert codes(check("a" * 2000, "telegram", True, 11)) == ["caption_too_long", "too_many_media"]


def test_caption_limit_only_where_the_network_has_one():
    assert check("a" * 2000, "vk", True, 3) == []


def test_instagram():
    assert check("a" * 2200, "instagram", True, 1) == []
    assert codes(check("a" * 2201, "instagram", True, 1)) == ["too_long"]
    five = " ".join(f"#tag{i}" for i in range(5))
    assert check(five, "instagram", True, 1) == []
    [problem] = check(five + " #sixth", "instagram", True, 1)
    assert problem.message == "Instagram allows 5 hashtags; this text has 6."
    assert (problem.code, problem.limit, problem.actual) == ("too_many_hashtags", 5, 6)
    assert codes(check("hi", "instagram", True, 11)) == ["too_many_media"]


def test_hashtags_are_not_limited_elsewhere():
    many = " ".join(f"#tag{i}" for i in range(40))
    assert check(many, "vk", False, 0) == [] and check(many, "x", False, 0) == []


def test_youtube_description_in_bytes():
    assert check("a" * 5000, "youtube", True, 1) == []
    [problem] = check("я" * 2501, "youtube", True, 1)  # 2501 letters, 5002 bytes
    assert (problem.code, problem.limit, problem.actual) == ("too_long", 5000, 5002)
    assert problem.message.startswith("YouTube allows 5,000 bytes in a description; this text has 5,002.")
    assert "2 bytes" in problem.message


def test_youtube_title():
    assert check("d", "youtube", True, 1, title="t" * 100) == []
    [problem] = check("d", "youtube", True, 1, title="t" * 101)
    assert (problem.field, problem.code, problem.limit, problem.actual) == ("title", "title_too_long", 100, 101)
    assert problem.message == "YouTube allows 100 characters in a title; this title has 101."
    assert check("d", "vk", False, 0, title="t" * 500) == []  # no title field there
    assert codes(check("d", "youtube", True, 2)) == ["too_many_media"]


def test_several_problems_at_once():
    text = "a" * 2300 + " " + " ".join(f"#t{i}" for i in range(7))
    assert codes(check(text, "instagram", True, 12)) == ["too_long", "too_many_hashtags", "too_many_media"]


def test_empty_text_has_no_length_problem():
    assert all(check("", platform, False, 0) == [] for platform in PLATFORMS)


# ---- the form ------------------------------------------------------------------------------

def test_limits_for_form_is_json_and_complete():
    form = limits.limits_for_form()
    assert json.loads(json.dumps(form)) == form
    assert sorted(form) == sorted(PLATFORMS)
    assert form["x"]["max_chars"] == 280 and form["x"]["url_weight"] == 23 and form["x"]["unit"] == "x_weighted"
    assert form["x"]["light_ranges"][0] == [0, 0x10FF]
    assert form["telegram"]["caption_max_chars"] == 1024 and form["telegram"]["unit"] == "utf16"
    assert form["youtube"]["unit"] == "utf8_bytes" and form["youtube"]["title_max_chars"] == 100
    assert form["vk"]["caption_max_chars"] is None and form["vk"]["label"] == "VK"
    for entry in form.values():
        assert {"max_chars", "caption_max_chars", "url_weight"} <= set(entry)


# ---- properties ------------------------------------------------------------------------------

@given(st.text(), st.sampled_from(PLATFORMS))
def test_count_is_at_least_zero_and_check_agrees_with_it(text, platform):
    size = count_chars(text, platform)
    assert size >= 0
    too_long = "too_long" in codes(check(text, platform, False, 0))
    assert too_long == (size > LIMITS[platform].max_chars)


@given(st.text())
def test_unit_relations(text):
    assert count_chars(text, "vk") == len(text)
    assert len(text) <= count_chars(text, "telegram") <= 2 * len(text)
    assert count_chars(text, "telegram") <= count_chars(text, "youtube") + len(text)
    assert count_chars(text, "x") <= 2 * len(text) + 23 * len(find_urls(text))


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters=":/")))
def test_x_plain_ascii_counts_one_each_and_a_url_adds_23(text):
    assert count_chars(text, "x") == len(text)
    assert count_chars(text + " " + URL, "x") == len(text) + 1 + 23


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd", "Zs"], max_codepoint=0x04FF)))
def test_latin_and_cyrillic_weigh_one_on_x(text):
    assert count_chars(text, "x") == len(text)


@given(st.integers(min_value=0, max_value=40), st.sampled_from(PLATFORMS))
def test_media_count_against_max_media(count, platform):
    limit = LIMITS[platform].max_media
    flagged = "too_many_media" in codes(check("", platform, count > 0, count))
    assert flagged == (limit is not None and count > limit)
