"""core/csv_cells' `numeric_columns` option (the campaign report's value column): a plain decimal number there is
written as it is — a number for the spreadsheet — while every other cell, and any other text in that column,
keeps the formula guard; without the option nothing changes for anyone."""
from __future__ import annotations

import csv
import io

import pytest

from chalicelib.core import csv_cells


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("number", ["-0.956162", "-7500.00", "-1", "0", "30415", "-1012.903226"])
def test_a_plain_number_in_a_numeric_column_is_written_raw(number):
    text = csv_cells.write_rows(["name", "value"], [["ROI", number]], numeric_columns=(1,))
    assert cells(text)[1] == ["ROI", number]


@pytest.mark.parametrize("text", ["-1+1", "=SUM(A1:A2)", "-1e5", "- 1", "-1.", "-.5", "+1", "@SUM()", "-1\n",
                                  "-１２", "-1,5", "1-1"])
def test_anything_else_in_a_numeric_column_is_still_guarded(text):
    written = cells(csv_cells.write_rows(["value"], [[text]], numeric_columns=(0,)))[1][0]
    assert written == csv_cells.guard_cell(text)
    assert csv_cells.unguard_cell(written) == text


def test_other_columns_stay_guarded_even_for_numbers():
    rows = [["-1+1", "-5"], ["=SUM()", "-0.5"], ["-3", "-3"]]
    got = cells(csv_cells.write_rows(["name", "value"], rows, numeric_columns=(1,)))[1:]
    assert got == [["'-1+1", "-5"], ["'=SUM()", "-0.5"], ["'-3", "-3"]]


def test_without_the_option_every_cell_is_guarded_as_before():
    got = cells(csv_cells.write_rows(["name", "value"], [["x", "-0.956162"]]))[1]
    assert got == ["x", "'-0.956162"]
    assert not csv_cells.plain_number("") and csv_cells.plain_number("-12.50")
