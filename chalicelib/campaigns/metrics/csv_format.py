"""The campaign's metrics as a CSV file: its columns, the export and the checked reading of an import. Pure:
strings and bytes in and out, no I/O. The house rules of every CSV file hold (core/csv_cells.py): UTF-8
(a BOM is dropped; other encodings are refused with why), "," or ";" as the delimiter, the formula guard on
every exported cell and its exact inverse on import, spreadsheet row numbers (the header is row 1).

Columns (the export writes them in this order; an import needs `subject` and at least one metric column,
`label` and `platform` are written for people and ignored on import):
    subject, label, platform, taken_at, views, reach, impressions, likes, comments, shares, saves, forwards,
    clicks
- subject: target:<post id><channel id> | deliverable:<id> (as exported)
- taken_at: UTC, 2026-12-01T09:00:00Z (seconds and fractions optional, "T" or a space, an offset allowed);
  empty: now. Not before 2000 (rules/metrics.EARLIEST) and not in the future.
- metric cells: whole non-negative numbers ("12 345" grouped with spaces is fine); an empty cell is "not known".
  A row whose metric cells are all empty is skipped (an exported subject without a snapshot).

Problems are (row, column, code, params); the service words them (i18n campaign_metrics.csv.*).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.campaigns.metrics.instants import read_instant
from chalicelib.campaigns.rules import metrics as rules
from chalicelib.campaigns.rules.metrics import METRIC_FIELDS
from chalicelib.core import csv_cells
from chalicelib.core.clock import iso

COLUMNS: tuple[str, ...] = ("subject", "label", "platform", "taken_at", *METRIC_FIELDS)
IGNORED = ("label", "platform")
MAX_BYTES = 2_000_000
MAX_ROWS = 5000  # a campaign has a few hundred subjects; a file may carry some history too
MAX_PROBLEMS = 200
SUBJECT_PREFIXES = ("target:", "deliverable:")


@dataclass(frozen=True)
class Problem:
    row: int  # spreadsheet row (header = 1); 0: the file as a whole
    column: str | None
    code: str  # the i18n key's tail: campaign_metrics.csv.<code>
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    row: int
    subject: str
    taken_at: str | None  # stored UTC form; None: now
    values: dict[str, int]


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows without any metric
    named: list[tuple[int, str]] = field(default_factory=list)  # (row, subject) of every row with a well-formed
    # subject, its other problems or not: the caller checks they are the campaign's


class _TooMany(Exception):
    pass


# --- export ------------------------------------------------------------------------------------------------

def export_text(rows: Iterable[Mapping], *, delimiter: str = ",") -> str:
    """rows: {subject, label, platform, taken_at, <metric>: int | None}; the CSV text, every cell guarded."""
    def cells(row: Mapping) -> list[str]:
        return [("" if row.get(c) is None else str(row.get(c))) for c in COLUMNS]

    return csv_cells.write_rows(COLUMNS, (cells(r) for r in rows), delimiter=delimiter)


def export_bytes(rows: Iterable[Mapping]) -> bytes:
    return csv_cells.with_bom(export_text(rows))


# --- import ------------------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, now: datetime, max_problems: int):
        self.now, self.max_problems = now, max_problems
        self.parsed = Parsed()
        self.seen: dict[tuple[str, str], tuple[int, dict]] = {}

    def add(self, row: int, column: str | None, code: str, /, **params) -> None:
        if len(self.parsed.problems) >= self.max_problems:
            self.parsed.problems.append(Problem(0, None, "too_many_problems", {"limit": self.max_problems}))
            raise _TooMany
        self.parsed.problems.append(Problem(row, column, code, params))

    def header(self, cells: list[str]) -> list[str] | None:
        names = [csv_cells.unguard_cell(c).strip().lstrip("\ufeff").lower() for c in cells]
        unknown = [n for n in names if n not in COLUMNS]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if unknown:
            self.add(1, None, "unknown_columns", columns=", ".join(unknown), expected=", ".join(COLUMNS))
        if repeated:
            self.add(1, None, "repeated_columns", columns=", ".join(repeated))
        if "subject" not in names or not any(n in METRIC_FIELDS for n in names):
            self.add(1, None, "missing_columns", expected=", ".join(COLUMNS))
        return None if self.parsed.problems else names

    def row(self, row: int, cells: dict[str, str]) -> None:
        before = len(self.parsed.problems)
        subject = cells.get("subject", "").strip()
        raw_values = {name: cells[name] for name in METRIC_FIELDS if name in cells}
        if not any(v.strip() for v in raw_values.values()):
            if not subject and not cells.get("taken_at", "").strip():
                return  # an empty line
            self.parsed.skipped += 1
            return
        if not subject:
            self.add(row, "subject", "subject_required")
        elif not subject.startswith(SUBJECT_PREFIXES) or subject in SUBJECT_PREFIXES:
            self.add(row, "subject", "subject_form", value=subject)
        else:
            self.parsed.named.append((row, subject))
        taken_at = None
        text = cells.get("taken_at", "").strip()
        if text:
            instant = read_instant(text)
            problem = "taken_at_form" if instant is None else rules.taken_at_problem(instant, self.now)
            if problem:
                self.add(row, "taken_at", problem, value=text, earliest=rules.EARLIEST.year)
            else:
                taken_at = iso(instant)
        values, problems = rules.check_values(raw_values)
        for problem in problems:
            if problem.code != "empty":
                self.add(row, problem.field, f"value_{problem.code}", field=problem.field or "",
                         value=problem.value or "")
        if len(self.parsed.problems) > before:
            return
        first = self.seen.get((subject, taken_at or ""))  # an empty taken_at twice: both would be "now"
        if first is not None and not rules.same_values(first[1], values):
            self.add(row, "taken_at", "twice", row=first[0])
            return
        if first is not None:
            self.parsed.skipped += 1  # the same row again
            return
        self.seen[(subject, taken_at or "")] = (row, values)
        self.parsed.rows.append(Row(row, subject, taken_at, values))


def parse(data: bytes | str, *, now: datetime, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
          max_problems: int = MAX_PROBLEMS) -> Parsed:
    """Read and check a file: every problem of every row (up to `max_problems`), or its rows."""
    reader = _Reader(now, max_problems)
    decoded = csv_cells.decode(data, max_bytes)
    if decoded.problem is not None:
        reader.parsed.problems.append(Problem(decoded.problem.line, None, f"file_{decoded.problem.code}",
                                              dict(decoded.problem.params)))
        return reader.parsed
    text = decoded.text
    delimiter = csv_cells.sniff_delimiter(text)
    names: list[str] | None = None
    try:
        for record in csv_cells.records(text, delimiter):
            if record.row == 1:
                names = reader.header(record.cells)
                if names is None:
                    return reader.parsed
                continue
            if record.blank:
                continue
            if record.row - 1 > max_rows:
                reader.add(0, None, "too_many_rows", limit=max_rows)
                break
            if len(record.cells) != len(names):
                reader.add(record.row, None, "cell_count", cells=len(record.cells), header=len(names),
                           delimiter=delimiter)
                continue
            reader.row(record.row, {n: csv_cells.unguard_cell(c) for n, c in zip(names, record.cells)})
    except csv_cells.BrokenQuoting as broken:
        try:
            reader.add(broken.row, None, "broken_quoting", line=broken.text_line)
        except _TooMany:
            pass
    except _TooMany:
        pass
    if names is None and not reader.parsed.problems:
        reader.add(0, None, "file_empty", expected=", ".join(COLUMNS))
    return reader.parsed
