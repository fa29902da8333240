"""The content plan's checked CSV import. Pure: bytes or text in, rows and errors out, standard
library only, no I/O. The columns, row types and the export are csv_format.py.

    parse(data, known_channel_ids=…)   -> ParseResult(rows, errors, checked)
    row_of(post) -> PlanRow            a post's own row, read back as an uploaded row is read
    changed_columns(row, current)      the columns an uploaded row changes; () = unchanged

The import is ALL-OR-NOTHING: if `errors` is non-empty, `rows` is empty and the caller imports nothing,
so nothing of a failing file is ever half-imported. So that EVERY problem can be listed at once,
`checked` still holds every row that could be read, its bad cells emptied and named in `PlanRow.bad`;
the caller runs its own checks on those too (the post of an `id` exists in the brand, what a changed
row changes is allowed, network limits, every assignee is a member) and refuses the file if anything
failed. A cell's limits are the API's (content/rules/fields.py): a file cannot put in what the API
would refuse. An empty `channels` cell is fine (a draft may have none yet; submitting needs one).

Errors are translation keys with parameters (chalicelib/core/i18n/*/plan_csv.json; RowError.words
gives them in a language, RowError.message in English).

Line numbers are rows as a spreadsheet shows them: the header is row 1, every CSV record (blank ones
too) is one row, however many text lines its quoted cells span. `RowError.text_line` is the line in a
text editor where the record starts (the csv reader's `line_num` of the record before, plus one).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import replace
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
from chalicelib.plan.rules import csv_format
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


K = csv_format.KEY
_FILE_KEYS = {"too_large": K + "file.too_large", "workbook": K + "file.workbook", "utf16": K + "file.utf16",
              "cp1251": K + "file.cp1251", "not_utf8": K + "file.not_utf8"}


def _decode(data: bytes | str, max_bytes: int) -> tuple[str | None, RowError | None]:
    decoded = csv_cells.decode(data, max_bytes)
    problem = decoded.problem
    if problem is None:
        return decoded.text, None
    key = _FILE_KEYS.get(problem.code, K + "file.not_utf8")
    if problem.code in ("too_large", "workbook", "utf16"):
        return None, RowError(0, None, key, dict(problem.params or {}))
    line = problem.line
    return None, RowError(line, None, key, {"line": line}, text_line=line)


_delimiter = csv_cells.sniff_delimiter


def _header_errors(header: list[str]) -> list[tuple[str, dict]]:
    """The header's problems as (key, params): missing, unknown (with a close name), repeated columns."""
    names = [h.strip() for h in header]
    problems: list[tuple[str, dict]] = []
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1}, key=COLUMNS.index)
    if missing:
        problems.append((K + "header.missing", {"columns": ", ".join(missing)}))
    if unknown:
        hints = []
        for name in unknown:
            close = next((c for c in missing if c == name.lower().replace(" ", "_")), None)
            hints.append((K + "header.did_you_mean", {"name": repr(name), "close": repr(close)}) if close
                         else repr(name))
        problems.append((K + "header.unknown", {"columns": hints}))
    if repeated:
        problems.append((K + "header.repeated", {"columns": ", ".join(repeated)}))
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


Problem = tuple[str | None, str, dict]  # (column, key, params) of one row, before it is a RowError


def _row(cells: dict[str, str], known_channel_ids: Collection[str], line: int,
         errors: list[Problem], kept_channel_ids: Mapping[str, Collection[str]] | None = None) -> PlanRow:
    """Check one record; append (column, key, params) to `errors`. The row, its bad cells left empty
    (and named in `bad`) so the caller can check the rest of it too. A channel id the row's post already
    has (`kept_channel_ids[id]`, e.g. a channel deleted since: its id stays on the post) is not unknown."""
    start = len(errors)

    def bad(column: str | None, key: str, **params) -> None:
        errors.append((column, K + key, params))

    def text(column: str) -> str | None:  # title, body: kept exactly
        return cells[column] or None

    def word(column: str) -> str | None:  # everything else: trimmed
        return cells[column].strip() or None

    post_id = word("id")
    if post_id is not None and not _ID.fullmatch(post_id):
        bad("id", "cell.bad_id", value=repr(post_id))
        post_id = None

    title, body = text("title"), text("body")
    if not (title or "").strip() and not (body or "").strip():
        bad("title", "cell.title_or_body")
    if title is not None and len(title) > MAX_TITLE:
        bad("title", "cell.title_too_long", length=len(title), limit=MAX_TITLE)
        title = None
    if body is not None and len(body) > MAX_BODY:
        bad("body", "cell.body_too_long", length=len(body), limit=MAX_BODY)
        body = None

    channels = _items(cells["channels"])  # none is fine: a draft may have no channel yet
    kept = (kept_channel_ids or {}).get(post_id or "", ()) if post_id else ()
    unknown = [c for c in channels if c not in known_channel_ids and c not in kept]
    if unknown:
        known = sorted(known_channel_ids)
        listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        if listed:
            bad("channels", "cell.unknown_channels", channels=", ".join(unknown), known=listed)
        else:
            bad("channels", "cell.unknown_channels_none", channels=", ".join(unknown))
    if len(channels) > MAX_CHANNELS:
        bad("channels", "cell.too_many_channels", count=len(channels), limit=MAX_CHANNELS)
    if unknown or len(channels) > MAX_CHANNELS:
        channels = ()

    content_type = word("content_type")
    if content_type is not None:
        content_type = content_type.lower()
        if content_type not in CONTENT_TYPES:
            bad("content_type", "cell.content_type", value=repr(cells["content_type"].strip()),
                types=", ".join(CONTENT_TYPES))
            content_type = None

    publish_at = word("publish_at")
    if publish_at is not None:
        canonical = _wall_time(publish_at)
        if canonical is None:
            bad("publish_at", "cell.publish_at", value=repr(publish_at))
        publish_at = canonical

    timezone = word("timezone")
    if timezone is not None:
        canonical = _zones().get(timezone.lower())
        if canonical is None:
            bad("timezone", "cell.timezone", value=repr(timezone))
        timezone = canonical

    tags = _items(cells["tags"])
    long_tags = [t for t in tags if len(t) > MAX_TAG]
    if long_tags:
        bad("tags", "cell.tag_too_long", limit=MAX_TAG, tag=repr(long_tags[0][:20]))
    if len(tags) > MAX_TAGS:
        bad("tags", "cell.too_many_tags", count=len(tags), limit=MAX_TAGS)
    if long_tags or len(tags) > MAX_TAGS:
        tags = ()

    assignees = _items(cells["assignees"])
    not_emails = [a for a in assignees if len(a) > MAX_EMAIL or not _EMAIL.fullmatch(a)]
    if not_emails:
        bad("assignees", "cell.not_email", values=", ".join(repr(a) for a in not_emails))
    if len(assignees) > MAX_ASSIGNEES:
        bad("assignees", "cell.too_many_assignees", count=len(assignees), limit=MAX_ASSIGNEES)
    if not_emails or len(assignees) > MAX_ASSIGNEES:
        assignees = ()

    campaign_id = word("campaign_id")
    if campaign_id is not None and not _ID.fullmatch(campaign_id):
        bad("campaign_id", "cell.campaign_id", value=repr(campaign_id))
        campaign_id = None

    due_at = word("due_at")
    if due_at is not None:
        canonical = _day(due_at) or _wall_time(due_at)
        if canonical is None:
            bad("due_at", "cell.due_at", value=repr(due_at))
        due_at = canonical

    version = None
    raw_version = word("version")
    if post_id is not None and raw_version is not None:  # on a new row the version means nothing
        if _VERSION.fullmatch(raw_version) and int(raw_version) >= 1:
            version = int(raw_version)
        else:
            bad("version", "cell.version", value=repr(raw_version))

    return PlanRow(id=post_id, title=title, body=body, channels=channels, content_type=content_type,
                   publish_at=publish_at, timezone=timezone, tags=tags, assignees=assignees,
                   campaign_id=campaign_id, due_at=due_at, version=version, line=line,
                   bad=frozenset(column for column, _key, _params in errors[start:] if column))


def parse(data: bytes | str, *, known_channel_ids: Collection[str], max_rows: int = MAX_ROWS,
          max_bytes: int = MAX_BYTES, max_errors: int = MAX_ERRORS,
          kept_channel_ids: Mapping[str, Collection[str]] | None = None) -> ParseResult:
    """Read and check a content-plan file. `rows` only when there is no error at all (all or nothing);
    otherwise the errors, in file order, at most `max_errors` of them (then one that says so), and in
    `checked` every row that could be read (its bad cells empty), for the caller's further checks.
    `kept_channel_ids`: post id → the channel ids that post has now; a row of that post may keep them
    even when they are no longer the brand's (a deleted channel): only a new row, or a row that adds an
    id its post does not have, is told about unknown channels."""
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

    def add(column: str | None, key: str, params: dict | None = None) -> bool:
        """Record an error; False once there are too many to go on."""
        if len(errors) >= max_errors:
            errors.append(RowError(0, None, K + "file.too_many_errors", {"limit": max_errors}))
            return False
        errors.append(RowError(line, column, key, params or {}, text_line=text_line))
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
            add(None, K + "file.broken_quoting", {"problem": str(exc), "line": text_line})
            break
        line += 1
        if header is None:
            header = [c.strip() for c in cells]
            problems = _header_errors(cells) if cells else [(K + "header.first_row", {})]
            if problems:
                add(None, K + "header.wrong", {"problems": problems, "header": delimiter.join(COLUMNS)})
                break
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank row (Excel writes ",,,,," for rows that were once used)
        data_rows += 1
        if data_rows > max_rows:
            add(None, K + "file.too_many_rows", {"limit": max_rows})
            break
        if len(cells) != len(header):
            if not add(None, K + "row.cell_count", {"cells": len(cells), "header": len(header),
                                                    "delimiter": delimiter}):
                break
            continue
        values = {name: unguard_cell(cell) for name, cell in zip(header, cells)}
        row_errors: list[Problem] = []
        row = _row(values, known_channel_ids, line, row_errors, kept_channel_ids)
        if row.id is not None:
            if row.id in first_seen:
                row_errors.append(("id", K + "row.id_twice", {"id": row.id, "row": first_seen[row.id]}))
                row = replace(row, bad=row.bad | {"id"})
            else:
                first_seen[row.id] = line
        if not all(add(column, key, params) for column, key, params in row_errors):
            break
        rows.append(row)

    if header is None and not errors:
        line = 1
        add(None, K + "file.empty", {"header": delimiter.join(COLUMNS)})
    return ParseResult([] if errors else rows, errors, delimiter, checked=rows)


# --- an uploaded row against the post as it is now ----------------------------------------------

COMPARED = ("title", "body", "channels", "content_type", "publish_at", "timezone", "tags", "assignees",
            "campaign_id", "due_at")  # what a row can change (id, status and version cannot)


def row_of(post) -> PlanRow | None:
    """What the export writes for `post` (a mapping, as csv_format.export_rows takes it), read back the
    way the import reads a row: the form an uploaded row is compared with. None if it would not read
    back cleanly (data older than today's rules): then every row of that post counts as a change."""
    values = dict(zip(COLUMNS, (unguard_cell(cell) for cell in csv_format.cells_of(post))))
    problems: list[Problem] = []
    row = _row(values, known_channel_ids=set(_items(values["channels"])), line=0, errors=problems)
    return None if problems else row


def _comparable(row: PlanRow, column: str):
    value = getattr(row, column)
    if column == "content_type":
        return value or CONTENT_TYPES[0]  # empty = engaging
    if column == "assignees":
        return tuple(a.lower() for a in value)  # emails: case does not matter
    if column in ("title", "body"):
        return value or ""
    return value


def changed_columns(row: PlanRow, current: PlanRow | None) -> tuple[str, ...]:
    """The columns in which `row` differs from `current` (the post's own row, `row_of`), in COLUMNS
    order; its bad cells are not compared (their errors are reported already). Empty: unchanged."""
    return tuple(column for column in COMPARED if column not in row.bad and
                 (current is None or _comparable(row, column) != _comparable(current, column)))
