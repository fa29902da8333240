"""A brand's payments as a CSV file for the accountant. Pure: plain values in, text out, no I/O.

One row per payment: its deal (title, contract number), the influencer (the name they go by and — for
those who may see legal data — the legal name and INN the contract was signed with), the payment's
label, amount as a plain decimal string with a point ("150000.00": never a locale's "150 000,00"),
currency, status, the days it is due and was paid, the bank's reference, and why it is on hold.
Column names are fixed English identifiers like the other exports; every cell goes through the
formula guard (core/csv_cells.py), so a legal name like `=HYPERLINK(…)` is text in a spreadsheet.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.core import csv_cells

COLUMNS = ("payment_id", "deal_id", "contract_number", "deal_title", "influencer", "legal_name", "inn", "label",
           "percent", "amount", "currency", "status", "due_on", "paid_on", "reference", "holds")
LEGAL_COLUMNS = ("legal_name", "inn")


def columns(*, legal: bool) -> tuple[str, ...]:
    return COLUMNS if legal else tuple(c for c in COLUMNS if c not in LEGAL_COLUMNS)


def cell(value: Any) -> str:
    """A value as its cell's text: nothing for None, lists joined with "; ", the rest as str()."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def export_payments(rows: Iterable[Mapping[str, Any]], *, legal: bool, delimiter: str = ",") -> str:
    """CSV text: the header, then one row per mapping (missing keys are empty cells). Without `legal` the
    legal columns are left out entirely."""
    names = columns(legal=legal)
    return csv_cells.write_rows(names, ([cell(row.get(c)) for c in names] for row in rows), delimiter=delimiter)
