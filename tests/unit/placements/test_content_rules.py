"""Content rules: required texts, the promo code (even split by a zero-width space), links with our UTM
tags (host and path compared, scheme / www / trailing slash ignored), mentions and hashtags as whole
tokens, forbidden terms; and the UTM helpers."""
from __future__ import annotations

from chalicelib.deals.rules.terms import Terms
from chalicelib.placements.rules.content import content_findings, links_of, same_target
from chalicelib.placements.rules.findings import missing_elements
from chalicelib.placements.rules.utm import has_tags, slug, tagged, utm_tags

UTM = utm_tags("telegram", "ДГ-2026/14", "dlv-1")
SHOP = "https://shop.example/spring"


def rules(terms: Terms, text: str, links=(), utm=UTM) -> list[tuple[str, str, str]]:
    return [(f.rule, f.expected, f.actual) for f in content_findings(terms, text, links, utm)]


# --- texts and promo code ---------------------------------------------------------------------------

def test_required_text_is_found_normalised_and_as_whole_words():
    terms = Terms(required_texts=("Скидка на всё", "sale"))
    assert rules(terms, "СКИДКА  на\nвсе! Big SALE.") == []
    assert rules(terms, "Скидка на всё — wholesale") == [("text_missing", "sale", "absent")]


def test_promo_code_split_by_a_zero_width_space_is_found():
    terms = Terms(promo_code="SPRING10")
    assert rules(terms, "Код SPRING\u200b10 на кассе") == []
    assert rules(terms, "Код spring\u00ad10") == []
    assert rules(terms, "Код spring10.") == []


def test_promo_code_must_be_the_whole_token():
    terms = Terms(promo_code="SPRING10")
    assert rules(terms, "Код SPRING100") == [("promo_code_missing", "SPRING10", "absent")]
    assert rules(terms, "Код SPRING 10") == [("promo_code_missing", "SPRING10", "absent")]


def test_an_empty_promo_code_is_not_checked():
    assert rules(Terms(promo_code=""), "nothing") == []


# --- links ------------------------------------------------------------------------------------------

def test_a_link_matches_ignoring_scheme_www_case_and_trailing_slash():
    assert same_target("http://WWW.Shop.Example/spring/?x=1#top", SHOP)
    assert same_target("https://shop.example/spring", "https://www.shop.example/spring/")
    assert same_target("https://shop.example/%73pring", SHOP)
    assert not same_target("https://shop.example/Spring", SHOP)  # paths keep their case
    assert not same_target("https://shop.example/spring/2", SHOP)
    assert not same_target("https://evil.example/spring", SHOP)
    assert not same_target("https://shop.example.evil/spring", SHOP)
    assert same_target("https://shop.example", "https://shop.example/")


def test_a_tagged_link_passes():
    terms = Terms(required_links=(SHOP,))
    assert rules(terms, "Купить", [tagged("http://www.shop.example/spring/", UTM)]) == []


def test_a_link_with_other_parameters_and_our_tags_passes():
    terms = Terms(required_links=(SHOP,))
    assert rules(terms, "", [tagged("https://shop.example/spring?ref=tg&erid=X1234", UTM)]) == []


def test_a_missing_link_is_link_missing():
    terms = Terms(required_links=(SHOP,))
    assert rules(terms, "no link", ["https://shop.example/summer"]) == [("link_missing", SHOP, "absent")]


def test_a_link_without_utm_or_with_a_wrong_value_is_utm_missing_once():
    terms = Terms(required_links=(SHOP,))
    assert rules(terms, "", [SHOP]) == [("utm_missing", tagged(SHOP, UTM), SHOP)]
    wrong = tagged(SHOP, {**UTM, "utm_source": "Telegram"})
    assert rules(terms, "", [wrong]) == [("utm_missing", tagged(SHOP, UTM), wrong)]
    partial = tagged(SHOP, {"utm_source": "telegram"})
    found = content_findings(terms, "", [partial], UTM)
    assert [f.rule for f in found] == ["utm_missing"] and missing_elements(found) == 1


def test_one_tagged_link_among_untagged_ones_is_enough():
    terms = Terms(required_links=(SHOP,))
    assert rules(terms, "", [SHOP, tagged(SHOP, UTM)]) == []


def test_no_utm_asked_means_presence_only():
    assert rules(Terms(required_links=(SHOP,)), "", [SHOP], utm={}) == []


def test_an_address_written_in_the_text_counts_as_a_link():
    text = f"Заходите: {tagged(SHOP, UTM)}."
    assert rules(Terms(required_links=(SHOP,)), text) == []
    assert links_of(text, ["https://a.example/"]) == ("https://a.example/", tagged(SHOP, UTM))


# --- mentions and hashtags --------------------------------------------------------------------------

def test_mentions_are_whole_tokens_with_or_without_the_at():
    terms = Terms(required_mentions=("@Brand", "coffee"))
    assert rules(terms, "Спасибо @brand и @COFFEE!") == []
    assert rules(terms, "Спасибо @brand_shop и info@coffee") == [
        ("mention_missing", "@Brand", "absent"), ("mention_missing", "@coffee", "absent")]
    assert rules(terms, "brand coffee") == [("mention_missing", "@Brand", "absent"),
                                            ("mention_missing", "@coffee", "absent")]


def test_hashtags_are_whole_tokens_with_or_without_the_hash():
    terms = Terms(required_hashtags=("#Sale", "весна"))
    assert rules(terms, "#SALE #Весна") == []
    assert rules(terms, "#sale@brand #весна2026") == [("hashtag_missing", "#весна", "absent")]
    assert rules(terms, "#sales sale") == [("hashtag_missing", "#Sale", "absent"),
                                           ("hashtag_missing", "#весна", "absent")]


# --- forbidden terms --------------------------------------------------------------------------------

def test_forbidden_terms_are_found_normalised():
    terms = Terms(forbidden_terms=("дешево", "sale", "best ever"))
    assert rules(terms, "Самый ДЁШЕВО кофе, BEST\u200b  ever") == [
        ("forbidden_term", "absent", "дешево"), ("forbidden_term", "absent", "best ever")]
    assert rules(terms, "wholesale prices") == []


def test_each_missing_element_is_counted():
    terms = Terms(required_texts=("one",), promo_code="CODE1", required_links=(SHOP, "https://b.example/x"),
                  required_mentions=("@m",), required_hashtags=("#h",), forbidden_terms=("bad",))
    found = content_findings(terms, "bad", [SHOP], UTM)
    assert [f.rule for f in found] == ["text_missing", "promo_code_missing", "utm_missing", "link_missing",
                                       "mention_missing", "hashtag_missing", "forbidden_term"]
    assert all(f.severity == "fail" for f in found)
    assert missing_elements(found) == 6


# --- utm ----------------------------------------------------------------------------------------------

def test_utm_tags_and_the_campaign_slug():
    assert UTM == {"utm_source": "telegram", "utm_medium": "influencer", "utm_campaign": "dg-2026-14",
                   "utm_content": "dlv-1"}
    assert slug("Весна «Ёлка» 2026") == "vesna-elka-2026"
    assert slug("cmp_01HXYZ") == "cmp-01hxyz"
    assert slug("!!!") == "campaign"


def test_tagged_adds_or_replaces_and_keeps_the_rest():
    url = tagged("https://shop.example/p?ref=1&utm_source=old#frag", UTM)
    assert url == ("https://shop.example/p?ref=1&utm_source=telegram&utm_medium=influencer"
                   "&utm_campaign=dg-2026-14&utm_content=dlv-1#frag")
    assert has_tags(url, UTM)
    assert not has_tags("https://shop.example/p?utm_source=telegram", UTM)
    assert tagged(url, UTM) == url
