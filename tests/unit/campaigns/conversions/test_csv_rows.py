"""Reading a conversions CSV (csv_rows.py, fields.py): every problem of every row with its line, duplicates
in the file counted once, and every problem code worded in both languages."""
from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.campaigns.conversions import csv_rows, fields
from chalicelib.core import i18n

NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.timezone.utc)
HEADER = "order_id,occurred_at,amount,currency,promo_code,link_code\n"


def parse(text: str) -> csv_rows.Parsed:
    return csv_rows.parse(text.encode("utf-8"), "RUB", NOW)


def test_a_good_file():
    parsed = parse(HEADER + "A-1,2026-12-05T14:30:00+03:00,1990.00,RUB,winter10,\n"
                   "A-2,2026-12-06T10:00:00Z,500,rub,,abc\n")
    assert parsed.problems == [] and parsed.duplicates == []
    (line1, first), (line2, second) = parsed.rows
    assert (line1, first.order_id, first.amount.minor, first.promo_code) == (2, "A-1", 199000, "WINTER10")
    assert first.occurred_at == dt.datetime(2026, 12, 5, 11, 30, tzinfo=dt.timezone.utc)
    assert (line2, second.link_code, second.amount.minor, second.promo_code) == (3, "abc", 50000, None)


def test_semicolons_and_a_decimal_comma_as_excel_writes_them():
    parsed = parse("order_id;occurred_at;amount;currency\nA-1;2026-12-05T14:30:00+03:00;1990,50;RUB\n")
    assert parsed.problems == [] and parsed.rows[0][1].amount.minor == 199050


def test_every_problem_of_every_row_is_listed_with_its_line():
    parsed = parse(HEADER +
                   "A-1,2026-12-05T14:30:00+03:00,1990.00,RUB,,\n"
                   ",yesterday,12.345,RUB,,\n"          # row 3: order id, time, digits
                   "A-3,2026-12-05T14:30:00,-5,USD,,bad code!\n"  # row 4: zone, currency, link code
                   "A-4,2027-06-01T00:00:00Z,abc,RUB,,\n"  # row 5: future, not an amount
                   "A-5,2026-12-05T14:30:00Z,1\n")       # row 6: cell count
    found = {(p.line, p.field, p.code) for p in parsed.problems}
    assert found == {(3, "order_id", "required"), (3, "occurred_at", "not_a_time"), (3, "amount", "digits"),
                     (4, "occurred_at", "no_zone"), (4, "currency", "other_currency"),
                     (4, "link_code", "bad_link_code"),
                     (5, "occurred_at", "future"), (5, "amount", "not_an_amount"), (6, None, "cell_count")}


def test_an_order_twice_in_the_file_counts_once():
    parsed = parse(HEADER + "A-1,2026-12-05T14:30:00Z,1,RUB,,\nA-2,2026-12-05T14:30:00Z,2,RUB,,\n"
                   "A-1,2026-12-06T14:30:00Z,3,RUB,,\n")
    assert [(line, c.order_id) for line, c in parsed.rows] == [(2, "A-1"), (3, "A-2")]
    assert parsed.duplicates == [(4, "A-1")]


@pytest.mark.parametrize("text, code", [
    ("order_id,occurred_at,amount\nA,2026-12-05T14:30:00Z,1\n", "missing_columns"),
    ("order_id,occurred_at,amount,currency,price\n", "unknown_columns"),
    ("order_id,order_id,occurred_at,amount,currency\n", "repeated_columns"),
    (HEADER, "file_empty"),
    ("", "file_no_header"),
    (HEADER + 'A,"2026-12-05,1,RUB,,\n', "file_quoting"),
])
def test_file_problems(text, code):
    assert [p.code for p in parse(text).problems] == [code]


def test_not_utf8_and_too_many_rows():
    assert [p.code for p in csv_rows.parse("заказ".encode("cp1251"), "RUB", NOW).problems] == ["file_cp1251"]
    many = HEADER + "".join(f"A-{n},2026-12-05T14:30:00Z,1,RUB,,\n" for n in range(4))
    assert [p.code for p in csv_rows.parse(many, "RUB", NOW, max_rows=3).problems] == ["file_too_many_rows"]


def test_exported_cells_are_formula_safe_and_import_again():
    text = csv_rows.export([{"order_id": "=HYPERLINK(\"x\")", "occurred_at": "2026-12-05T11:30:00.000000Z",
                             "amount": "1990.00", "currency": "RUB", "attributed_by": "none", "source": "csv"}])
    assert "'=HYPERLINK" in text
    again = csv_rows.parse(text, "RUB", NOW)
    assert again.problems == [] and again.rows[0][1].order_id == "=HYPERLINK(\"x\")"


PROBLEM_CODES = ("required", "too_long", "control", "not_a_time", "no_zone", "future", "too_early", "unknown_currency",
                 "other_currency", "float", "negative", "not_an_amount", "digits", "too_large", "not_text", "bad_code",
                 "bad_link_code", "file_too_large", "file_workbook", "file_utf16", "file_cp1251", "file_not_utf8",
                 "file_quoting", "file_no_header", "unknown_columns", "missing_columns", "repeated_columns",
                 "file_empty", "file_too_many_rows", "cell_count")
PARAMS = {"max": 1, "value": "x", "campaign": "RUB", "currency": "RUB", "digits": 2, "line": 3, "columns": "a",
          "rows": 9, "cells": 2, "size": 1, "limit": 1, "year": 2000}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_problem_code_is_worded(language):
    for code in PROBLEM_CODES:
        text = i18n.translate(f"campaign_conversions.problem.{code}", language, **PARAMS)
        assert "{" not in text.replace('{"', ""), code


def test_every_problem_key_is_in_the_list_above():
    for language in i18n.LANGUAGES:
        keys = {key.removeprefix("campaign_conversions.problem.") for key in i18n.catalog(language)
                if key.startswith("campaign_conversions.problem.")}
        assert keys == set(PROBLEM_CODES), language


FILES = {  # a file that makes each problem, as the parser words it (the parameters it really gives)
    "file_cp1251": HEADER.encode() + "A-1,2026-12-05T14:30:00Z,1,RUB,заказ,\n".encode("cp1251"),
    "file_not_utf8": HEADER.encode() + "A-1,2026-12-05T14:30:00Z,1,RUB,Größe,\n".encode("latin-1"),
    "file_quoting": HEADER + 'A,"2026-12-05,1,RUB,,\n',
    "file_too_large": HEADER + "A-1,2026-12-05T14:30:00Z,1,RUB,,\n" * 10,
    "file_workbook": b"PK\x03\x04" + b"\x00" * 40,
    "file_utf16": HEADER.encode("utf-16"),
    "file_no_header": "",
    "file_empty": HEADER,
    "file_too_many_rows": HEADER + "A-1,2026-12-05T14:30:00Z,1,RUB,,\n" * 4,
    "unknown_columns": "order_id,occurred_at,amount,currency,price\n",
    "missing_columns": "order_id\n",
    "repeated_columns": "order_id,order_id,occurred_at,amount,currency\n",
    "cell_count": HEADER + "A-1,2026\n",
    "row": HEADER + ",1999-12-05T14:30:00Z,99999999999999999999,RUB,,\n"
                    ",3000-12-05T14:30:00Z,1.001,EUR,,\n,0001-01-01T00:30:00+01:00,19.9,XXX,,bad code\n",
}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("name", list(FILES))
def test_every_problem_the_parser_gives_reads_without_a_placeholder(language, name):
    from chalicelib.campaigns.conversions.service import problem_text

    data = FILES[name]
    parsed = csv_rows.parse(data.encode("utf-8") if isinstance(data, str) else data, "RUB", NOW,
                            max_bytes=200, max_rows=3)
    assert parsed.problems, name
    if name.startswith("file_"):
        assert [p.code for p in parsed.problems] == [name]
    for problem in parsed.problems:
        text = problem_text(language, problem)
        assert "{" not in text.replace('{"', ""), (problem.code, text)
        if "{line}" in i18n.catalog(language)[f"campaign_conversions.problem.{problem.code}"]:
            assert f" {problem.line}" in text, text


def test_fields_read_collects_every_problem():
    incoming, problems = fields.read({"amount": 1.5, "currency": "RUB"}, "RUB", NOW)
    assert incoming is None
    assert {(p.field, p.code) for p in problems} == {("order_id", "required"), ("occurred_at", "required"),
                                                      ("amount", "float")}
