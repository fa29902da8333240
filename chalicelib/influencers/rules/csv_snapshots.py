"""An account's measurements as a CSV file: the columns, the checked import and the export. Pure: no I/O.
What every file of the directory obeys (UTF-8, delimiters, the formula guard, all or nothing, translated
errors) and the cells' forms: rules/csv_values.py.

Columns: taken_on (YYYY-MM-DD or DD.MM.YYYY; required), followers, following, avg_views, avg_likes,
avg_comments, avg_shares, source (written on export, ignored on import); one row per day, no day in the
future.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from chalicelib.core import csv_cells
from chalicelib.influencers.rules.csv_values import (
    MAX_BYTES,
    MAX_ERRORS,
    CsvFile,
    K,
    Problem,
    RowError,
    cell_text,
    read_count,
    read_day,
    schema_errors,
)

SNAPSHOT_COLUMNS: tuple[str, ...] = ("taken_on", "followers", "following", "avg_views", "avg_likes",
                                     "avg_comments", "avg_shares", "source")
SNAPSHOT_REQUIRED: tuple[str, ...] = ("taken_on",)
SNAPSHOT_COUNTS = ("followers", "following", "avg_views", "avg_likes", "avg_comments", "avg_shares")
MAX_SNAPSHOT_ROWS = 2000  # days in one file (five years and more)


@dataclass(frozen=True)
class SnapshotRow:
    row: int
    values: dict[str, Any]  # taken_on (YYYY-MM-DD) and the counts the file gives


@dataclass(frozen=True)
class ParsedSnapshots:
    rows: list[SnapshotRow]
    errors: list[RowError]
    delimiter: str = ","

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_snapshots(data: bytes | str, *, today: date, max_bytes: int = MAX_BYTES,
                    max_rows: int = MAX_SNAPSHOT_ROWS, max_errors: int = MAX_ERRORS) -> ParsedSnapshots:
    """Read and check a file of one account's measurements: one row per day, none in the future."""
    file = CsvFile(data, SNAPSHOT_COLUMNS, SNAPSHOT_REQUIRED, max_bytes=max_bytes, max_rows=max_rows,
                   max_errors=max_errors)
    rows: list[SnapshotRow] = []
    days: dict[date, int] = {}

    def each(row: int, cells: dict[str, str]) -> None:
        problems: list[Problem] = []
        snapshot = _snapshot_of({name: cell.strip() for name, cell in cells.items()}, today, days, row, problems)
        if snapshot is not None:
            rows.append(SnapshotRow(row, snapshot))
        for column, key, params in problems:
            file.add(row, column, key, **params)

    file.read(each)
    if file.errors:
        return ParsedSnapshots([], file.errors, file.delimiter)
    return ParsedSnapshots(rows, [], file.delimiter)


def _snapshot_of(cells: Mapping[str, str], today: date, days: dict[date, int], row: int,
                 problems: list[Problem]) -> dict[str, Any] | None:
    """One row's day and counts, checked with SnapshotIn; None (and `problems`) if they are not fine."""
    from chalicelib.influencers.schemas import SnapshotIn

    day = read_day(cells["taken_on"])
    if day is None:
        problems.append(("taken_on", K + "cell.date", {"value": cells["taken_on"][:40]}))
    elif day > today:
        problems.append(("taken_on", K + "row.future", {"day": day.isoformat()}))
    elif day in days:
        problems.append(("taken_on", K + "row.day_twice", {"row": days[day]}))
    else:
        days[day] = row
    values: dict[str, Any] = {"taken_on": day}
    for column in SNAPSHOT_COUNTS:
        if cells.get(column):
            number = read_count(cells[column])
            if number is None:
                problems.append((column, K + "cell.whole_number", {"value": cells[column][:40]}))
            values[column] = number
    if problems:
        return None
    try:
        checked = SnapshotIn.model_validate(values).model_dump(mode="json")
    except ValidationError as exc:
        problems.extend(schema_errors(exc, {c: c for c in SNAPSHOT_COLUMNS}))
        return None
    return {k: v for k, v in checked.items() if k == "taken_on" or k in values}


def export_snapshots(snapshots: Iterable[Mapping[str, Any]], *, delimiter: str = ",") -> str:
    def rows():
        for snapshot in snapshots:
            yield [str(int(snapshot[c])) if c in SNAPSHOT_COUNTS and snapshot.get(c) is not None
                   else cell_text(snapshot.get(c)) for c in SNAPSHOT_COLUMNS]

    return csv_cells.write_rows(SNAPSHOT_COLUMNS, rows(), delimiter=delimiter)
