"""What the influencer CSV files (rules/csv_influencers.py, rules/csv_snapshots.py) share: their errors, the
reading of a file up to its checked data rows, and the cells' values in and out. Pure: no I/O. The content
plan's rules hold (core/csv_cells.py): UTF-8 or refused, `,` or `;` as the delimiter, the formula guard on
every cell, spreadsheet row numbers in every error, and ALL-OR-NOTHING: when `errors` is not empty the
caller writes nothing. Errors are translation keys with parameters (i18n/*/influencers_csv.json); the
service words them in the reader's language.

Cells: numbers may be grouped with spaces ("12 345"); percents take "," or "." and a trailing %; country
shares are "RU:61.5, KZ:10"; tags are separated by commas; days are YYYY-MM-DD or DD.MM.YYYY.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from chalicelib.core import csv_cells

MAX_BYTES = 2_000_000
MAX_ERRORS = 100
TAG_SEPARATOR = ","
COUNTRY_SEPARATOR = ", "

K = "influencers_csv."  # the translation keys' prefix

_COUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3}){1,4}|\d{1,15}")  # at most 15 digits
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%?")
_SHARE = r"([A-Za-z]{2})\s*:\s*(\d+(?:[.,]\d+)?)\s*%?"
_SHARES = re.compile(rf"\s*{_SHARE}(?:\s*[,;]\s*{_SHARE})*\s*")
_ONE_SHARE = re.compile(_SHARE)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

_FILE_KEYS = {"too_large": K + "file.too_large", "workbook": K + "file.workbook", "utf16": K + "file.utf16",
              "cp1251": K + "file.cp1251", "not_utf8": K + "file.not_utf8"}

Problem = tuple[str | None, str, dict]  # (column, key, params) of one row, before it is an error


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row (header = 1); 0: the file as a whole
    column: str | None
    key: str  # translation key
    params: dict = field(default_factory=dict)


class _TooMany(Exception):
    """Stop reading: enough errors to show."""


# --- cells -------------------------------------------------------------------------------------------

def plain_decimal(value: Decimal | str | float) -> str:
    """A number as stored and shown: no exponent, no trailing zeros ("10", "61.5", "0.25")."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return f"{number:f}"


def read_count(cell: str) -> int | None:
    """A whole number, digits grouped with spaces or not ("12 345"); None if it is not one."""
    cell = cell.strip()
    return int(re.sub(r"\D", "", cell)) if _COUNT.fullmatch(cell) else None


def read_percent(cell: str) -> Decimal | None:
    match = _PERCENT.fullmatch(cell.strip())
    return Decimal(match.group(1).replace(",", ".")) if match else None


def read_countries(cell: str) -> list[dict] | None:
    """"RU:61.5, KZ:10" -> [{"country": "RU", "pct": "61.5"}, …]; None if the cell is not that form."""
    if not _SHARES.fullmatch(cell):
        return None
    return [{"country": code.upper(), "pct": pct.replace(",", ".")} for code, pct in _ONE_SHARE.findall(cell)]


def read_tags(cell: str) -> list[str]:
    """"food, travel, food" -> ["food", "travel"]: trimmed, empty ones dropped, each once, in file order."""
    tags = (tag.strip() for tag in cell.split(TAG_SEPARATOR))
    return list(dict.fromkeys(tag for tag in tags if tag))


def read_day(cell: str) -> date | None:
    """YYYY-MM-DD, or DD.MM.YYYY as a spreadsheet in the ru/de/… locales writes a date back."""
    cell = cell.strip()
    match = _ISO_DAY.fullmatch(cell)
    if match:
        y, m, d = match.groups()
    else:
        match = _DMY_DAY.fullmatch(cell)
        if not match:
            return None
        d, m, y = match.groups()
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def cell_text(value: Any) -> str:
    """A stored value as an exported cell: empty for None, numbers without an exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, float):
        return plain_decimal(Decimal(str(value)))
    return str(value)


def countries_text(shares: Iterable[Mapping[str, Any]] | None) -> str:
    return COUNTRY_SEPARATOR.join(f"{s['country']}:{plain_decimal(s['pct'])}" for s in shares or [])


def schema_errors(exc: ValidationError, to_column: Mapping[str, str], *,
                  special: Callable[[str | None, str, str], str | None] | None = None,
                  hints: Mapping[str, str] | None = None) -> list[Problem]:
    """pydantic's errors as (column, key, params), the column found from the error's location. `special`
    (column, error type, message) may name a file's own key for an error that is not about presence,
    length or choice; `hints` name the keys of columns whose form their own key explains better."""
    found: list[Problem] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(part) for part in err["loc"]]
        column = to_column.get(".".join(loc[:2])) or to_column.get(loc[0]) if loc else None
        kind, ctx = err["type"], err.get("ctx") or {}
        own = special(column, kind, str(err.get("msg", ""))) if special else None
        if kind in ("missing", "string_too_short"):
            found.append((column, K + "cell.required", {}))
        elif kind == "string_too_long":
            found.append((column, K + "cell.too_long", {"max": ctx.get("max_length", "")}))
        elif kind == "too_long":
            found.append((column, K + "cell.too_many", {"max": ctx.get("max_length", "")}))
        elif kind == "enum":
            found.append((column, K + "cell.choice", {"choices": ctx.get("expected", "").replace("'", "")}))
        elif own is not None:
            found.append((column, own, {}))
        elif kind in ("less_than_equal", "greater_than_equal"):
            found.append((column, K + "cell.range", {}))
        elif hints and column in hints:
            found.append((column, hints[column], {}))
        else:
            found.append((column, K + "cell.invalid", {}))
    return found


# --- reading a file ------------------------------------------------------------------------------------

class CsvFile:
    """A file being read: its data rows after its header is checked against `columns`, and its errors.
    `read(each)` calls `each(row, {column: cell})` for every data row (spreadsheet row; the formula guard
    undone, cells not trimmed); the file's own problems (encoding, size, header, quoting, too many rows,
    a row of the wrong width, no header at all) are errors too. Reading stops when the errors are enough
    to show (`max_errors`, then one more saying so) or at `stop`. `header` and `delimiter` are known once
    reading has begun."""

    def __init__(self, data: bytes | str, columns: Sequence[str], required: Sequence[str], *, max_bytes: int,
                 max_rows: int, max_errors: int):
        self.data, self.columns, self.required = data, columns, required
        self.max_bytes, self.max_rows, self.max_errors = max_bytes, max_rows, max_errors
        self.errors: list[RowError] = []
        self.header: list[str] | None = None
        self.delimiter = ","

    def add(self, row: int, column: str | None, key: str, /, **params) -> None:
        if len(self.errors) >= self.max_errors:
            self.errors.append(RowError(0, None, K + "file.too_many_errors", {"limit": self.max_errors}))
            raise _TooMany
        self.errors.append(RowError(row, column, key, params))

    def stop(self, row: int, column: str | None, key: str, /, **params) -> None:
        """An error that ends the reading."""
        self.add(row, column, key, **params)
        raise _TooMany

    def read(self, each: Callable[[int, dict[str, str]], None]) -> None:
        try:
            for row, cells in self._data_rows():
                each(row, cells)
        except _TooMany:
            pass

    def _data_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        decoded = csv_cells.decode(self.data, self.max_bytes)
        if decoded.problem is not None:
            self.add(decoded.problem.line, None, _FILE_KEYS[decoded.problem.code], **decoded.problem.params)
            return
        text = decoded.text
        self.delimiter = delimiter = csv_cells.sniff_delimiter(text)
        data_rows = 0
        for record in self._records(text):
            if self.header is None:
                self.header = self._checked_header(record.cells)
                if self.header is None:
                    break
                continue
            if record.blank:
                continue
            data_rows += 1
            if data_rows > self.max_rows:
                self.add(record.row, None, K + "file.too_many_rows", limit=self.max_rows)
                break
            if len(record.cells) != len(self.header):
                self.add(record.row, None, K + "row.cell_count", cells=len(record.cells), header=len(self.header),
                         delimiter=delimiter)
                continue
            yield record.row, {name: csv_cells.unguard_cell(cell) for name, cell in zip(self.header, record.cells)}
        if self.header is None and not self.errors:
            self.add(1, None, K + "file.empty", header=delimiter.join(self.columns))

    def _records(self, text: str):
        """The file's records (header first); broken quoting ends them with an error."""
        try:
            yield from csv_cells.records(text, self.delimiter)
        except csv_cells.BrokenQuoting as exc:
            self.add(exc.row, None, K + "file.broken_quoting", line=exc.text_line)

    def _checked_header(self, cells: list[str]) -> list[str] | None:
        columns = self.columns
        names = [c.strip() for c in cells]
        unknown = [n for n in names if n not in columns]
        repeated = sorted({n for n in names if names.count(n) > 1 and n in columns}, key=list(columns).index)
        missing = [c for c in self.required if c not in names]
        if missing:
            self.add(1, None, K + "header.missing", columns=", ".join(missing))
        if unknown:
            self.add(1, None, K + "header.unknown", columns=", ".join(repr(n) for n in unknown),
                     expected=", ".join(columns))
        if repeated:
            self.add(1, None, K + "header.repeated", columns=", ".join(repeated))
        return None if (missing or unknown or repeated) else names
