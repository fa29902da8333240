"""The content plan as CSV in the browser (templates/plan_csv.html): export with a date range, import
with a per-row report. The same rules and permissions as the API (plan/service.py):

  GET  /calendar/csv?brand_id=<id>                  the page (view_posts; the import form with edit_posts)
  GET  /calendar/csv/export?brand_id=&from=&to=     the CSV download: posts with a publish time from
                                                    00:00 on `from` to 24:00 on `to`, days in the brand's
                                                    zone (both empty: every post, undated ones too); a bad
                                                    range → the page again with the problem (422)
  POST /calendar/csv/import                         multipart: brand_id, file (CSV ≤ 2 MB, ≤ 2000 rows) → the page with
                                                    the report: every row created / updated / unchanged
                                                    (200), or every problem with row, column and message
                                                    (422, nothing imported)

Thin like every page: the door (sign-in, CSRF, errors as pages) → service.py.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import PayloadTooLarge, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.identity.upload_door import upload_page

plan = lazy_import("chalicelib.plan.service")
brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)

PATH = "/calendar/csv"
MAX_CSV_BYTES = 2_000_000  # csv_import.MAX_BYTES (not imported here: the page module stays light)
MAX_CSV_ROWS = 2000  # csv_import.MAX_ROWS = service.MAX_EXPORT (a test checks they agree)


def _t(call: PageCall, key: str, **params) -> str:
    return i18n.translate(key, call.language, **params)


def _brand(call: PageCall, brand_id: str | None):
    brand = brands.get(call.principal, (brand_id or "").strip())
    call.principal.require(brand.id, Permission.view_posts)
    return brand


def _page(call: PageCall, brand, *, status: int = 200, form: FormState | None = None, report: dict | None = None):
    can_import = call.principal.can(brand.id, Permission.edit_posts)
    outcomes = {"created": _t(call, "plan_csv.outcome.created"), "updated": _t(call, "plan_csv.outcome.updated"),
                "unchanged": _t(call, "plan_csv.outcome.unchanged")}
    return call.render("plan_csv.html", status=status, brand=brand, form=form or FormState(), report=report,
                       can_import=can_import, outcomes=outcomes, max_mb=MAX_CSV_BYTES // 1_000_000,
                       max_rows=MAX_CSV_ROWS,
                       export_url="/calendar/csv/export", import_url="/calendar/csv/import",
                       calendar_url=f"/calendar?brand_id={brand.id}")


@page(bp, PATH)
def csv_page(call: PageCall):
    return _page(call, _brand(call, call.query.get("brand_id")))


FIRST_YEAR, LAST_YEAR = 1970, 2100  # core/schedule.MIN_YEAR, MAX_YEAR: the years a post may be planned in
OPEN_END = "9999-12-31"  # the API's bound after every planned time (plan/service.LAST_DAY)


class BadYears(ValueError):
    """A day outside FIRST_YEAR..LAST_YEAR."""


def _day(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    day = date.fromisoformat(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadYears(text)
    return day


def _utc_bound(day: date, zone: str) -> str:
    """00:00 of `day` in `zone` as the API's UTC bound (YYYY-MM-DDTHH:MMZ)."""
    from chalicelib.core import schedule

    instant = schedule.to_utc(datetime.combine(day, time()), zone)
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def export_range(first: str | None, last: str | None, zone: str) -> tuple[str | None, str | None]:
    """The API's [from, to) for the local days `first`..`last` (both included); ValueError if a day is
    not YYYY-MM-DD or the first is after the last, BadYears (a ValueError) if a day is outside the years
    a post may be planned in (FIRST_YEAR..LAST_YEAR)."""
    start, end = _day(first), _day(last)
    if start and end and start > end:
        raise ValueError("the first day is after the last")
    if end is None:
        upper = None
    elif end.year == LAST_YEAR and (end.month, end.day) == (12, 31):
        upper = OPEN_END  # the day after is past every planned time (and past what schedule resolves)
    else:
        upper = _utc_bound(end + timedelta(days=1), zone)
    return (_utc_bound(start, zone) if start else None, upper)


@page(bp, PATH + "/export")
def export_csv(call: PageCall):
    from chalicelib.core.http.api import csv_file

    brand = _brand(call, call.query.get("brand_id"))
    values = {name: (call.query.get(name) or "").strip()[:40] for name in ("from", "to")}
    try:
        start, end = export_range(values["from"], values["to"], brand.timezone)
    except BadYears:
        form = FormState(values, {"from": _t(call, "plan_csv.page.bad_years", first=FIRST_YEAR, last=LAST_YEAR)})
        return _page(call, brand, status=422, form=form)
    except ValueError:  # also schedule.InvalidSchedule (a ValidationFailed and a ValueError)
        form = FormState(values, {"from": _t(call, "plan_csv.page.bad_range")})
        return _page(call, brand, status=422, form=form)
    try:
        data = plan.export(call.principal, brand.id, start, end, language=call.language)
    except ValidationFailed as exc:  # more than one file can hold: a shorter range
        return _page(call, brand, status=422, form=FormState(values, {"to": exc.message}))
    suffix = "-".join(v for v in (values["from"], values["to"]) if v)
    return csv_file(data, f"content-plan-{brand.id}{'-' + suffix if suffix else ''}.csv")


def _too_large(call: PageCall, _size: int) -> Exception:
    return PayloadTooLarge(_t(call, "plan_csv.page.too_large", limit=MAX_CSV_BYTES // 1_000_000))


@upload_page(bp, PATH + "/import", back=PATH, limit=MAX_CSV_BYTES, too_large=_too_large)
def import_csv(call: PageCall, fields, files):
    brand = _brand(call, call.form.get("brand_id"))
    call.principal.require(brand.id, Permission.edit_posts)
    part = files.get("file")
    if part is None or not part.data:
        report = {"ok": False, "message": _t(call, "plan_csv.page.no_file"), "errors": [], "rows": []}
        return _page(call, brand, status=422, report=report)
    try:
        result = plan.import_plan(call.principal, brand.id, part.data, language=call.language)
    except ValidationFailed as exc:
        errors = [{"line": d.get("line"), "field": d.get("field"), "message": d.get("message")}
                  for d in exc.details or []] or [{"line": None, "field": None, "message": exc.message}]
        report = {"ok": False, "message": exc.message, "errors": errors, "rows": [],
                  "summary": _t(call, "plan_csv.page.refused", errors=len(errors))}
        return _page(call, brand, status=422, report=report)
    counts = {name: len(result[name]) for name in ("created", "updated", "unchanged")}
    report = {"ok": True, "message": _t(call, "plan_csv.page.imported", **counts), "errors": [],
              "rows": result["rows"], "counts": counts}
    return _page(call, brand, report=report)
