"""Metric snapshots for people: enter one by hand, list the campaign's subjects with the snapshot that counts,
export and import them as CSV. Who may: reading needs view_campaigns, writing manage_campaigns (the campaign
is read through campaigns.service.require / managed: 404 outside the person's brands, 403 without the
permission, 409 when the campaign is archived — it is read-only then). A person sees, and may enter or import,
only the subjects of the kinds campaigns/service.sees allows: publication targets (post titles) with view_posts,
deliverables (bloggers' handles) with view_deals; any other is refused as unknown.

    record(principal, campaign_id, subject, taken_at, values, *, zone=None) -> (Snapshot, created)
    overview(principal, campaign_id) -> (campaign, [(Subject, Snapshot | None)])
    export_csv(principal, campaign_id) -> bytes
    import_csv(principal, campaign_id, data) -> {created, unchanged, skipped}
    zone_of(campaign) -> str                       the brand's IANA zone (the page shows and reads times in it)

Writes are conditional puts (the item must not exist) with an audit entry and a condition check that the
campaign is still active in the same transaction (archived meanwhile: 409, nothing written); the sk (repo.py)
makes a retry of the same entry find its own item: it answers created False and writes nothing. A retry
without taken_at is a new entry ("now" has moved on): clients that retry send taken_at.
taken_at: an instant (UTC, or with an offset) from the API and the CSV, the brand's local wall time from the
page's form (`zone`); not before 2000 (rules/metrics.EARLIEST), not in the future (a minute of skew allowed).
A CSV import is all or nothing as far as the file goes: every problem of every row is listed in one 422 and
nothing is written; a row identical to the latest snapshot (or to a snapshot already imported) is
"unchanged". Its new snapshots are written in transactions of up to 98 (with the campaign's check and the
audit entry); should one of them meet a concurrent import of the same rows, or the campaign archived meanwhile
(409), uploading the file again completes it, the rows written before counting as unchanged.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from chalicelib.campaigns import repo as campaigns_repo
from chalicelib.campaigns.metrics import csv_format, read, repo
from chalicelib.campaigns.metrics.instants import read_instant, read_wall
from chalicelib.campaigns.metrics.subjects import Subject, subject_of, subjects_of
from chalicelib.campaigns.rules import metrics as rules
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change, WriteConflict, transact
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

K = "campaign_metrics."
SNAPSHOTS_PER_TRANSACTION = 100 - 2  # and the campaign's condition check and the audit entry
CHECK_FAILED = "ConditionalCheckFailed"
CLOCK_SKEW = timedelta(minutes=1)  # a time "now" on a client whose clock runs a little ahead is not the future
MAX_DETAILS = 200


def _t(principal: Principal, key: str, **params) -> str:
    return i18n.translate(K + key, principal.language, **params)


def campaign(principal: Principal, campaign_id: str, permission: Permission = Permission.view_campaigns):
    from chalicelib.campaigns import service as campaigns

    return campaigns.require(principal, campaign_id, permission)


def seen(principal: Principal, item):
    """Which subjects the person sees (campaigns/service.sees): targets (posts) with view_posts, deliverables
    (deals) with view_deals; the others are neither listed nor accepted (as if unknown)."""
    from chalicelib.campaigns import service as campaigns

    return campaigns.sees(principal, item.brand_id)


def managed(principal: Principal, campaign_id: str):
    """The campaign for a change: manage_campaigns, and not archived (an archived campaign is read-only: 409)."""
    from chalicelib.campaigns import service as campaigns

    return campaigns.managed(principal, campaign_id)


def zone_of(campaign) -> str:
    """The IANA zone of the campaign's brand (its pages show times in it, the page's form reads them in it)."""
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(campaign.brand_id)
    return (brand.timezone if brand is not None else None) or "UTC"


# --- one snapshot by hand -------------------------------------------------------------------------------

def value_problems(principal: Principal, problems: list[rules.Problem], prefix: str = "values") -> list[dict]:
    """The rules' problems as {field, message} in the reader's language."""
    details = []
    for problem in problems:
        field = f"{prefix}.{problem.field}" if problem.field and problem.code != "unknown" else prefix
        details.append({"field": field, "message": _t(principal, f"problem.{problem.code}", field=problem.field or "",
                                                      value=problem.value or "",
                                                      known=", ".join(rules.METRIC_FIELDS))})
    return details


def _refuse(principal: Principal, details: list[dict]) -> ValidationFailed:
    return ValidationFailed(details[0]["message"] if len(details) == 1 else
                            _t(principal, "error.several", count=len(details)), details=details)


def _taken_at(principal: Principal, text: str | None, zone: str | None) -> tuple[str | None, dict | None]:
    """(stored UTC form, None) or (None, the problem). `zone`: the text is a local wall time of that zone."""
    now = utcnow()
    if text is None or not str(text).strip():
        return iso(now), None
    text = str(text)
    instant = read_wall(text, zone) if zone else read_instant(text)
    if instant is None:
        key = "error.taken_at_wall" if zone else "error.taken_at_form"
        return None, {"field": "taken_at", "message": _t(principal, key, value=text, zone=zone or "UTC")}
    problem = rules.taken_at_problem(instant, now + CLOCK_SKEW)
    if problem:
        return None, {"field": "taken_at", "message": _t(principal, f"error.{problem}", value=text,
                                                          earliest=rules.EARLIEST.year)}
    return iso(instant), None


def _archived_meanwhile(conflict: WriteConflict) -> bool:
    """Whether a transaction failed on the campaign's condition check (checks go first in a TransactWrite)."""
    return bool(conflict.reasons) and conflict.reasons[0] == CHECK_FAILED


def record(principal: Principal, campaign_id: str, subject: str, taken_at: str | None,
           values: Mapping[str, Any], *, source: str = "manual", zone: str | None = None) -> tuple[read.Snapshot, bool]:
    """Enter one snapshot of a subject of the campaign: (the snapshot, whether it was written now). `zone`: the
    taken_at text is a local wall time in it (the page's form); None: an instant in UTC or with an offset."""
    item = managed(principal, campaign_id)
    details: list[dict] = []
    subject = (subject or "").strip()
    found = subject_of(item.id, subject) if subject else None
    if found is None or not seen(principal, item).kind(found.kind):
        details.append({"field": "subject", "message": _t(principal, "error.subject", subject=subject)})
    when, problem = _taken_at(principal, taken_at, zone)
    if problem:
        details.append(problem)
    checked, problems = rules.check_values(values or {})
    details += value_problems(principal, problems)
    if details:
        raise _refuse(principal, details)
    snapshot = repo.new_snapshot(subject, when, source, checked, entered_by=principal.user_id)
    change = Change(item.brand_id, "campaign", item.id, "metrics_entered",
                    after={"subject": subject, "taken_at": when, "source": source, "values": checked})

    def build(tx) -> None:
        campaigns_repo.still_active(item.id, item.brand_id)(tx)
        tx.save(snapshot, condition=repo.not_there())

    try:
        transact(principal.actor, change, build)
        created = True
    except WriteConflict as conflict:
        if _archived_meanwhile(conflict):
            raise Conflict(_t(principal, "error.archived")) from None
        created = False  # the same entry again (a retry): it is there already
    return read.Snapshot(subject=subject, taken_at=when, source=source, values=checked), created


# --- the campaign's subjects -------------------------------------------------------------------------------

def latest_of_subjects(subjects: list[Subject]) -> list[tuple[Subject, read.Snapshot | None]]:
    latest = read.latest(s.key for s in subjects)
    return [(s, latest.get(s.key)) for s in subjects]


def overview(principal: Principal, campaign_id: str):
    """(campaign, [(subject, its latest snapshot or None)]) — the subjects the person sees."""
    item = campaign(principal, campaign_id, Permission.view_campaigns)
    shown = seen(principal, item)
    return item, latest_of_subjects(subjects_of(item.id, posts=shown.posts, deals=shown.deals))


# --- CSV -------------------------------------------------------------------------------------------------------

def export_csv(principal: Principal, campaign_id: str) -> bytes:
    """One row per subject the person sees: subject, label, platform, and the latest snapshot's taken_at and
    values."""
    _item, rows = overview(principal, campaign_id)
    return csv_format.export_bytes({"subject": s.key, "label": s.label, "platform": s.platform,
                                    "taken_at": snap.taken_at if snap else None,
                                    **(snap.values if snap else {})} for s, snap in rows)


def _csv_details(principal: Principal, problems: list[csv_format.Problem]) -> list[dict]:
    return [{"line": p.row, "field": p.column,
             "message": _t(principal, f"csv.{p.code}", **{k: v for k, v in p.params.items()})}
            for p in problems[:MAX_DETAILS]]


def _refused(principal: Principal, problems: list[csv_format.Problem]) -> ValidationFailed:
    """The 422 of a file with problems: how many, on how many lines (the file-wide ones on none), and — when
    there are more than MAX_DETAILS — that only the first are listed. The "stopped after …" marker is listed but
    not counted."""
    real = [p for p in problems if p.code != "too_many_problems"]
    lines = len({p.row for p in real if p.row > 0})
    language = principal.language
    if lines:
        message = i18n.plural(K + "csv.refused", len(real), language,
                              lines=i18n.plural(K + "csv.lines", lines, language))
    else:
        message = i18n.plural(K + "csv.refused_file", len(real), language)
    if len(problems) > MAX_DETAILS:
        message += " " + _t(principal, "csv.first_listed", shown=MAX_DETAILS)
    return ValidationFailed(message, details=_csv_details(principal, problems))


def _unchanged(row: csv_format.Row, history: list[read.Snapshot]) -> bool:
    current = rules.current(history)  # what the export wrote: per metric, the newest value known
    if current is not None and rules.same_values(current[1], row.values) and \
            row.taken_at in (None, current[0].taken_at):
        return True
    return any(s.taken_at == row.taken_at and s.source == "csv" and rules.same_values(s.values, row.values)
               for s in history)


def import_csv(principal: Principal, campaign_id: str, data: bytes | str) -> dict:
    """A file of snapshots (csv_format.py): all rows checked first, then the new ones written."""
    item = managed(principal, campaign_id)
    now = utcnow()
    parsed = csv_format.parse(data, now=now + CLOCK_SKEW)
    problems = list(parsed.problems)
    if parsed.named:
        shown = seen(principal, item)
        known = {s.key for s in subjects_of(item.id, posts=shown.posts, deals=shown.deals)}
        problems += [csv_format.Problem(row, "subject", "subject_unknown", {"value": subject})
                     for row, subject in parsed.named if subject not in known]
    if problems:
        problems.sort(key=lambda p: (p.row, COLUMN_ORDER.get(p.column, 99)))
        raise _refused(principal, problems)
    histories = read.history(r.subject for r in parsed.rows)
    stamp = iso(now)
    new = [repo.new_snapshot(r.subject, r.taken_at or stamp, "csv", r.values, entered_by=principal.user_id)
           for r in parsed.rows if not _unchanged(r, histories[r.subject])]
    for start in range(0, len(new), SNAPSHOTS_PER_TRANSACTION):
        chunk = new[start:start + SNAPSHOTS_PER_TRANSACTION]

        def build(tx, chunk=chunk) -> None:
            campaigns_repo.still_active(item.id, item.brand_id)(tx)
            for snapshot in chunk:
                tx.save(snapshot, condition=repo.not_there())

        change = Change(item.brand_id, "campaign", item.id, "metrics_imported",
                        after={"snapshots": len(chunk), "subjects": sorted({s.subject for s in chunk})})
        try:
            transact(principal.actor, change, build)
        except WriteConflict as conflict:
            if _archived_meanwhile(conflict):
                raise Conflict(_t(principal, "csv.archived", written=start)) from None
            raise Conflict(_t(principal, "csv.meanwhile", written=start)) from None
    return {"created": len(new), "unchanged": len(parsed.rows) - len(new), "skipped": parsed.skipped}


COLUMN_ORDER = {c: n for n, c in enumerate(csv_format.COLUMNS)} | {None: -1}
