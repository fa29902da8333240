"""Network limits carry a code and params (translated by content/guard_text.py), and the preview's
cut and fold rules (limits.cut)."""
from __future__ import annotations

import pytest

from chalicelib.content import guard_text
from chalicelib.content.rules import limits
from chalicelib.core import i18n


@pytest.mark.parametrize("text, platform, media, key, params", [
    ("a" * 281, "x", 0, "too_long", {"network": "X", "limit": 280, "actual": 281}),
    ("https://example.com " + "a" * 270, "x", 0, "too_long_links", {"network": "X", "limit": 280, "actual": 294}),
    ("я" * 2501, "youtube", 0, "too_long_bytes", {"network": "YouTube", "limit": 5000, "actual": 5002}),
    ("a" * 1025, "telegram", 1, "caption_too_long", {"network": "Telegram", "limit": 1024, "actual": 1025}),
    ("#a #b #c #d #e #f", "instagram", 0, "too_many_hashtags", {"network": "Instagram", "limit": 5, "actual": 6}),
    ("hi", "x", 5, "too_many_media", {"network": "X", "limit": 4, "actual": 5}),
])
def test_each_problem_has_a_key_and_params(text, platform, media, key, params):
    problem = limits.check(text, platform, has_media=bool(media), media_count=media)[0]
    assert problem.key == key and problem.platform == platform
    assert {k: problem.params[k] for k in params} == params


@pytest.mark.parametrize("key", ["too_long", "too_long_links", "too_long_bytes", "caption_too_long",
                                 "title_too_long", "too_many_hashtags", "too_many_media"])
def test_every_limit_message_exists_in_both_languages(key):
    params = {"network": "X", "limit": 4096, "actual": 5000, "url_weight": 23}
    en, ru = (guard_text.limit_message(key, params, lang) for lang in i18n.LANGUAGES)
    assert "4,096" in en and "4\u00a0096" in ru and en != ru


def test_the_english_translation_says_what_the_api_always_said():
    problem = limits.check("a" * 4097, "telegram", has_media=False, media_count=0)[0]
    assert guard_text.limit_message(problem.key, problem.params, "en") == problem.message
    assert guard_text.limit_message(problem.key, problem.params, "ru") == \
        "Telegram допускает 4\u00a0096 символов; в этом тексте 4\u00a0097."


def test_a_detail_without_a_key_keeps_its_message():
    assert guard_text.detail_message({"message": "as is"}, "ru") == "as is"
    detail = {"key": "too_long", "params": {"network": "X", "limit": 280, "actual": 300, "url_weight": 23},
              "channel": "My X"}
    assert guard_text.detail_message(detail, "ru") == "My X: X допускает 280 символов; в этом тексте 300."


# --- cut and fold ------------------------------------------------------------------------------

def test_telegram_cuts_a_caption_at_1024_and_a_message_at_4096():
    text = "é" * 5000
    with_media = limits.cut(text, "telegram", has_media=True)
    assert (len(with_media.visible), len(with_media.over), with_media.max_chars) == (1024, 3976, 1024)
    without = limits.cut(text, "telegram")
    assert (len(without.visible), len(without.over), without.max_chars, without.fold) == (4096, 904, 4096, None)


def test_telegram_counts_utf16_so_an_emoji_takes_two():
    cut = limits.cut("😀" * 600, "telegram", has_media=True)
    assert cut.count == 1200 and len(cut.visible) == 512 and len(cut.over) == 88


def test_x_cuts_by_weight():
    cut = limits.cut("я" * 200, "x")  # Cyrillic weighs 1 (U+0000-U+10FF)
    assert cut.over == "" and cut.count == 200
    cut = limits.cut("中" * 200, "x")  # CJK weighs 2
    assert cut.count == 400 and len(cut.visible) == 140 and len(cut.over) == 60 and cut.is_over


def test_instagram_folds_at_125_on_a_word_and_cuts_at_2200():
    words = ("word " * 500).strip()
    cut = limits.cut(words, "instagram")
    assert len(cut.visible) <= 125 and cut.visible.endswith("word") and cut.fold == 125
    assert len(cut.visible) + len(cut.folded) == 2200 and cut.over
    assert cut.visible + cut.folded + cut.over == words


def test_linkedin_and_vk_fold_and_short_texts_do_not():
    assert limits.cut("x" * 300, "linkedin").folded == "x" * 90
    assert limits.cut("x" * 300, "vk").folded == "x" * 20
    short = limits.cut("Hello", "instagram")
    assert (short.visible, short.folded, short.over, short.is_over) == ("Hello", "", "", False)


def test_the_form_gets_the_folds():
    form = limits.limits_for_form()
    assert form["instagram"]["fold"] == 125 and form["telegram"]["fold"] is None
    assert form["telegram"]["caption_max_chars"] == 1024
