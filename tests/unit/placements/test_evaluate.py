"""evaluate(): not found alone; a good post passes; lateness counted on the first check only; an edited text
warns and is judged again; web meta judged with the text; the text hash; findings as maps."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.deals.rules.terms import Terms
from chalicelib.placements.rules.evaluate import Evaluation, Expected, evaluate
from chalicelib.placements.rules.findings import RULES, Finding, result_of
from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.rules.utm import tagged, utm_tags

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ERID = "2VtzqxYzJ8W"
UTM = utm_tags("telegram", "cmp-1", "dlv-1")
SHOP = "https://shop.example/spring"
TERMS = Terms(promo_code="SPRING10", required_links=(SHOP,), required_mentions=("@brand",),
              required_hashtags=("#coffee",), forbidden_terms=("cheap",))
EXPECTED = Expected(platform="telegram", account="coffee_channel", format="tg_post", publish_at=AT,
                    window_before_minutes=0, window_after_minutes=60, top_hours=3, terms=TERMS, disclosure="ru",
                    erid=ERID, advertiser_name="ООО «Кофе Ромашка»", advertiser_inn="7701234567", utm=UTM)
TEXT = f"Реклама. ООО «Кофе Ромашка». erid: {ERID}\nНовый вкус от @brand! Код SPRING10 #coffee"
GOOD = Observed(found=True, url="https://t.me/coffee_channel/10", account="coffee_channel", format="tg_post",
                published_at=AT + timedelta(minutes=5), text=TEXT, links=(tagged(SHOP, UTM),), views=1200)


def rules(evaluation: Evaluation) -> list[str]:
    return [f.rule for f in evaluation.findings]


def test_a_good_post_passes():
    result = evaluate(EXPECTED, GOOD)
    assert result == Evaluation("pass", (), GOOD.text_hash, 0, 0)
    assert result.found


def test_not_found_is_the_only_finding():
    gone = Observed(found=False, url="https://t.me/coffee_channel/10")
    result = evaluate(EXPECTED, gone, baseline_hash="abc")
    assert result == Evaluation("fail", (Finding("not_found", "fail", gone.url, "absent"),), None, 0, 0)
    assert not result.found


def test_late_on_the_first_check_only():
    late = replace(GOOD, published_at=AT + timedelta(minutes=87))
    first = evaluate(EXPECTED, late)
    assert rules(first) == ["too_late"] and first.minutes_late == 27 and first.result == "fail"
    assert first.findings[0].actual == "87 min after"
    later = evaluate(EXPECTED, late, first_seen=False, baseline_hash=late.text_hash)
    assert later == Evaluation("pass", (), late.text_hash, 0, 0)


def test_pushed_down_on_any_check():
    pushed = replace(GOOD, next_post_at=GOOD.published_at + timedelta(hours=1))
    assert rules(evaluate(EXPECTED, pushed, first_seen=False)) == ["pushed_down"]
    assert rules(evaluate(replace(EXPECTED, top_hours=None), pushed)) == []


def test_an_edit_that_drops_the_promo_code_warns_and_is_judged_again():
    edited = replace(GOOD, text=TEXT.replace("Код SPRING10", ""), edited=True)
    result = evaluate(EXPECTED, edited, baseline_hash=GOOD.text_hash, first_seen=False)
    assert rules(result) == ["promo_code_missing", "edited"]
    assert result.result == "fail" and result.missing_elements == 1
    edit = result.findings[-1]
    assert (edit.severity, edit.expected, edit.actual) == ("warn", GOOD.text_hash[:12], edited.text_hash[:12])


def test_an_edit_that_changes_nothing_we_judge_is_no_finding():
    same = replace(GOOD, text=TEXT.upper().replace(ERID.upper(), ERID).replace("SPRING10", "SPRING\u200b10"),
                   edited=True)
    assert same.text_hash == GOOD.text_hash
    assert evaluate(EXPECTED, same, baseline_hash=GOOD.text_hash).result == "pass"


def test_a_harmless_edit_only_warns():
    edited = replace(GOOD, text=TEXT + " Вкусно!")
    result = evaluate(EXPECTED, edited, baseline_hash=GOOD.text_hash)
    assert rules(result) == ["edited"] and result.result == "warn"


def test_everything_wrong_at_once():
    bad = Observed(found=True, url="https://t.me/tea/1", account="tea", format="story", public=False,
                   published_at=AT - timedelta(hours=2), text="Pеклама cheap erid: " + ERID.lower(), links=(SHOP,),
                   next_post_at=AT - timedelta(hours=1))
    result = evaluate(EXPECTED, bad)
    assert rules(result) == ["wrong_account", "wrong_format", "not_public", "too_early", "pushed_down",
                             "promo_code_missing", "utm_missing", "mention_missing", "hashtag_missing",
                             "forbidden_term", "ad_label_missing", "advertiser_missing", "erid_mismatch"]
    assert result.missing_elements == 4 and result.minutes_late == 0


def test_web_meta_is_judged_with_the_text():
    expected = replace(EXPECTED, platform="dzen", account="blog.example", format="post", top_hours=None)
    page = replace(GOOD, account="blog.example", format=None, text="Новый вкус от @brand! Код SPRING10 #coffee",
                   meta={"og:title": "Новый вкус", "og:description": f"Реклама. ООО «Кофе Ромашка». erid: {ERID}"})
    assert evaluate(expected, page).result == "pass"
    assert rules(evaluate(expected, replace(page, meta={}))) == ["ad_label_missing", "advertiser_missing",
                                                                  "erid_missing"]


def test_the_none_profile_and_vk_flag():
    vk = replace(EXPECTED, platform="vk", account="-123", format="post", top_hours=None)
    post = replace(GOOD, account="-123", format=None, marked_as_ads=False)
    assert rules(evaluate(vk, post)) == ["marked_as_ads"] and evaluate(vk, post).result == "warn"
    assert rules(evaluate(replace(vk, disclosure="none"), replace(post, text="SPRING10 @brand #coffee"))) == []


# --- observed and findings ----------------------------------------------------------------------------

def test_the_text_hash():
    base = Observed(found=True, url="u", text="Реклама  ё", links=("https://b", "https://a"))
    assert base.text_hash == replace(base, text="РЕКЛАМА е\u200b", links=["https://a", "https://b"]).text_hash
    assert base.text_hash != replace(base, links=("https://a",)).text_hash
    assert base.text_hash != replace(base, text="Реклама").text_hash
    assert len(base.text_hash) == 64


def test_observed_copies_its_meta():
    meta = {"og:title": "a"}
    observed = Observed(found=True, url="u", meta=meta)
    meta["og:title"] = "b"
    assert observed.meta == {"og:title": "a"}


def test_findings_as_maps_and_results():
    finding = Finding("erid_mismatch", "fail", "erid=A", "erid=a")
    assert finding.to_map() == {"rule": "erid_mismatch", "severity": "fail", "expected": "erid=A", "actual": "erid=a"}
    assert Finding.from_map(finding.to_map()) == finding
    assert result_of([]) == "pass"
    assert result_of([Finding("edited", "warn", "a", "b"), Finding("metrics", "info", "", "")]) == "warn"
    assert result_of([Finding("edited", "warn", "a", "b"), finding]) == "fail"
    assert len(set(RULES)) == len(RULES) == 24


@pytest.mark.parametrize("rule, severity", [("nope", "fail"), ("edited", "error")])
def test_a_finding_names_a_known_rule_and_severity(rule, severity):
    with pytest.raises(ValueError):
        Finding(rule, severity, "", "")
