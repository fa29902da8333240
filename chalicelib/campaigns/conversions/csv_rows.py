"""Conversions as CSV: reading an import file and writing the export. Pure (core/csv_cells does the CSV).

The file: UTF-8 (a BOM is fine), "," or ";" between cells, a header row naming the columns in any order —
`order_id, occurred_at, amount, currency` (required) and `promo_code, link_code` (optional) — then one
conversion per row. The export's further columns (attributed_by … received_at) may stay in: they are
ignored, as attribution is worked out again on import. Blank rows are skipped. Every problem of every row
is collected (a row has a line: its row as a spreadsheet shows it, the header being 1); a file with any
problem is refused as a whole.
An order id twice in the file counts once (its first row); the later rows are duplicates, not errors.
The export writes the same columns plus what each conversion was attributed to, every cell through the
formula guard, so an exported file imports again unchanged.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chalicelib.campaigns.conversions import fields
from chalicelib.core import csv_cells

COLUMNS = ("order_id", "occurred_at", "amount", "currency", "promo_code", "link_code")
REQUIRED = COLUMNS[:4]
EXPORT_COLUMNS = COLUMNS + ("attributed_by", "deal_id", "deliverable_id", "post_id", "source", "received_at")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowProblem:
    line: int  # 0: the file as a whole
    field: str | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[tuple[int, fields.Incoming]] = field(default_factory=list)  # (line, conversion): first of each order
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (line, order id) seen earlier in the file
    problems: list[RowProblem] = field(default_factory=list)


def _file_problem(code: str, **params) -> Parsed:
    """The file refused as a whole; `line` stays among the params too, as some sentences name it."""
    return Parsed(problems=[RowProblem(params.get("line", 0), None, code, params)])


def parse(data: bytes | str, campaign_currency: str, now: dt.datetime, *, max_bytes: int = MAX_BYTES,
          max_rows: int = MAX_ROWS) -> Parsed:
    decoded = csv_cells.decode(data, max_bytes)
    if decoded.problem is not None:
        params = {**decoded.problem.params, "line": decoded.problem.line}
        return _file_problem(f"file_{decoded.problem.code}", **params)
    text = decoded.text or ""
    delimiter = csv_cells.sniff_delimiter(text)
    try:
        records = list(csv_cells.records(text, delimiter))
    except csv_cells.BrokenQuoting as exc:
        return _file_problem("file_quoting", line=exc.row)
    if not records or records[0].blank:
        return _file_problem("file_no_header", line=1)
    header = [csv_cells.unguard_cell(c).strip().lower() for c in records[0].cells]
    out = Parsed()
    unknown = [name for name in header if name not in EXPORT_COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    twice = sorted({name for name in header if header.count(name) > 1})
    if unknown:
        out.problems.append(RowProblem(1, None, "unknown_columns", {"columns": ", ".join(unknown)}))
    if missing:
        out.problems.append(RowProblem(1, None, "missing_columns", {"columns": ", ".join(missing)}))
    if twice:
        out.problems.append(RowProblem(1, None, "repeated_columns", {"columns": ", ".join(twice)}))
    if out.problems:
        return out
    body = [r for r in records[1:] if not r.blank]
    if not body:
        return _file_problem("file_empty", line=1)
    if len(body) > max_rows:
        return _file_problem("file_too_many_rows", line=0, rows=len(body), max=max_rows)
    seen: dict[str, int] = {}
    for record in body:
        if len(record.cells) != len(header):
            out.problems.append(RowProblem(record.row, None, "cell_count",
                                           {"cells": len(record.cells), "columns": len(header)}))
            continue
        values = {name: csv_cells.unguard_cell(cell)
                  for name, cell in zip(header, record.cells, strict=True) if name in COLUMNS}
        incoming, problems = fields.read(values, campaign_currency, now)
        out.problems += [RowProblem(record.row, p.field, p.code, p.params) for p in problems]
        if incoming is None:
            continue
        if incoming.order_id in seen:
            out.duplicates.append((record.row, incoming.order_id))
        else:
            seen[incoming.order_id] = record.row
            out.rows.append((record.row, incoming))
    return out


def cell(value) -> str:
    return "" if value is None else str(value)


def export(rows: Iterable[Mapping]) -> str:
    """CSV text of plain conversions ({order_id, occurred_at, amount: "1990.00", currency, …})."""
    return csv_cells.write_rows(EXPORT_COLUMNS, ([cell(row.get(c)) for c in EXPORT_COLUMNS] for row in rows))
