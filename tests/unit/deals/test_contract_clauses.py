"""The contract's clauses (deals/contract_view.py), pure: every agreed term and penalty is a numbered
clause in plain words in the contract's language, the fee also in words, and the marking duties follow
the disclosure profile."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.core import i18n
from chalicelib.core.money import Money
from chalicelib.deals import contract_view as cv
from chalicelib.deals.rules.payments import PaymentItem
from chalicelib.deals.rules.terms import Penalties, Terms, UsageRights
from tests.support.contracts import ADVERTISER, TERMS, contract_view

ROOT = Path(__file__).resolve().parents[3]
LANGS = ("ru", "en")

# What each agreed term must show in some clause, per language (TERMS in tests/support/contracts.py).
EXPECTED = {
    "publish_window_before_minutes": {"ru": ["за 30 минут до"], "en": ["30 minutes before"]},
    "publish_window_after_minutes": {"ru": ["через 90 минут после"], "en": ["90 minutes after"]},
    "min_live_hours": {"ru": ["не менее 72 часов"], "en": ["at least 72 hours"]},
    "top_hours": {"ru": ["В течение 2 часов"], "en": ["For 2 hours"]},
    "pin_hours": {"ru": ["в течение 24 часов"], "en": ["for 24 hours"]},
    "required_texts": {"ru": ["«Скидка 20% на первый заказ»", "«Доставка по всей России»"],
                       "en": ["“Скидка 20% на первый заказ”", "“Доставка по всей России”"]},
    "promo_code": {"ru": ["ANNA20"], "en": ["ANNA20"]},
    "required_links": {"ru": ["https://romashka.example/summer"], "en": ["https://romashka.example/summer"]},
    "required_mentions": {"ru": ["@romashka_shop"], "en": ["@romashka_shop"]},
    "required_hashtags": {"ru": ["#ромашка", "#летнийсезон"], "en": ["#ромашка", "#летнийсезон"]},
    "forbidden_terms": {"ru": ["«бесплатно»", "«лучший в мире»"], "en": ["“бесплатно”", "“лучший в мире”"]},
    "creative_approval": {"ru": ["черновик Заказчику на согласование"], "en": ["sends the draft to the Advertiser"]},
    "exclusivity_days": {"ru": ["В течение 30 дней"], "en": ["For 30 days"]},
    "usage_rights": {"ru": ["репост в аккаунты бренда и цитаты в его рассылках", "в течение 90 дней"],
                     "en": ["репост в аккаунты бренда и цитаты в его рассылках", "for 90 days"]},
    "penalties.late_pct_per_hour": {"ru": ["0,5 %"], "en": ["0.5 %"]},
    "penalties.late_cap_pct": {"ru": ["не более 10 %"], "en": ["at most 10 %"]},
    "penalties.missing_element_pct": {"ru": ["удерживается 5 %"], "en": ["5 % of the fee"]},
    "penalties.early_deletion": {"ru": ["пропорциональную недостающему времени"],
                                 "en": ["the missing time bears to the agreed time"]},
    "penalties.no_show": {"ru": ["возвращается полностью"], "en": ["returned in full"]},
}


def texts(view) -> list[str]:
    return [clause.text for clause in cv.clauses(view)]


def keys(view) -> list[str]:
    return [clause.key for clause in cv.clauses(view)]


def test_every_term_and_penalty_is_covered_by_this_test():
    names = {f.name for f in dataclasses.fields(Terms) if f.name != "penalties"}
    names |= {f"penalties.{f.name}" for f in dataclasses.fields(Penalties)}
    assert names == set(EXPECTED), "a new term needs a clause (and a line in EXPECTED)"


@pytest.mark.parametrize("language", LANGS)
def test_every_term_value_appears_in_some_clause(language):
    found = texts(contract_view(language))
    missing = [(name, value) for name, by_language in EXPECTED.items() for value in by_language[language]
               if not any(value in text for text in found)]
    assert missing == []


@pytest.mark.parametrize("language", LANGS)
def test_clauses_are_numbered_in_order_without_gaps(language):
    view = contract_view(language, terms=Terms(promo_code="X1"))  # placement, rights, penalties: empty
    sections = cv.sections(view)
    assert [s.number for s in sections] == list(range(1, len(sections) + 1))
    assert [s.key for s in sections] == ["subject", "fee", "content", "marking", "final"]
    for section in sections:
        assert [c.number for c in section.clauses] == [f"{section.number}.{n}"
                                                        for n in range(1, len(section.clauses) + 1)]
    assert cv.clauses(view) == [c for s in sections for c in s.clauses]


@pytest.mark.parametrize("language", LANGS)
def test_terms_not_agreed_or_empty_give_no_clause(language):
    empty = Terms(required_texts=(), promo_code="", required_hashtags=(), forbidden_terms=())
    found = keys(contract_view(language, disclosure="none", terms=empty))
    assert not [k for k in found if k.split(".")[-1] in (
        "required_texts", "promo_code", "required_hashtags", "forbidden_terms", "min_live", "late", "no_show")]
    assert {s.key for s in cv.sections(contract_view(language, disclosure="none", terms=empty))} == {
        "subject", "fee", "final"}


@pytest.mark.parametrize("language, words", [
    ("ru", "сто пятьдесят тысяч рублей, ноль копеек"),
    ("en", "one hundred and fifty thousand roubles, zero kopeks"),
])
def test_the_fee_is_also_in_words_in_the_contracts_language(language, words):
    fee_clause = next(c for c in cv.clauses(contract_view(language)) if c.key == "contract.clause.fee")
    amount = "150\u00a0000,00\u00a0₽" if language == "ru" else "RUB\u00a0150,000.00"
    assert fee_clause.text.startswith(("Вознаграждение Исполнителя составляет " if language == "ru"
                                       else "The Influencer's fee is ") + amount)
    assert f"({words})" in fee_clause.text


@pytest.mark.parametrize("amount, currency, language, words", [
    ("1234.56", "RUB", "ru", "одна тысяча двести тридцать четыре рубля, пятьдесят шесть копеек"),
    ("0.01", "RUB", "ru", "ноль рублей, одна копейка"),
    ("21", "USD", "ru", "двадцать один доллар, ноль центов"),
    ("1234.56", "EUR", "en", "one thousand, two hundred and thirty-four euro, fifty-six cents"),
    ("1500.50", "AED", "en", "one thousand, five hundred AED 50/100"),  # num2words knows no dirhams
    ("150000", "JPY", "ru", "сто пятьдесят тысяч JPY"),  # no minor units
])
def test_fee_in_words(amount, currency, language, words):
    assert cv.fee_in_words(Money.parse(amount, currency), language) == words


def test_num2words_is_given_a_decimal_never_a_float(monkeypatch):
    import num2words

    seen = []
    real = num2words.num2words
    monkeypatch.setattr(num2words, "num2words", lambda number, **kw: seen.append(number) or real(number, **kw))
    cv.fee_in_words(Money.parse("150000.10", "RUB"), "ru")
    assert seen and all(isinstance(n, Decimal) for n in seen)


@pytest.mark.parametrize("language", LANGS)
def test_russian_marking_duties_for_disclosure_ru(language):
    view = contract_view(language, disclosure="ru")
    marking = next(s for s in cv.sections(view) if s.key == "marking")
    text = " ".join(c.text for c in marking.clauses)
    assert "Реклама" in text
    assert ADVERTISER.name in text and ADVERTISER.inn in text
    assert "?erid=" in text
    assert ("в начале текста" if language == "ru" else "at the start of the text") in text
    assert "ЕРИР" in text or "ERIR" in text
    assert not [k for k in keys(view) if k.startswith("contract.clause.ftc_")]


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("disclosure", ["ftc", "none"])
def test_the_russian_marking_clause_only_for_disclosure_ru(language, disclosure):
    view = contract_view(language, disclosure=disclosure)
    everything = " ".join(texts(view))
    assert "Реклама" not in everything and "?erid=" not in everything
    assert not [k for k in keys(view) if k.startswith("contract.clause.marking_")]
    section_keys = [s.key for s in cv.sections(view)]
    assert "marking" not in section_keys
    assert ("disclosure" in section_keys) == (disclosure == "ftc")


@pytest.mark.parametrize("language, expected", [
    ("en", ["clearly discloses that it is advertising paid for by ООО Ромашка", "“#ad”", "Endorsement Guides"]),
    ("ru", ["ясно сообщает, что это реклама, оплаченная ООО Ромашка", "«#ad»", "FTC"]),
])
def test_the_ftc_disclosure_rule(language, expected):
    disclosure = next(s for s in cv.sections(contract_view(language, disclosure="ftc")) if s.key == "disclosure")
    text = " ".join(c.text for c in disclosure.clauses)
    assert all(value in text for value in expected)


@pytest.mark.parametrize("language, expected", [
    ("ru", ["Публикация не может выйти раньше времени", "Публикация выходит не позднее времени",
            "Согласование черновика с Заказчиком до публикации не требуется",
            "Условие об эксклюзивности не устанавливается", "следующим образом: только репост.",
            "до истечения согласованного срока", "возвращает вознаграждение за это размещение полностью"]),
    ("en", ["may not go out before the time", "no later than the time in the Placements table",
            "does not need the Advertiser's approval", "not bound to exclusivity", "as follows: only reposts.",
            "before the agreed time", "returns the whole fee for that placement"]),
])
def test_the_other_wordings_of_terms(language, expected):
    terms = Terms(publish_window_before_minutes=0, publish_window_after_minutes=0, creative_approval=False,
                  exclusivity_days=0, usage_rights=UsageRights(text="only reposts." if language == "en"
                                                               else "только репост."),
                  penalties=Penalties(early_deletion="full"))
    everything = " ".join(texts(contract_view(language, terms=terms)))
    assert [value for value in expected if value not in everything] == []


@pytest.mark.parametrize("vat, ru, en", [
    ("none", "НДС не облагается", "not subject to VAT"),
    ("included", "включает НДС", "includes VAT"),
    ("on_top", "сверх суммы вознаграждения", "on top of the fee"),
])
def test_vat(vat, ru, en):
    assert ru in " ".join(texts(contract_view("ru", vat=vat)))
    assert en in " ".join(texts(contract_view("en", vat=vat)))


@pytest.mark.parametrize("language, count, expected", [
    ("ru", 1, "1 часа"), ("ru", 2, "2 часов"), ("ru", 21, "21 часа"), ("ru", 72, "72 часов"),
    ("en", 1, "1 hour"), ("en", 72, "72 hours"),
])
def test_hours_agree_with_the_number(language, count, expected):
    view = contract_view(language, terms=Terms(pin_hours=count))
    assert any(expected in text for text in texts(view))


def _item(trigger, due_days=0, date=None):
    return PaymentItem(label="x", percent=Decimal(100), amount=Money(100, "RUB"), trigger=trigger,
                       due_days=due_days, date=date)


@pytest.mark.parametrize("item, ru, en", [
    (_item("on_signing", 5), "в течение 5 дней после подписания договора", "within 5 days after the agreement is signed"),
    (_item("on_signing", 1), "в течение 1 дня после подписания договора", "within 1 day after the agreement is signed"),
    (_item("on_signing"), "в день подписания договора", "on the day the agreement is signed"),
    (_item("on_publication_verified", 10), "в течение 10 дней после подтверждения выхода публикации",
     "within 10 days after the placement is verified as published"),
    (_item("on_retention_passed", 3), "в течение 3 дней после истечения минимального срока размещения публикации",
     "within 3 days after the placement has stayed up for the agreed time"),
    (_item("on_date", date=dt.date(2026, 8, 31)), "не позднее 31 августа 2026\u202fг.", "by August 31, 2026"),
])
def test_when_a_payment_is_due_in_words(item, ru, en):
    assert cv.when_text(item, "ru") == ru
    assert cv.when_text(item, "en") == en


@pytest.mark.parametrize("changes, message", [
    ({"language": "de"}, "written in"),
    ({"disclosure": "eu"}, "disclosure profile"),
    ({"vat": "zero"}, "VAT"),
    ({"version": 0}, "version"),
    ({"payments": (_item("on_signing"),)}, "add up to the fee"),
])
def test_a_view_that_makes_no_sense_is_refused(changes, message):
    view = contract_view("ru")
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(view, **changes)


def test_the_view_is_frozen_and_carries_the_penalties():
    view = contract_view("ru", payments=list(contract_view("ru").payments))
    assert isinstance(view.payments, tuple) and view.penalties == TERMS.penalties
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "x"


def test_every_contract_key_used_exists_in_both_languages():
    sources = [ROOT / "chalicelib/deals/contract_view.py", ROOT / "chalicelib/deals/contract_pdf.py",
               ROOT / "templates/contracts/contract.html"]
    used = {m.group(1) for path in sources
            for m in re.finditer(r"""["']((?:contract|influencer\.legal_type|platform)\.[a-z_.]*[a-z_])["']""",
                                 path.read_text(encoding="utf-8"))}
    used |= set(cv.FORMAT_KEYS.values())
    assert len(used) > 60
    for language in LANGS:
        catalog = i18n.catalog(language)
        missing = [k for k in used if k not in catalog and not all(f"{k}.{f}" in catalog for f in ("one", "few", "many"))]
        assert missing == [], language


def test_the_contract_catalogs_are_used_whole():
    """No dead text: every contract.* key is used by the code or the template."""
    sources = " ".join((ROOT / p).read_text(encoding="utf-8") for p in (
        "chalicelib/deals/contract_view.py", "chalicelib/deals/contract_pdf.py", "templates/contracts/contract.html"))
    keys_ = {k for k in i18n.catalog("en") if k.startswith("contract.")}
    def used(key: str) -> bool:
        base, form = key.rsplit(".", 1)
        named = key if form not in ("one", "few", "many") else base
        return f"'{named}'" in sources or f'"{named}"' in sources or key in cv.FORMAT_KEYS.values()

    unused = [k for k in keys_ if not used(k)]
    assert unused == []
