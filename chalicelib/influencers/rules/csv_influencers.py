"""The influencer directory as a CSV file: the columns, the checked import (text in; rows grouped into
influencers, or errors out) and the export. Pure: no I/O. What every file of the directory obeys (UTF-8,
delimiters, the formula guard, all or nothing, translated errors) and the cells' forms: rules/csv_values.py.

One row per account; an influencer without accounts is one row with the account columns empty. Columns
(the export writes them in this order; an import needs `display_name`, any other column may be left out —
an absent column leaves that field as it is, or at its default for a new one):

    influencer_id, display_name, legal_type, legal_name, inn, ogrn, country, email, telegram, phone,
    agent_name, agent_contact, tags, notes, status,
    platform, handle, url, followers, avg_views, avg_likes, avg_comments, avg_shares, posts_sampled,
    audience_credibility_pct, mass_followers_pct, sponsored_share_pct, top_countries, rkn_registry_number

  - which rows are one influencer: rows with the same `influencer_id` (the export writes it) are that
    influencer of the brand, whose fields the file updates and whose accounts it updates (matched by
    platform + handle) or adds; rows without an id are NEW influencers, one per distinct `display_name`
    (compared case-insensitively, blanks collapsed). The first row of an influencer carries its fields;
    its other rows repeat them or leave them empty (a different value is an error naming the first row).
  - tags: separated by commas ("food, travel"); top_countries: "RU:61.5, KZ:10" (percent; "61,5" and a
    trailing % are read too); numbers may be grouped with spaces ("12 345"); percents take "," or ".".
  - status is written on export and IGNORED on import: a status change needs the state machine and, for
    some moves, a reason (POST /v1/influencers/{id}/status).
  - the legal columns (legal_name, inn, ogrn, email, telegram, phone) are exported only to those who
    may see legal data; a file without them leaves them as they are.
  - every value is checked with the API's own models (schemas.InfluencerCreate, AccountCreate) and INN /
    OGRN with their check digits (rules/legal.py; their keys: rules/csv_legal.py); a handle may appear once
    per platform in a file.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from chalicelib.core import csv_cells
from chalicelib.influencers.rules import legal
from chalicelib.influencers.rules.csv_legal import legal_errors
from chalicelib.influencers.rules.csv_values import (
    MAX_BYTES,
    MAX_ERRORS,
    TAG_SEPARATOR,
    CsvFile,
    K,
    Problem,
    RowError,
    cell_text,
    countries_text,
    plain_decimal,
    read_count,
    read_countries,
    read_percent,
    read_tags,
    schema_errors,
)

INFLUENCER_COLUMNS: tuple[str, ...] = (
    "display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "email", "telegram", "phone",
    "agent_name", "agent_contact", "tags", "notes", "status")
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "platform", "handle", "url", "followers", "avg_views", "avg_likes", "avg_comments", "avg_shares",
    "posts_sampled", "audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct", "top_countries",
    "rkn_registry_number")
COLUMNS: tuple[str, ...] = ("influencer_id", *INFLUENCER_COLUMNS, *ACCOUNT_COLUMNS)
LEGAL_COLUMNS: tuple[str, ...] = ("legal_name", "inn", "ogrn", "email", "telegram", "phone", "agent_contact")
REQUIRED: tuple[str, ...] = ("display_name",)
IGNORED_ON_IMPORT: tuple[str, ...] = ("status",)
COUNT_COLUMNS = ("followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled")
PERCENT_COLUMNS = ("audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct")
CONTACT_COLUMNS = {"email": "email", "telegram": "telegram", "phone": "phone"}
AGENT_COLUMNS = {"agent_name": "name", "agent_contact": "contact"}

MAX_ROWS = 5000  # accounts (rows) in one file
MAX_INFLUENCERS = 2000  # influencers in one file (the import writes them within one request)
MAX_ACCOUNTS = 20  # per influencer, as the API allows

_ID = re.compile(r"[0-9a-z]{1,64}")

# a cell whose own key explains its form better than the generic one
_COLUMN_HINTS = {"handle": K + "cell.handle", "telegram": K + "cell.telegram", "phone": K + "cell.phone",
                 "url": K + "cell.url", "rkn_registry_number": K + "cell.rkn", "country": K + "cell.country",
                 "email": K + "cell.email"}


@dataclass
class AccountRow:
    row: int
    platform: str
    handle: str
    values: dict[str, Any]  # the account fields the file sets (stored forms: percents as text), by column name


@dataclass
class InfluencerRows:
    """One influencer of the file: its first row's fields and the accounts of all its rows."""

    row: int  # its first row
    influencer_id: str | None  # None: a new influencer
    values: dict[str, Any]  # the influencer columns the file sets (validated, stored forms), by column name
    accounts: list[AccountRow] = field(default_factory=list)
    legal_checked: bool = False  # INN/OGRN checked here (else: the caller checks them against the stored type)


@dataclass(frozen=True)
class ParsedInfluencers:
    influencers: list[InfluencerRows]  # empty when there is any error (all or nothing)
    errors: list[RowError]
    columns: tuple[str, ...] = ()
    delimiter: str = ","
    readable: list[InfluencerRows] = field(default_factory=list)  # the influencers whose rows are fine so far,
    #                           even when others are not: the caller checks these against the brand too

    @property
    def ok(self) -> bool:
        return not self.errors


def name_key(display_name: str) -> str:
    """How rows without an id are grouped: the name case-folded, blanks collapsed."""
    return " ".join(display_name.split()).casefold()


# --- influencer and account cells ---------------------------------------------------------------------

_INFLUENCER_TO_COLUMN = {"display_name": "display_name", "legal_type": "legal_type", "legal_name": "legal_name",
                         "inn": "inn", "ogrn": "ogrn", "country": "country", "contacts.email": "email",
                         "contacts.telegram": "telegram", "contacts.phone": "phone", "contacts": "email",
                         "agent.name": "agent_name", "agent.contact": "agent_contact", "agent": "agent_name",
                         "tags": "tags", "notes": "notes"}
_ACCOUNT_TO_COLUMN = {c: c for c in ACCOUNT_COLUMNS}


def _account_problem(column: str | None, kind: str, message: str) -> str | None:
    """The key of a country-share or percent error (schema_errors' `special`)."""
    if column == "top_countries" and "100" in message:
        return K + "cell.countries_over_100"
    if column == "top_countries" and "twice" in message:
        return K + "cell.country_twice"
    if column == "top_countries":
        return K + "cell.top_countries"
    if kind in ("less_than_equal", "greater_than_equal", "decimal_max_digits", "decimal_max_places") \
            and column in PERCENT_COLUMNS:
        return K + "cell.percent"
    return None


def _schema_errors(exc: ValidationError, to_column: Mapping[str, str]) -> list[Problem]:
    return schema_errors(exc, to_column, special=_account_problem, hints=_COLUMN_HINTS)


def _influencer_values(cells: Mapping[str, str], present: Sequence[str],
                       errors: list[Problem]) -> dict[str, Any] | None:
    """The influencer columns of one row, checked with InfluencerCreate: {column: stored value or None}."""
    from chalicelib.influencers.schemas import InfluencerCreate

    data: dict[str, Any] = {"contacts": {}, "agent": {}}
    for column in present:
        if column not in INFLUENCER_COLUMNS or column in IGNORED_ON_IMPORT:
            continue
        cell = cells[column] if column == "notes" else cells[column].strip()
        if column == "tags":
            data["tags"] = read_tags(cell)
        elif column in CONTACT_COLUMNS:
            data["contacts"][CONTACT_COLUMNS[column]] = cell or None
        elif column in AGENT_COLUMNS:
            data["agent"][AGENT_COLUMNS[column]] = cell or None
        elif column in ("legal_type", "country"):
            if cell:
                data[column] = cell.lower() if column == "legal_type" else cell.upper()
        elif column == "notes":
            data["notes"] = cell or None  # trimmed by the model, as the API trims it
        else:
            data[column] = cell or None
    try:
        model = InfluencerCreate.model_validate(data)
    except ValidationError as exc:
        errors.extend(_schema_errors(exc, _INFLUENCER_TO_COLUMN))
        return None
    dumped = model.model_dump(mode="json")
    values: dict[str, Any] = {}
    for column in present:
        if column not in INFLUENCER_COLUMNS or column in IGNORED_ON_IMPORT:
            continue
        if column in CONTACT_COLUMNS:
            values[column] = dumped["contacts"].get(CONTACT_COLUMNS[column])
        elif column in AGENT_COLUMNS:
            values[column] = dumped["agent"].get(AGENT_COLUMNS[column])
        elif column in ("inn", "ogrn"):
            values[column] = legal.normalize(dumped.get(column)) or None
        else:
            values[column] = dumped.get(column)
            if values[column] == "":
                values[column] = None
    if "legal_type" in values and values["legal_type"] is None:
        values["legal_type"] = "individual"
    return values


def _account_values(cells: Mapping[str, str], present: Sequence[str],
                    errors: list[Problem]) -> dict[str, Any] | None:
    """The account columns of one row, checked with AccountCreate: {column: stored value or None}."""
    from chalicelib.influencers.schemas import AccountCreate

    data: dict[str, Any] = {}
    start = len(errors)
    for column in present:
        if column not in ACCOUNT_COLUMNS:
            continue
        cell = cells[column].strip()
        if not cell:
            continue
        if column in COUNT_COLUMNS:
            number = read_count(cell)
            if number is None:
                errors.append((column, K + "cell.whole_number", {"value": cell[:40]}))
            data[column] = number
        elif column in PERCENT_COLUMNS:
            number = read_percent(cell)
            if number is None:
                errors.append((column, K + "cell.percent", {}))
            data[column] = number
        elif column == "top_countries":
            shares = read_countries(cell)
            if shares is None:
                errors.append((column, K + "cell.top_countries", {}))
            data[column] = shares or []
        elif column == "platform":
            data[column] = cell.lower()
        else:
            data[column] = cell
    unreadable = {column for column, _, _ in errors[start:]}
    try:
        model = AccountCreate.model_validate({k: v for k, v in data.items() if k not in unreadable})
    except ValidationError as exc:
        errors.extend(_schema_errors(exc, _ACCOUNT_TO_COLUMN))
        return None
    if unreadable:
        return None
    dumped = model.model_dump(mode="json")
    values: dict[str, Any] = {}
    for column in present:
        if column not in ACCOUNT_COLUMNS:
            continue
        value = dumped.get(column)
        if column in PERCENT_COLUMNS and value is not None:
            value = plain_decimal(value)
        elif column == "top_countries":
            value = [{"country": s["country"], "pct": plain_decimal(s["pct"])} for s in value or []]
        values[column] = value
    values["platform"], values["handle"] = dumped["platform"], dumped["handle"]
    return values


# --- the file ------------------------------------------------------------------------------------------

def parse_influencers(data: bytes | str, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
                      max_influencers: int = MAX_INFLUENCERS, max_errors: int = MAX_ERRORS) -> ParsedInfluencers:
    """Read and check an influencers file. `influencers` only when there is no error at all."""
    file = CsvFile(data, COLUMNS, REQUIRED, max_bytes=max_bytes, max_rows=max_rows, max_errors=max_errors)
    groups: list[InfluencerRows] = []
    by_id: dict[str, InfluencerRows] = {}
    by_name: dict[str, InfluencerRows] = {}
    first_cells: dict[int, dict[str, str]] = {}  # a group's first row's influencer cells, by its row
    handles: dict[tuple[str, str], int] = {}
    file.read(lambda row, cells: _influencer_row(row, cells, file, by_id, by_name, groups, first_cells, handles,
                                                 max_influencers))
    columns = tuple(file.header or ())
    if file.errors:
        bad_rows = {e.row for e in file.errors}
        readable = [g for g in groups if g.row not in bad_rows and not {a.row for a in g.accounts} & bad_rows]
        return ParsedInfluencers([], file.errors, columns, file.delimiter, readable)
    return ParsedInfluencers(groups, [], columns, file.delimiter, groups)


def _influencer_row(row: int, cells: dict[str, str], file: CsvFile,
                    by_id: dict[str, InfluencerRows], by_name: dict[str, InfluencerRows],
                    groups: list[InfluencerRows], first_cells: dict[int, dict[str, str]],
                    handles: dict[tuple[str, str], int], max_influencers: int) -> None:
    header = file.header
    influencer_id = cells.get("influencer_id", "").strip() or None
    if influencer_id is not None and not _ID.fullmatch(influencer_id):
        file.add(row, "influencer_id", K + "row.bad_id", value=influencer_id[:70])
        return
    name = cells["display_name"].strip()
    group = by_id.get(influencer_id) if influencer_id else by_name.get(name_key(name)) if name else None
    problems: list[Problem] = []
    if group is None:
        if not name:
            file.add(row, "display_name", K + "cell.required")
            return
        if len(groups) >= max_influencers:
            file.stop(row, None, K + "file.too_many_influencers", limit=max_influencers)
        values = _influencer_values(cells, header, problems)
        legal_checked = False
        if values is not None and (influencer_id is None or "legal_type" in header):
            problems.extend((c, k, {}) for c, k in legal_errors(values, values.get("legal_type") or "individual"))
            legal_checked = True
        group = InfluencerRows(row, influencer_id, values or {}, legal_checked=legal_checked)
        if values is not None and not problems:
            groups.append(group)
        (by_id if influencer_id else by_name)[influencer_id or name_key(name)] = group
        first_cells[row] = {c: cells[c].strip() for c in header if c in INFLUENCER_COLUMNS}
    else:
        first = first_cells[group.row]
        for column in header:
            if column in INFLUENCER_COLUMNS and column not in IGNORED_ON_IMPORT:
                cell = cells[column].strip()
                if cell and cell != first.get(column) and not (column == "display_name" and not influencer_id):
                    problems.append((column, K + "row.differs", {"row": group.row}))
    account = _account_of(row, cells, header, problems)
    if account is not None:
        key = (account.platform, account.handle.lstrip("@").casefold())
        if key in handles:
            problems.append(("handle", K + "row.handle_twice", {"row": handles[key]}))
        else:
            handles[key] = row
            if len(group.accounts) >= MAX_ACCOUNTS:
                problems.append(("platform", K + "row.too_many_accounts", {"limit": MAX_ACCOUNTS}))
            group.accounts.append(account)
    for column, key, params in problems:
        file.add(row, column, key, **params)


def _account_of(row: int, cells: dict[str, str], header: list[str],
                problems: list[Problem]) -> AccountRow | None:
    given = [c for c in header if c in ACCOUNT_COLUMNS and cells[c].strip()]
    if not given:
        return None
    missing = [c for c in ("platform", "handle") if c not in given]
    if missing:
        problems.extend((c, K + "row.account_incomplete", {}) for c in missing)
        return None
    values = _account_values(cells, header, problems)
    if values is None:
        return None
    return AccountRow(row, values.pop("platform"), values.pop("handle"), values)


# --- export ----------------------------------------------------------------------------------------------

def export_columns(*, legal: bool) -> tuple[str, ...]:
    return COLUMNS if legal else tuple(c for c in COLUMNS if c not in LEGAL_COLUMNS)


def influencer_cells(influencer: Mapping[str, Any]) -> dict[str, str]:
    """The influencer columns of a stored influencer (plain values: contacts and agent as dicts)."""
    contacts, agent = influencer.get("contacts") or {}, influencer.get("agent") or {}
    cells = {"influencer_id": cell_text(influencer.get("id"))}
    for column in INFLUENCER_COLUMNS:
        if column in CONTACT_COLUMNS:
            cells[column] = cell_text(contacts.get(CONTACT_COLUMNS[column]))
        elif column in AGENT_COLUMNS:
            cells[column] = cell_text(agent.get(AGENT_COLUMNS[column]))
        elif column == "tags":
            cells[column] = (TAG_SEPARATOR + " ").join(influencer.get("tags") or [])
        else:
            cells[column] = cell_text(influencer.get(column))
    return cells


def account_cells(account: Mapping[str, Any] | None) -> dict[str, str]:
    if account is None:
        return {c: "" for c in ACCOUNT_COLUMNS}
    cells = {}
    for column in ACCOUNT_COLUMNS:
        value = account.get(column)
        if column == "top_countries":
            cells[column] = countries_text(value)
        elif column in COUNT_COLUMNS and value is not None:
            cells[column] = str(int(value))
        else:
            cells[column] = cell_text(value)
    return cells


def export_influencers(influencers: Iterable[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]], *,
                       legal: bool, delimiter: str = ",") -> str:
    """CSV text: one row per account of each (influencer, accounts) pair; one with empty account columns
    for an influencer without accounts. Without `legal` the legal columns are left out entirely."""
    columns = export_columns(legal=legal)

    def rows():
        for influencer, accounts in influencers:
            head = influencer_cells(influencer)
            for account in accounts or [None]:
                cells = {**head, **account_cells(account)}
                yield [cells[c] for c in columns]

    return csv_cells.write_rows(columns, rows(), delimiter=delimiter)


