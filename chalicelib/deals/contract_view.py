"""What a contract PDF prints, as one frozen value, and its clauses in plain words. Pure: no database,
no network, no clock.

`ContractView` is a snapshot of a deal at the moment its contract version is made: the parties' legal
data, the fee, the terms (deals.rules.terms.Terms, penalties included), the payment items with their
amounts (deals.rules.payments.plan_items) and the deliverables. The service builds it; the renderer
(contract_pdf.py) prints it. Nothing here reads anything but the view itself and the translation
catalogs (`contract.*` in core/i18n/{en,ru}/contracts.json), so the same view gives the same text.

`sections(view)` turns every agreed term and penalty into a numbered clause ("3.2") in the contract's
language, grouped in sections; a term that was not agreed (None) or is empty gives no clause, and a
section without clauses is left out, so the numbering has no gaps. `clauses(view)` is the same as one
flat list. The marking section follows the disclosure profile: `ru` (Russian advertising law: the
word «Реклама», the advertiser's name and INN, the erid in the link as `?erid=` or at the start of
the text, reporting to the ERIR), `ftc` (the US FTC's disclosure rule) or `none` (no section).
`fee_in_words` spells an amount out with num2words (a Decimal, never a float).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.core.i18n import LANGUAGES, catalog, plural, translate
from chalicelib.core.money import Money
from chalicelib.deals.rules.payments import PaymentItem
from chalicelib.deals.rules.terms import Penalties, Terms

DISCLOSURES = ("ru", "ftc", "none")
VAT_MODES = ("none", "included", "on_top")
# Literal keys, so the catalog test finds them (a key built from a value is not searchable).
VAT_KEYS = {"none": "contract.clause.vat_none", "included": "contract.clause.vat_included",
            "on_top": "contract.clause.vat_on_top"}
WHEN_KEYS = {  # (key with days, key for day 0) per trigger
    "on_signing": ("contract.when.on_signing", "contract.when.on_signing_day"),
    "on_publication_verified": ("contract.when.on_publication_verified", "contract.when.on_publication_verified_day"),
    "on_retention_passed": ("contract.when.on_retention_passed", "contract.when.on_retention_passed_day"),
}
FORMAT_KEYS = {name: f"contract.format.{name}" for name in (
    "post", "carousel", "reel", "story", "video", "short", "tg_post", "live", "podcast")}


@dataclass(frozen=True)
class Advertiser:
    name: str
    inn: str


@dataclass(frozen=True)
class BloggerLegal:
    """The blogger's legal data as snapshotted with the contract. legal_type is one of the directory's
    (individual, self_employed, sole_proprietor, legal_entity, foreign); inn and ogrn (OGRNIP for a
    sole proprietor) may be missing (a foreign person has neither)."""

    legal_type: str
    legal_name: str
    inn: str | None
    ogrn: str | None
    display_name: str


@dataclass(frozen=True)
class DeliverableLine:
    """One placement: the account (platform, handle), the format, the agreed local wall time and the
    label of its zone ("Europe/Moscow"), and the erid (the ad token; case-sensitive) once issued."""

    platform: str
    handle: str
    format: str
    publish_at: dt.datetime  # naive: the wall time in `zone`
    zone: str
    erid: str | None = None


@dataclass(frozen=True)
class ContractView:
    language: str  # ru | en: the contract's language
    disclosure: str  # ru | ftc | none
    contract_number: str
    version: int
    date: dt.date
    advertiser: Advertiser
    blogger: BloggerLegal
    title: str
    fee: Money
    vat: str  # none | included | on_top
    agency_fee_pct: Decimal | None
    product_value: Money | None
    terms: Terms
    payments: tuple[PaymentItem, ...]  # the schedule's items with their amounts (payments.plan_items)
    deliverables: tuple[DeliverableLine, ...] = field(default=())

    def __post_init__(self):
        for name in ("payments", "deliverables"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.language not in LANGUAGES:
            raise ValueError(f"A contract is written in {' or '.join(LANGUAGES)}, not {self.language!r}.")
        if self.disclosure not in DISCLOSURES:
            raise ValueError(f"The disclosure profile is one of {', '.join(DISCLOSURES)}, not {self.disclosure!r}.")
        if self.vat not in VAT_MODES:
            raise ValueError(f"VAT is one of {', '.join(VAT_MODES)}, not {self.vat!r}.")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError("A contract version is a whole number from 1.")
        if not isinstance(self.fee, Money) or self.fee.minor < 0:
            raise ValueError("The fee is an amount of money that is not negative.")
        if self.payments:
            total = Money(0, self.fee.currency)
            for item in self.payments:
                total = total + item.amount  # MoneyError on another currency
            if total != self.fee:
                raise ValueError("The payment items must add up to the fee.")

    @property
    def penalties(self) -> Penalties:
        return self.terms.penalties


@dataclass(frozen=True)
class Clause:
    number: str  # "3.2": section and place in it
    key: str  # the translation key the text came from
    text: str  # in the contract's language, plain text (the template escapes it)


@dataclass(frozen=True)
class Section:
    number: int
    key: str  # subject, fee, placement, content, marking, disclosure, rights, penalties, final
    title: str
    clauses: tuple[Clause, ...]


# --- words and numbers in the contract's language ----------------------------------------------------


def fee_in_words(money: Money, language: str) -> str:
    """The amount spelt out, currency and minor units included ("сто пятьдесят тысяч рублей, ноль
    копеек"; "one hundred and fifty thousand roubles, zero kopeks"). num2words gets a Decimal. For a
    currency num2words cannot name in that language: the whole units in words, the code and the minor
    units as a fraction ("… AED 50/100")."""
    from num2words import num2words

    amount = money.amount
    try:
        return num2words(amount, lang=language, to="currency", currency=money.currency)
    except NotImplementedError:
        whole = int(amount)
        words = f"{num2words(whole, lang=language)} {money.currency}"
        places = -amount.as_tuple().exponent
        fraction = abs(money.minor) - abs(whole) * 10**places if places > 0 else 0
        return f"{words} {fraction:0{places}d}/{10**places}" if places > 0 else words


def money_text(money: Money, language: str) -> str:
    return money.format(language)


def number_text(value: Decimal | int, language: str) -> str:
    """A percentage or other number as the language writes it ("0,5" in Russian)."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(value), locale=language)


def date_text(day: dt.date, language: str) -> str:
    from babel.dates import format_date

    return format_date(day, "long", locale=language)


def wall_text(wall: dt.datetime, language: str) -> str:
    """A wall time as the language writes it ("10 июля 2026 г., 18:00"); its zone is printed beside it."""
    return f"{date_text(wall.date(), language)}, {wall:%H:%M}"


def _quoted(values, language: str) -> str:
    return ", ".join(translate("contract.quote", language, text=v.strip()) for v in values)


def _plain(values) -> str:
    return ", ".join(v.strip() for v in values)


def platform_name(platform: str, language: str) -> str:
    key = f"platform.{platform}"
    return translate(key, language) if key in catalog(language) else platform


def format_name(name: str, language: str) -> str:
    key = FORMAT_KEYS.get(name)
    return translate(key, language) if key else name


def when_text(item: PaymentItem, language: str) -> str:
    """When a payment is due, in words: "within 5 days after the agreement is signed", "by 1 July 2026"."""
    if item.trigger == "on_date" and item.date is not None:
        return translate("contract.when.on_date", language, date=date_text(item.date, language))
    with_days, same_day = WHEN_KEYS.get(item.trigger, (None, None))
    if with_days is None:
        return item.trigger
    if not item.due_days:
        return translate(same_day, language)
    return translate(with_days, language, days=plural("contract.days_gen", item.due_days, language))


# --- the clauses ---------------------------------------------------------------------------------------


def _subject(view: ContractView) -> list[tuple[str, str]]:
    lang = view.language
    out = [("contract.clause.subject", translate("contract.clause.subject", lang, title=view.title))]
    if view.deliverables:
        out.append(("contract.clause.placements",
                    translate("contract.clause.placements", lang, count=len(view.deliverables))))
    return out


def _fee(view: ContractView) -> list[tuple[str, str]]:
    lang = view.language
    out = [("contract.clause.fee", translate("contract.clause.fee", lang, amount=money_text(view.fee, lang),
                                             words=fee_in_words(view.fee, lang))),
           (VAT_KEYS[view.vat], translate(VAT_KEYS[view.vat], lang))]
    if view.agency_fee_pct is not None:
        out.append(("contract.clause.agency_fee",
                    translate("contract.clause.agency_fee", lang, pct=number_text(view.agency_fee_pct, lang))))
    if view.product_value is not None:
        out.append(("contract.clause.product",
                    translate("contract.clause.product", lang, value=money_text(view.product_value, lang))))
    if view.payments:
        out.append(("contract.clause.schedule", translate("contract.clause.schedule", lang)))
    out.append(("contract.clause.transfer", translate("contract.clause.transfer", lang)))
    return out


def _minutes_clause(key_some: str, key_none: str, minutes: int | None, lang: str) -> list[tuple[str, str]]:
    if minutes is None:
        return []
    if minutes == 0:
        return [(key_none, translate(key_none, lang))]
    return [(key_some, translate(key_some, lang, minutes=plural("contract.minutes", minutes, lang)))]


def _placement(view: ContractView) -> list[tuple[str, str]]:
    terms, lang = view.terms, view.language
    out = _minutes_clause("contract.clause.window_before", "contract.clause.window_before_none",
                          terms.publish_window_before_minutes, lang)
    out += _minutes_clause("contract.clause.window_after", "contract.clause.window_after_none",
                           terms.publish_window_after_minutes, lang)
    for name, key in (("min_live_hours", "contract.clause.min_live"), ("top_hours", "contract.clause.top"),
                      ("pin_hours", "contract.clause.pin")):
        hours = getattr(terms, name)
        if hours is not None:
            out.append((key, translate(key, lang, hours=plural("contract.hours_gen", hours, lang))))
    if terms.creative_approval is not None:
        key = "contract.clause.creative_approval" if terms.creative_approval else "contract.clause.no_creative_approval"
        out.append((key, translate(key, lang)))
    return out


def _content(view: ContractView) -> list[tuple[str, str]]:
    terms, lang = view.terms, view.language
    out = []
    if terms.required_texts:
        out.append(("contract.clause.required_texts", translate("contract.clause.required_texts", lang,
                                                                items=_quoted(terms.required_texts, lang))))
    if terms.promo_code:
        out.append(("contract.clause.promo_code", translate("contract.clause.promo_code", lang, code=terms.promo_code)))
    for name, key in (("required_links", "contract.clause.required_links"),
                      ("required_mentions", "contract.clause.required_mentions"),
                      ("required_hashtags", "contract.clause.required_hashtags")):
        values = getattr(terms, name)
        if values:
            out.append((key, translate(key, lang, items=_plain(values))))
    if terms.forbidden_terms:
        out.append(("contract.clause.forbidden_terms", translate("contract.clause.forbidden_terms", lang,
                                                                 items=_quoted(terms.forbidden_terms, lang))))
    return out


def _marking(view: ContractView) -> list[tuple[str, str]]:
    lang, name, inn = view.language, view.advertiser.name, view.advertiser.inn
    if view.disclosure == "ru":
        keys = ("contract.clause.marking_label", "contract.clause.marking_advertiser",
                "contract.clause.marking_erid", "contract.clause.marking_erid_given", "contract.clause.marking_report")
    elif view.disclosure == "ftc":
        keys = ("contract.clause.ftc_disclose", "contract.clause.ftc_tool", "contract.clause.ftc_honest")
    else:
        return []
    return [(key, translate(key, lang, name=name, inn=inn)) for key in keys]


def _rights(view: ContractView) -> list[tuple[str, str]]:
    terms, lang = view.terms, view.language
    out = []
    if terms.exclusivity_days is not None:
        if terms.exclusivity_days:
            out.append(("contract.clause.exclusivity", translate(
                "contract.clause.exclusivity", lang, days=plural("contract.days_gen", terms.exclusivity_days, lang))))
        else:
            out.append(("contract.clause.no_exclusivity", translate("contract.clause.no_exclusivity", lang)))
    rights = terms.usage_rights
    if rights is not None:
        text = rights.text.strip().rstrip(".")
        if rights.days:
            out.append(("contract.clause.usage_rights_days", translate(
                "contract.clause.usage_rights_days", lang, text=text,
                days=plural("contract.days_gen", rights.days, lang))))
        else:
            out.append(("contract.clause.usage_rights", translate("contract.clause.usage_rights", lang, text=text)))
    return out


def _penalties(view: ContractView) -> list[tuple[str, str]]:
    p, lang, live = view.terms.penalties, view.language, view.terms.min_live_hours
    out = []
    if p.late_pct_per_hour is not None and p.late_cap_pct is not None:
        out.append(("contract.clause.late", translate("contract.clause.late", lang,
                                                      rate=number_text(p.late_pct_per_hour, lang),
                                                      cap=number_text(p.late_cap_pct, lang))))
    if p.missing_element_pct is not None:
        out.append(("contract.clause.missing_element", translate(
            "contract.clause.missing_element", lang, pct=number_text(p.missing_element_pct, lang))))
    if p.early_deletion in ("pro_rata", "full"):
        if live:
            key = ("contract.clause.early_deletion_pro_rata" if p.early_deletion == "pro_rata"
                   else "contract.clause.early_deletion_full")
            out.append((key, translate(key, lang, hours=plural("contract.hours_gen", live, lang))))
        else:
            key = ("contract.clause.early_deletion_pro_rata_agreed" if p.early_deletion == "pro_rata"
                   else "contract.clause.early_deletion_full_agreed")
            out.append((key, translate(key, lang)))
    if p.no_show == "full":
        out.append(("contract.clause.no_show", translate("contract.clause.no_show", lang)))
    return out


def _final(view: ContractView) -> list[tuple[str, str]]:
    lang = view.language
    return [("contract.clause.final_effect", translate("contract.clause.final_effect", lang)),
            ("contract.clause.final_version", translate("contract.clause.final_version", lang, version=view.version)),
            ("contract.clause.final_copies", translate("contract.clause.final_copies", lang))]


SECTIONS = (  # (section key, its title's key, what fills it)
    ("subject", "contract.section.subject", _subject),
    ("fee", "contract.section.fee", _fee),
    ("placement", "contract.section.placement", _placement),
    ("content", "contract.section.content", _content),
    ("marking", "contract.section.marking", _marking),
    ("rights", "contract.section.rights", _rights),
    ("penalties", "contract.section.penalties", _penalties),
    ("final", "contract.section.final", _final),
)


def sections(view: ContractView) -> list[Section]:
    """The contract's numbered sections with their clauses; empty sections left out."""
    out: list[Section] = []
    for key, title_key, build in SECTIONS:
        texts = build(view)
        if not texts:
            continue
        number = len(out) + 1
        if key == "marking" and view.disclosure == "ftc":
            key, title_key = "disclosure", "contract.section.disclosure"
        out.append(Section(number, key, translate(title_key, view.language), tuple(
            Clause(f"{number}.{n}", clause_key, text) for n, (clause_key, text) in enumerate(texts, 1))))
    return out


def clauses(view: ContractView) -> list[Clause]:
    """Every clause of the contract, in order, numbered."""
    return [clause for section in sections(view) for clause in section.clauses]
