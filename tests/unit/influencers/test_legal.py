"""INN and OGRN against the legal type, with real valid numbers (stdnum does the check digits)."""
from __future__ import annotations

import pytest
from stdnum.ru import inn, ogrn

from chalicelib.influencers.rules.legal import LEGAL_TYPES, check_inn, check_ogrn, normalize

SBERBANK_INN = "7707083893"  # 10 digits, an organisation
SBERBANK_OGRN = "1027700132195"  # 13 digits
PERSON_INN = "500100732259"  # 12 digits, a person (valid check digits)
OGRNIP = "304500116000157"  # 15 digits, a sole proprietor (valid check digit)


def test_the_sample_numbers_are_really_valid():
    assert inn.is_valid(SBERBANK_INN) and inn.is_valid(PERSON_INN)
    assert ogrn.is_valid(SBERBANK_OGRN) and ogrn.is_valid(OGRNIP)
    assert inn.calc_personal_check_digits(PERSON_INN[:10]) == PERSON_INN[10:]
    assert ogrn.calc_check_digit(OGRNIP) == OGRNIP[-1]


def test_normalize_strips_every_space():
    assert normalize(" 77 07\u00a0083 893 ") == SBERBANK_INN
    assert normalize(None) == ""


@pytest.mark.parametrize("value, legal_type", [
    (SBERBANK_INN, "legal_entity"),
    ("7707 083 893", "legal_entity"),
    (PERSON_INN, "individual"), (PERSON_INN, "self_employed"), (PERSON_INN, "sole_proprietor"),
    ("", "legal_entity"), (None, "individual"), ("   ", "foreign"), (None, "foreign"),
])
def test_valid_or_empty_inn_has_no_problem(value, legal_type):
    assert check_inn(value, legal_type) is None


def test_inn_wrong_check_digit():
    assert "check digit" in check_inn("7707083894", "legal_entity")
    assert "check digit" in check_inn("500100732258", "individual")


@pytest.mark.parametrize("value, legal_type, problem", [
    (PERSON_INN, "legal_entity", "10 digits"),
    (SBERBANK_INN, "individual", "12 digits"),
    (SBERBANK_INN, "self_employed", "12 digits"),
    (SBERBANK_INN, "sole_proprietor", "12 digits"),
    ("770708389", "legal_entity", "10 digits"),
    ("77070838A3", "legal_entity", "digits only"),
    ("٧٧٠٧٠٨٣٨٩٣", "legal_entity", "digits only"),  # Arabic-Indic digits are not INN digits
    (SBERBANK_INN, "foreign", "foreign"),
    (SBERBANK_INN, "company", "Unknown legal type"),
])
def test_inn_wrong_length_form_or_type(value, legal_type, problem):
    assert problem in check_inn(value, legal_type)


@pytest.mark.parametrize("value, legal_type", [
    (SBERBANK_OGRN, "legal_entity"), ("1 027700 132195", "legal_entity"),
    (OGRNIP, "sole_proprietor"),
    ("", "individual"), (None, "self_employed"), (None, "foreign"), ("", "legal_entity"),
])
def test_valid_or_empty_ogrn_has_no_problem(value, legal_type):
    assert check_ogrn(value, legal_type) is None


@pytest.mark.parametrize("value, legal_type, problem", [
    ("1027700132196", "legal_entity", "check digit"),
    ("304500116000158", "sole_proprietor", "check digit"),
    (OGRNIP, "legal_entity", "13 digits"),
    (SBERBANK_OGRN, "sole_proprietor", "15 digits"),
    ("0027700132195", "legal_entity", "record type"),
    ("204500116000157", "sole_proprietor", "record type"),
    ("10277001321X5", "legal_entity", "digits only"),
    (SBERBANK_OGRN, "individual", "Only an organisation or a sole proprietor"),
    (OGRNIP, "self_employed", "Only an organisation or a sole proprietor"),
    (SBERBANK_OGRN, "foreign", "Only an organisation or a sole proprietor"),
    (SBERBANK_OGRN, "nobody", "Unknown legal type"),
])
def test_ogrn_problems(value, legal_type, problem):
    assert problem in check_ogrn(value, legal_type)


def test_every_problem_is_one_short_sentence():
    problems = {check_inn(v, t) for v in (SBERBANK_INN, PERSON_INN, "1", "x") for t in LEGAL_TYPES}
    problems |= {check_ogrn(v, t) for v in (SBERBANK_OGRN, OGRNIP, "1", "x") for t in LEGAL_TYPES}
    for problem in problems - {None}:
        assert problem.endswith(".") and len(problem) < 80 and problem[0].isupper()
