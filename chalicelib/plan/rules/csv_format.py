"""The content plan of a brand as a CSV file: its columns, what a row holds, and the export. Pure:
strings and bytes in and out, standard library only, no I/O. The checked import is csv_import.py.

    export_rows(posts) -> str          CSV text, "\\r\\n" line ends, RFC 4180 quoting
    export_bytes(posts) -> bytes       the same, UTF-8 with a BOM (so Excel shows Cyrillic correctly)

Columns (a header row with exactly these names; the export writes them in this order):
    id, title, body, channels, content_type, publish_at, timezone, tags, assignees, campaign_id,
    due_at, status, version                                (status is written, and ignored on import)

Formula injection (OWASP "CSV injection"): on export, a cell a spreadsheet could run as a formula gets
one leading apostrophe, so it shows as text; the import removes exactly that one apostrophe again
(`guard_cell` / `unguard_cell`, shared by every CSV file: core/csv_cells.py, re-exported here).
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from chalicelib.content.rules.fields import TAG_SEPARATOR
from chalicelib.core.csv_cells import (  # noqa: F401 - re-exported: the plan's CSV names them
    DANGEROUS_FIRST,
    DELIMITERS,
    FORMULA_STARTS,
    FORMULA_TRIGGERS,
    guard_cell,
    looks_like_formula,
    unguard_cell,
)
from chalicelib.core.errors import ValidationFailed

COLUMNS: tuple[str, ...] = ("id", "title", "body", "channels", "content_type", "publish_at", "timezone",
                            "tags", "assignees", "campaign_id", "due_at", "status", "version")
LIST_SEPARATOR = TAG_SEPARATOR


@dataclass(frozen=True)
class PlanRow:
    """One post of the file. Text cells: empty → None; list cells: a tuple, empty → ()."""

    id: str | None  # None: a new post
    title: str | None  # exactly as in the cell (not trimmed)
    body: str | None  # exactly as in the cell (not trimmed)
    channels: tuple[str, ...]  # never empty, every one a known channel id
    content_type: str | None  # one of CONTENT_TYPES; None: the default (engaging)
    publish_at: str | None  # local wall time YYYY-MM-DDTHH:MM
    timezone: str | None  # IANA name; None: the first channel's, then the brand's
    tags: tuple[str, ...]
    assignees: tuple[str, ...]  # emails as written (not resolved, not lower-cased)
    campaign_id: str | None
    due_at: str | None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM
    version: int | None  # only with an id (ignored on a new row); the caller compares it
    line: int = field(default=0, compare=False)  # spreadsheet row, for the caller's own RowErrors
    # Columns whose cell has a problem (an error of this row names it); their values here are empty, so
    # the caller can still check the rest of the row (network limits, references) and list every problem.
    bad: frozenset[str] = field(default=frozenset(), compare=False)


KEY = "plan_csv."  # the prefix of the errors' translation keys (chalicelib/core/i18n/*/plan_csv.json)


@dataclass(frozen=True)
class RowError:
    """One problem of the file: a translation key with its parameters (the service words it in the
    reader's language; `message` is the English wording, for logs and tests)."""

    line: int  # spreadsheet row (header = 1); 0 = the file as a whole
    column: str | None
    key: str  # a translation key (plan_csv.*), or the text itself when `params` holds {"text": …}
    params: dict = field(default_factory=dict, compare=False)
    text_line: int | None = field(default=None, compare=False)  # where the record starts in a text editor

    def words(self, language: str | None = "en") -> str:
        if not self.key.startswith(KEY):
            return self.key
        return _worded((self.key, self.params), language)

    @property
    def message(self) -> str:
        return self.words("en")


def _worded(value: Any, language: str | None, joiner: str = ", ") -> str:
    """A parameter as text: (key, params) translated (its own parameters worded first), a list joined
    (the header's `problems` with spaces, names with commas), anything else as it is."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and value[0].startswith(KEY):
        from chalicelib.core import i18n  # at use: the catalogs are files; the rules stay free of I/O

        key, params = value
        return i18n.translate(key, language, **{name: _worded(v, language, " " if name == "problems" else ", ")
                                                for name, v in params.items()})
    if isinstance(value, list):
        return joiner.join(str(_worded(v, language)) for v in value)
    return value


@dataclass(frozen=True)
class ParseResult:
    rows: list[PlanRow]  # every data row, but only when there is no error at all (all or nothing)
    errors: list[RowError]
    delimiter: str = ","
    # Every data row that could be read into cells, also those with errors (their bad cells empty,
    # PlanRow.bad naming them): what the caller checks further so that every problem is listed.
    checked: list[PlanRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _joined(value: Any, column: str, post_id: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{column} must be a list of strings, not {type(value).__name__}")
    items = [_scalar(v) for v in value]
    for item in items:
        if LIST_SEPARATOR in item:
            raise ValidationFailed(
                f"Post {post_id or '(new)'} cannot be exported: the {column} value {item!r} contains "
                f"'{LIST_SEPARATOR}', which separates the values of that column.",
                details=[{"field": column, "message": f"contains '{LIST_SEPARATOR}'"}])
    return LIST_SEPARATOR.join(items)


def cells_of(post: Mapping[str, Any] | PlanRow) -> list[str]:
    """The cells the export writes for a post (guarded against formulas), in COLUMNS order."""
    if isinstance(post, PlanRow):
        post = {f.name: getattr(post, f.name) for f in dataclass_fields(post)}
    values = dict(post)
    if values.get("channels") is None and values.get("channel_ids") is not None:
        values["channels"] = values["channel_ids"]
    cells = []
    for column in COLUMNS:
        value = values.get(column)
        if column in ("channels", "tags", "assignees"):
            text = _joined(value, column, values.get("id"))
        else:
            text = _scalar(value)
        cells.append(guard_cell(text))
    return cells


def export_rows(posts: Iterable[Mapping[str, Any] | PlanRow], *, delimiter: str = ",") -> str:
    """CSV text of the posts: the header, then one record per post. A post is a mapping keyed by the
    column names (`channel_ids` is accepted for `channels`; assignees must already be emails) or a
    PlanRow; missing keys are empty cells. `delimiter=";"` writes what Excel in a ru/de… locale opens
    into columns on a double click."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS}")
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL, doublequote=True)
    writer.writerow(COLUMNS)
    for post in posts:
        writer.writerow(cells_of(post))
    return out.getvalue()


def export_bytes(posts: Iterable[Mapping[str, Any] | PlanRow], *, delimiter: str = ",") -> bytes:
    """`export_rows` as UTF-8 with a byte order mark: without it Excel reads the file as the local ANSI
    code page and shows Cyrillic as mojibake."""
    return codecs.BOM_UTF8 + export_rows(posts, delimiter=delimiter).encode("utf-8")
