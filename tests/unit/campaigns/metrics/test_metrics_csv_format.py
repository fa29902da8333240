"""metrics/csv_format.py: the export (formula guard, BOM) and the checked import (every problem, its row)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.campaigns.metrics import csv_format

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
HEADER = ",".join(csv_format.COLUMNS)


def test_export_guards_formulas_and_round_trips():
    rows = [{"subject": "target:a", "label": "=HYPERLINK(\"x\") · TG", "platform": "telegram",
             "taken_at": "2026-12-01T10:00:00.000000Z", "views": 1200, "likes": 3},
            {"subject": "deliverable:b", "label": "@anna · tg_post", "platform": "telegram", "taken_at": None}]
    data = csv_format.export_bytes(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "'=HYPERLINK" in text
    parsed = csv_format.parse(data, now=NOW)
    assert parsed.problems == []
    assert [(r.row, r.subject, r.taken_at, r.values) for r in parsed.rows] == [
        (2, "target:a", "2026-12-01T10:00:00.000000Z", {"views": 1200, "likes": 3})]
    assert parsed.skipped == 1  # the subject without a snapshot


def test_every_problem_of_every_row():
    text = "\n".join([
        HEADER,
        "target:a,,,2026-12-01T10:00Z,-5,,,,,,,,",
        "nonsense,,,,1,,,,,,,,",
        "deliverable:b,,,2099-01-01T00:00Z,1.5,,,,,,,,",
        "target:c,,,yesterday,10,,,,,,,,",
        "target:d,,,,1,2",
        "target:e,,,2026-12-01T10:00Z,1,,,,,,,,",
        "target:e,,,2026-12-01 10:00,2,,,,,,,,",
        ",,,,5,,,,,,,,",
    ])
    parsed = csv_format.parse(text, now=NOW)
    found = [(p.row, p.column, p.code) for p in parsed.problems]
    assert found == [
        (2, "views", "value_negative"),
        (3, "subject", "subject_form"),
        (4, "taken_at", "taken_at_future"), (4, "views", "value_not_whole"),
        (5, "taken_at", "taken_at_form"),
        (6, None, "cell_count"),
        (8, "taken_at", "twice"),
        (9, "subject", "subject_required"),
    ]


def test_header_problems_and_semicolons_and_files():
    assert [p.code for p in csv_format.parse("subject;label;stars\n", now=NOW).problems] == [
        "unknown_columns", "missing_columns"]
    parsed = csv_format.parse("subject;views\r\ntarget:a;1 200\r\n", now=NOW)
    assert parsed.rows[0].values == {"views": 1200} and parsed.rows[0].taken_at is None
    assert [p.code for p in csv_format.parse(b"", now=NOW).problems] == ["file_empty"]
    assert [p.code for p in csv_format.parse(b"PK\x03\x04zip", now=NOW).problems] == ["file_workbook"]
    assert [p.code for p in csv_format.parse('subject,views\n"target:a,1\n', now=NOW).problems] == ["broken_quoting"]


def test_offsets_become_utc():
    parsed = csv_format.parse("subject,taken_at,views\ntarget:a,2026-12-01T13:00:00+03:00,1\n", now=NOW)
    assert parsed.rows[0].taken_at == "2026-12-01T10:00:00.000000Z"


@pytest.mark.parametrize("text", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_times_at_the_calendars_edges_are_not_times(text):
    """Moving them into UTC leaves the calendar (OverflowError): "not a time", never a crash."""
    assert csv_format.read_instant(text) is None
    parsed = csv_format.parse(f"subject,taken_at,views\ntarget:a,{text},1\n", now=NOW)
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [(2, "taken_at", "taken_at_form")]


@pytest.mark.parametrize("text", ["0999-12-31T10:00:00Z", "1000-01-01T00:30:00+01:00", "0226-12-01T10:00Z",
                                  "1999-12-31T23:59:59.999999Z"])
def test_times_before_2000_are_refused(text):
    """A year before 1000 is stored as "999-…" (not four digits wide) and would sort above every real snapshot."""
    parsed = csv_format.parse(f"subject,taken_at,views\ntarget:a,{text},1\n", now=NOW)
    assert [(p.row, p.column, p.code) for p in parsed.problems] == [(2, "taken_at", "taken_at_early")]
    assert parsed.problems[0].params == {"value": text, "earliest": 2000}
    assert parsed.rows == []


def test_2000_itself_is_fine():
    parsed = csv_format.parse("subject,taken_at,views\ntarget:a,2000-01-01T03:00:00+03:00,1\n", now=NOW)
    assert parsed.problems == [] and parsed.rows[0].taken_at == "2000-01-01T00:00:00.000000Z"
