"""The content plan's checked CSV import. Pure: bytes or text in, rows and errors out, standard
library only, no I/O. The columns, row types and the export are csv_format.py.

    parse(data, known_channel_ids=…)   -> ParseResult(rows, errors)

The import is ALL-OR-NOTHING: if `errors` is non-empty, `rows` is empty and the caller imports nothing,
so nothing of a failing file is ever half-imported. The caller adds its own row checks (the post of an
`id` exists in the brand, `version` is its current one, every assignee is a member) as `RowError`s
with `PlanRow.line`, and imports nothing if any of those fail either. A cell's limits are the API's
(content/rules/fields.py): a file cannot put in what the API would refuse.

Line numbers are rows as a spreadsheet shows them: the header is row 1, every CSV record (blank ones
too) is one row, however many text lines its quoted cells span. `RowError.text_line` is the line in a
text editor where the record starts (the csv reader's `line_num` of the record before, plus one).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import available_timezones

from chalicelib.content.rules.fields import (
    CONTENT_TYPES,
    MAX_ASSIGNEES,
    MAX_BODY,
    MAX_CHANNELS,
    MAX_TAG,
    MAX_TAGS,
    MAX_TITLE,
)
from chalicelib.core import csv_cells
from chalicelib.plan.rules.csv_format import (
    COLUMNS,
    LIST_SEPARATOR,
    ParseResult,
    PlanRow,
    RowError,
    unguard_cell,
)

MAX_ROWS = 2000
MAX_BYTES = 2_000_000
MAX_ERRORS = 100
MAX_EMAIL = 254

_ID = re.compile(r"[0-9a-z]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_VERSION = re.compile(r"[0-9]{1,9}")
# The canonical forms, then what a spreadsheet writes back after it has re-formatted a date cell
# (ISO with a space, or day.month.year as in the ru/de/… locales; seconds only if they are :00).
_ISO_DT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?")
_DMY_DT = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})(?::00)?")
_ISO_D = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_D = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

_ZONES: dict[str, str] | None = None  # lower-case name -> IANA name


def _zones() -> dict[str, str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = {z.lower(): z for z in available_timezones() | {"UTC"}}
    return _ZONES


_SAVE_AS = "Save it as “CSV UTF-8 (comma delimited)” (Excel: File → Save As) and upload it again."


def _decode(data: bytes | str, max_bytes: int) -> tuple[str | None, RowError | None]:
    decoded = csv_cells.decode(data, max_bytes)
    problem = decoded.problem
    if problem is None:
        return decoded.text, None
    if problem.code == "too_large":
        return None, RowError(0, None, f"The file is {problem.params['size']:,} bytes; the limit is "
                                       f"{problem.params['limit']:,}. Split the plan into smaller files.")
    if problem.code == "workbook":
        return None, RowError(0, None, "This is a spreadsheet workbook (.xlsx/.xls), not a CSV file. " + _SAVE_AS)
    if problem.code == "utf16":
        return None, RowError(0, None, "The file is saved as UTF-16 (“Unicode text”), not UTF-8. " + _SAVE_AS)
    line = problem.line
    if problem.code == "cp1251":
        return None, RowError(line, None, "The file is in the Windows-1251 (Cyrillic) encoding, not UTF-8. "
                                          + _SAVE_AS, text_line=line)
    return None, RowError(line, None, f"The file is not UTF-8 text (the first bad byte is on text line "
                                      f"{line}). " + _SAVE_AS, text_line=line)


_delimiter = csv_cells.sniff_delimiter


def _header_errors(header: list[str]) -> list[str]:
    names = [h.strip() for h in header]
    problems = []
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1}, key=COLUMNS.index)
    if missing:
        problems.append("Missing column(s): " + ", ".join(missing) + ".")
    if unknown:
        hints = []
        for name in unknown:
            close = next((c for c in missing if c == name.lower().replace(" ", "_")), None)
            hints.append(f"{name!r}" + (f" (did you mean {close!r}?)" if close else ""))
        problems.append("Unknown column(s): " + ", ".join(hints) + ".")
    if repeated:
        problems.append("Column(s) given twice: " + ", ".join(repeated) + ".")
    return problems


def _items(cell: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in cell.split(LIST_SEPARATOR):
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def _wall_time(cell: str) -> str | None:
    """YYYY-MM-DDTHH:MM (also 'YYYY-MM-DD HH:MM' and 'DD.MM.YYYY HH:MM'), canonical, or None if not one."""
    m = _ISO_DT.fullmatch(cell)
    if m:
        y, mo, d, h, mi = m.groups()
    else:
        m = _DMY_DT.fullmatch(cell)
        if not m:
            return None
        d, mo, y, h, mi = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi)).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def _day(cell: str) -> str | None:
    m = _ISO_D.fullmatch(cell)
    if m:
        y, mo, d = m.groups()
    else:
        m = _DMY_D.fullmatch(cell)
        if not m:
            return None
        d, mo, y = m.groups()
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def _row(cells: dict[str, str], known_channel_ids: Collection[str], line: int,
         errors: list[tuple[str | None, str]]) -> PlanRow | None:
    """Check one record; append (column, message) to `errors`; the PlanRow if it has none."""
    start = len(errors)

    def bad(column: str | None, message: str) -> None:
        errors.append((column, message))

    def text(column: str) -> str | None:  # title, body: kept exactly
        return cells[column] or None

    def word(column: str) -> str | None:  # everything else: trimmed
        return cells[column].strip() or None

    post_id = word("id")
    if post_id is not None and not _ID.fullmatch(post_id):
        bad("id", f"{post_id!r} is not a post id (lower-case letters and digits); leave it empty "
                  "for a new post.")

    title, body = text("title"), text("body")
    if not (title or "").strip() and not (body or "").strip():
        bad("title", "Give the post a title or a body.")
    if title is not None and len(title) > MAX_TITLE:
        bad("title", f"The title has {len(title)} characters; the limit is {MAX_TITLE}.")
    if body is not None and len(body) > MAX_BODY:
        bad("body", f"The body has {len(body)} characters; the limit is {MAX_BODY}.")

    channels = _items(cells["channels"])
    if not channels:
        bad("channels", "Name at least one channel (channel ids separated by '|').")
    else:
        unknown = [c for c in channels if c not in known_channel_ids]
        if unknown:
            known = sorted(known_channel_ids)
            listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            bad("channels", f"Unknown channel(s): {', '.join(unknown)}. This brand's channels: "
                            f"{listed or 'none yet'}.")
        if len(channels) > MAX_CHANNELS:
            bad("channels", f"{len(channels)} channels; the limit is {MAX_CHANNELS}.")

    content_type = word("content_type")
    if content_type is not None:
        content_type = content_type.lower()
        if content_type not in CONTENT_TYPES:
            bad("content_type", f"{cells['content_type'].strip()!r} is not a content type; use one of "
                                f"{', '.join(CONTENT_TYPES)} (empty: engaging).")

    publish_at = word("publish_at")
    if publish_at is not None:
        canonical = _wall_time(publish_at)
        if canonical is None:
            bad("publish_at", f"{publish_at!r} is not a local date and time; write "
                              "YYYY-MM-DDTHH:MM, e.g. 2025-03-01T09:30 (or leave it empty).")
        publish_at = canonical

    timezone = word("timezone")
    if timezone is not None:
        canonical = _zones().get(timezone.lower())
        if canonical is None:
            bad("timezone", f"{timezone!r} is not a time zone; use an IANA name such as "
                            "Europe/Moscow (or leave it empty for the channel's zone).")
        timezone = canonical

    tags = _items(cells["tags"])
    long_tags = [t for t in tags if len(t) > MAX_TAG]
    if long_tags:
        bad("tags", f"A tag may have at most {MAX_TAG} characters: {long_tags[0][:20]!r}…")
    if len(tags) > MAX_TAGS:
        bad("tags", f"{len(tags)} tags; the limit is {MAX_TAGS}.")

    assignees = _items(cells["assignees"])
    not_emails = [a for a in assignees if len(a) > MAX_EMAIL or not _EMAIL.fullmatch(a)]
    if not_emails:
        bad("assignees", f"Not an email address: {', '.join(repr(a) for a in not_emails)}.")
    if len(assignees) > MAX_ASSIGNEES:
        bad("assignees", f"{len(assignees)} assignees; the limit is {MAX_ASSIGNEES}.")

    campaign_id = word("campaign_id")
    if campaign_id is not None and not _ID.fullmatch(campaign_id):
        bad("campaign_id", f"{campaign_id!r} is not a campaign id (lower-case letters and digits).")

    due_at = word("due_at")
    if due_at is not None:
        canonical = _day(due_at) or _wall_time(due_at)
        if canonical is None:
            bad("due_at", f"{due_at!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM "
                          "(or leave it empty).")
        due_at = canonical

    version = None
    raw_version = word("version")
    if post_id is not None and raw_version is not None:  # on a new row the version means nothing
        if _VERSION.fullmatch(raw_version) and int(raw_version) >= 1:
            version = int(raw_version)
        else:
            bad("version", f"{raw_version!r} is not a version number; keep the exported value "
                           "or leave it empty.")

    if len(errors) > start:
        return None
    return PlanRow(id=post_id, title=title, body=body, channels=channels, content_type=content_type,
                   publish_at=publish_at, timezone=timezone, tags=tags, assignees=assignees,
                   campaign_id=campaign_id, due_at=due_at, version=version, line=line)


def parse(data: bytes | str, *, known_channel_ids: Collection[str], max_rows: int = MAX_ROWS,
          max_bytes: int = MAX_BYTES, max_errors: int = MAX_ERRORS) -> ParseResult:
    """Read and check a content-plan file. `rows` only when there is no error at all (all or nothing);
    otherwise the errors, in file order, at most `max_errors` of them (then one that says so)."""
    text, problem = _decode(data, max_bytes)
    if problem is not None:
        return ParseResult([], [problem])
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=True)
    errors: list[RowError] = []
    rows: list[PlanRow] = []
    first_seen: dict[str, int] = {}
    header: list[str] | None = None
    line, text_line, data_rows = 0, 1, 0

    def add(column: str | None, message: str) -> bool:
        """Record an error; False once there are too many to go on."""
        if len(errors) >= max_errors:
            errors.append(RowError(0, None, f"Stopped after {max_errors} errors; fix these and upload again."))
            return False
        errors.append(RowError(line, column, message, text_line=text_line))
        return True

    records = iter(reader)
    while True:
        text_line = reader.line_num + 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            line += 1
            add(None, f"Broken quoting ({exc}) in the record that starts on text line {text_line}: a cell "
                      "that starts with \" must end with \", and a \" inside it is written twice (\"\").")
            break
        line += 1
        if header is None:
            header = [c.strip() for c in cells]
            problems = _header_errors(cells) if cells else ["The first row must be the header."]
            if problems:
                expected = delimiter.join(COLUMNS)
                add(None, " ".join(problems) + f" The header row must be: {expected}")
                break
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank row (Excel writes ",,,,," for rows that were once used)
        data_rows += 1
        if data_rows > max_rows:
            add(None, f"Too many rows: a file may hold at most {max_rows} posts. Split it into smaller files.")
            break
        if len(cells) != len(header):
            if not add(None, f"This row has {len(cells)} cells; the header has {len(header)}. "
                             f"Check for a '{delimiter}' or a quote that does not belong."):
                break
            continue
        values = {name: unguard_cell(cell) for name, cell in zip(header, cells)}
        row_errors: list[tuple[str | None, str]] = []
        row = _row(values, known_channel_ids, line, row_errors)
        post_id = values["id"].strip()
        if post_id and _ID.fullmatch(post_id):
            if post_id in first_seen:
                message = f"Post {post_id} is already on row {first_seen[post_id]}; a file may change a post only once."
                row_errors.append(("id", message))
            else:
                first_seen[post_id] = line
        if not all(add(column, message) for column, message in row_errors):
            break
        if row is not None and not row_errors:
            rows.append(row)

    if header is None and not errors:
        line = 1
        add(None, "The file is empty. The first row must be the header: " + delimiter.join(COLUMNS))
    return ParseResult([] if errors else rows, errors, delimiter)
