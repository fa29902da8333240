"""The content plan as CSV: export a brand's posts (for a period, or the chosen ones), import a file of
new, changed and unchanged posts.

Import is all-or-nothing. Every row is read and checked before anything is written, and every problem
of every row is listed (the file's own rules, then for each row what the API would refuse: channels,
network limits, time zones, assignees, the version of a changed post), each with its spreadsheet row
and column, worded in the reader's language. A row equal to its post as the export writes it is
`unchanged`: nothing is written for it, whatever the post's status. A changed row updates its post
through content.service.update (conditional on the revision, audited, the workflow's rules for an
edit), with only the columns that changed; a row without an id creates a post. A changed row of a post
that can no longer change (published, archived, …) is an error of that row.
Only a concurrent edit of the same post between the check and the write can stop an import part-way;
then the answer says which rows were written.
"""
from __future__ import annotations

import dataclasses

from pydantic import ValidationError

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.content import repo as post_repo
from chalicelib.content import service as posts
from chalicelib.content.rules import workflow as wf
from chalicelib.content.schemas import PostCreate, PostPatch, PostQuery
from chalicelib.core import i18n
from chalicelib.core.clock import iso, parse_utc
from chalicelib.core.db.pages import drain
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.core.http.forms import errors_from_validation
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.plan.rules import csv_format, csv_import
from chalicelib.plan.rules.csv_format import KEY, PlanRow, RowError

MAX_EXPORT = csv_import.MAX_ROWS  # a file the export writes must import back: same row (and byte) limits
MAX_DETAILS = 1000
UNSCHEDULED = "~"  # undated posts sort last (content/repo.calendar_sk)
LAST_DAY = "9999-12-31"
# A post field of the API (as an error's `field` names it) → the CSV column it comes from.
FIELD_COLUMNS = {"title": "title", "body": "body", "channel_ids": "channels", "variants": "body",
                 "content_type": "content_type", "publish_at": "publish_at", "publish_now": "publish_at",
                 "timezone": "timezone", "tags": "tags", "assignee_ids": "assignees", "campaign_id": "campaign_id",
                 "due_at": "due_at", "version": "version", "media": None}
COLUMN_FIELDS = {"channels": "channel_ids", "assignees": "assignee_ids"}


# --- export --------------------------------------------------------------------------------------

def _values(post, people: dict) -> dict:
    """A post as the export writes it (csv_format.export_rows's mapping)."""
    return {
        "id": post.id, "title": post.title, "body": post.body, "channels": list(post.channel_ids or []),
        "content_type": post.content_type, "publish_at": post.publish_wall, "timezone": post.timezone,
        "tags": list(post.tags or []),
        "assignees": [people[u].email for u in (post.assignee_ids or []) if u in people],
        "campaign_id": post.campaign_id, "due_at": post.due_at, "status": post.status, "version": int(post.version),
    }


def _people(items) -> dict:
    return user_repo.batch_get([uid for p in items for uid in (p.assignee_ids or [])])


def _bound(text: str | None) -> str | None:
    """A range bound of the API (a UTC date, or date and time) as stored instants are written."""
    return iso(parse_utc(text)) if text else None


def _chosen(principal: Principal, brand_id: str, start: str | None, end: str | None, post_ids) -> list:
    """The posts of `post_ids` in the brand (others, and unknown ids, left out) within [start, end) if
    given, in calendar order (by publish time, undated last)."""
    low, high = _bound(start), _bound(end)
    found = []
    for post in post_repo.batch_get([str(p) for p in post_ids]).values():
        if post.brand_id != brand_id:
            continue
        key = post.publish_at or UNSCHEDULED
        if (low and key < low) or (high and key >= high):
            continue
        found.append(post)
    return sorted(found, key=lambda p: (p.publish_at or UNSCHEDULED, p.id))[:MAX_EXPORT + 1]


def _too_big(principal: Principal, what: str, language: str | None) -> ValidationFailed:
    language = i18n.normalize(language or principal.language)
    message = i18n.translate(KEY + f"export.too_{what}", language, rows=csv_import.MAX_ROWS,
                             mb=csv_import.MAX_BYTES // 1_000_000)
    return ValidationFailed(message, details=[{"field": "to", "message": message}])


def export(principal: Principal, brand_id: str, from_: str | None, to: str | None, post_ids=None, *,
           language: str | None = None) -> bytes:
    """The plan as CSV bytes: the posts with a publish time in [from_, to) (UTC dates or instants; a
    range holds only posts with a publish time; both empty: every post, undated ones too), or only
    those of `post_ids` (the chosen posts of the brand, still within from_/to if given).
    A file the import could not read back (more than csv_import.MAX_ROWS posts, or more than
    csv_import.MAX_BYTES) is refused (ValidationFailed: export a shorter date range)."""
    principal.require(brand_id, Permission.view_posts)
    if from_ and not to:
        to = LAST_DAY  # a range holds dated posts only (undated ones sort after every date)
    if post_ids is not None:
        rows = _chosen(principal, brand_id, from_, to, post_ids)
    else:
        rows = list(drain(lambda cursor: posts.list_posts(principal, PostQuery.model_validate(
            {"brand_id": brand_id, "from": from_, "to": to, "cursor": cursor, "limit": 100})),
            max_items=MAX_EXPORT + 1))
    if len(rows) > MAX_EXPORT:
        raise _too_big(principal, "many", language)
    people = _people(rows)
    data = csv_format.export_bytes([_values(p, people) for p in rows])
    if len(data) > csv_import.MAX_BYTES:
        raise _too_big(principal, "large", language)
    return data


# --- import --------------------------------------------------------------------------------------

def _all_channel_ids(brand_id: str) -> set[str]:
    return {c.id for c in drain(lambda cursor: channel_repo.list_for_brand(brand_id, cursor, 100))}


def _new_fields(row: PlanRow, assignee_ids: list[str]) -> dict:
    return {"title": row.title or "", "body": row.body or "", "channel_ids": list(row.channels),
            "content_type": row.content_type or "engaging", "publish_at": row.publish_at, "timezone": row.timezone,
            "tags": list(row.tags), "assignee_ids": assignee_ids, "campaign_id": row.campaign_id,
            "due_at": row.due_at}


def _changed_fields(row: PlanRow, columns: tuple[str, ...], assignee_ids: list[str]) -> dict:
    """The patch of a changed row: only the columns that changed (an unchanged publish time, say, is
    not sent again, so the guardrails judge only what the file changes)."""
    every = _new_fields(row, assignee_ids)
    return {COLUMN_FIELDS.get(c, c): every[COLUMN_FIELDS.get(c, c)] for c in columns}


def _column_of(field: str | None) -> str | None:
    if not field:
        return None
    return FIELD_COLUMNS.get(str(field).split(".")[0])


class _Problems:
    """Every problem of the file, in row order: RowErrors (translation keys) and the services' own
    messages (already in the reader's language)."""

    def __init__(self, language: str):
        self.language = language
        self.items: list[tuple[int, str | None, str]] = []

    def add(self, error: RowError) -> None:
        self.items.append((error.line, error.column, error.words(self.language)))

    def key(self, row: PlanRow, column: str | None, key: str, **params) -> None:
        self.add(RowError(row.line, column, KEY + key, params))

    def refused(self, row: PlanRow, exc: Exception) -> None:
        """A DomainError (or pydantic's ValidationError) of a dry run: each detail in the column it is
        about; none of a cell the file's own check found bad already (that problem is listed)."""
        if isinstance(exc, DomainError):
            details = exc.details or [{"field": None, "message": exc.message}]
            found = []
            for detail in details:
                column = _column_of(detail.get("field"))
                message = str(detail.get("message") or exc.message)
                if "code" not in detail and detail.get("field") and message != exc.message and len(message) < 40:
                    message = f"{exc.message} ({message})"  # a terse detail ("unknown channel") with its reason
                found.append((column, message))
        elif isinstance(exc, ValidationError):  # the schema's own check, worded as the web forms word it
            worded = errors_from_validation(exc, self.language)
            found = [(_column_of(None if field == "__all__" else field), message) for field, message in worded.items()]
        else:  # any other ValueError: its text, about the row as a whole
            found = [(None, str(exc) or i18n.translate("form.error.invalid", self.language))]
        for column, message in found:
            if column in row.bad or (column is None and row.bad):
                continue
            if (row.line, column, message) not in self.items:
                self.items.append((row.line, column, message))

    def details(self) -> list[dict]:
        ordered = sorted(self.items, key=lambda item: item[0])  # the file's own first (0), then by row
        return [{"line": line, "field": column, "message": message} for line, column, message in ordered]


def _speaking(principal: Principal, language: str) -> Principal:
    """The principal whose language the services word their refusals in (a page's language may differ
    from the profile's)."""
    if dataclasses.is_dataclass(principal) and principal.language != language:
        return dataclasses.replace(principal, language=language)
    return principal


def import_plan(principal: Principal, brand_id: str, data: bytes, *, language: str | None = None) -> dict:
    """Check every row of the file, then write the changed and new ones (all rows or none).
    Returns {"created": [ids], "updated": [ids], "unchanged": [ids], "rows": [{line, id, outcome}]};
    refuses with ValidationFailed listing every problem as {line, field, message}."""
    principal.require(brand_id, Permission.edit_posts)
    language = i18n.normalize(language or principal.language)
    checker = _speaking(principal, language)
    known_channels = _all_channel_ids(brand_id)
    parsed = csv_import.parse(data, known_channel_ids=known_channels)
    existing = post_repo.batch_get([row.id for row in parsed.checked if row.id and "id" not in row.bad],
                                   consistent=True)
    if any(e.key.startswith(KEY + "cell.unknown_channels") for e in parsed.errors):
        # a channel deleted since keeps its id on the posts that had it: a row may keep what its post has
        kept = {p.id: tuple(p.channel_ids or ()) for p in existing.values() if p.brand_id == brand_id}
        parsed = csv_import.parse(data, known_channel_ids=known_channels, kept_channel_ids=kept)
    problems = _Problems(language)
    for error in parsed.errors:
        problems.add(error)
    users: dict[str, str | None] = {}  # email → user id of a member, or None

    def member(email: str) -> str | None:
        email = email.strip().lower()
        if email not in users:
            user = user_repo.get_by_email(email)
            users[email] = user.id if user is not None and member_repo.get(brand_id, user.id) is not None else None
        return users[email]

    def assignee_ids(row: PlanRow) -> list[str]:
        found = []
        for email in row.assignees:
            user_id = member(email)
            if user_id is None:
                problems.key(row, "assignees", "post.not_member", email=email)
            else:
                found.append(user_id)
        return found

    people = _people(list(existing.values()))
    planned: list[tuple[str, PlanRow, object]] = []
    for row in parsed.checked:
        if "id" in row.bad:
            continue  # a bad or repeated id: said already, and what the row means is not known
        try:
            if row.id:
                planned.append(_check_change(checker, brand_id, row, existing.get(row.id), people, problems,
                                             assignee_ids))
            else:
                create = PostCreate.model_validate({**_new_fields(row, assignee_ids(row)), "brand_id": brand_id})
                posts.prepare_create(checker, create)
                planned.append(("create", row, create))
        except (DomainError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            problems.refused(row, exc)
    if problems.items:
        details = problems.details()
        rows = len({d["line"] for d in details})
        raise ValidationFailed(i18n.translate(KEY + "import.refused", language, problems=len(details), rows=rows),
                               details=details[:MAX_DETAILS])
    return _write(checker, planned, language)


def _check_change(principal: Principal, brand_id: str, row: PlanRow, post, people: dict, problems: _Problems,
                  assignee_ids):
    """A row with an id: unchanged (nothing to write), or the patch of what it changes, dry-run."""
    if post is None or post.brand_id != brand_id or not posts.sees(principal, post):
        problems.key(row, "id", "post.not_found", id=row.id)
        return ("skip", row, None)
    current = csv_import.row_of(_values(post, people))
    changed = csv_import.changed_columns(row, current)
    if not changed:
        return ("unchanged" if not row.bad else "skip", row, post.id)
    columns = ", ".join(changed)
    status = wf.Status(post.status)
    if status not in wf.EDITABLE:
        label = i18n.translate(f"post.status.{status.value}", problems.language)
        problems.key(row, changed[0], "post.locked", status=label, columns=columns)
        return ("skip", row, None)
    if row.version is None:
        if "version" not in row.bad:
            problems.key(row, "version", "post.version_needed", columns=columns)
        return ("skip", row, None)
    if row.version != int(post.version):
        problems.key(row, "version", "post.stale", version=row.version, current=int(post.version), columns=columns)
        return ("skip", row, None)
    ids = assignee_ids(row) if "assignees" in changed else []
    patch = PostPatch.model_validate({**_changed_fields(row, changed, ids), "version": row.version})
    posts.update(principal, row.id, patch, None, dry_run=True)
    return ("update", row, patch)


def _write(principal: Principal, planned: list, language: str) -> dict:
    done: dict = {"created": [], "updated": [], "unchanged": [], "rows": []}
    for kind, row, payload in planned:
        if kind == "skip":
            continue
        try:
            if kind == "create":
                post_id = posts.create(principal, payload)[0].id
            elif kind == "update":
                post_id = posts.update(principal, row.id, payload, None)[0].id
            else:
                post_id = payload
        except DomainError as exc:
            raise ValidationFailed(i18n.translate(KEY + "import.partly", language, row=row.line, message=exc.message),
                                   details=[{"line": row.line, "field": None, "message": exc.message}],
                                   written={k: v for k, v in done.items() if k != "rows"}) from None
        outcome = {"create": "created", "update": "updated"}.get(kind, "unchanged")
        done[outcome].append(post_id)
        done["rows"].append({"line": row.line, "id": post_id, "outcome": outcome})
    return done
