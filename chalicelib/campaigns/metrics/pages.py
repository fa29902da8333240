"""Metric snapshots in the browser: the campaign's publications and deliverables with their latest values
and source, a form to enter a snapshot by hand, the CSV download and upload (templates/campaigns/metrics.html).

  GET  /campaigns/{id}/metrics           the page (view_campaigns; the forms only for manage_campaigns); times
                                         in the brand's zone (named in the column's head), networks by name;
                                         ?subject=<key> chooses that subject in the hand-entry form (one of
                                         the campaign's, else nothing is chosen): `entry_path` makes the link
                                         the post and deal pages give
  POST /campaigns/{id}/metrics           the hand-entry form: subject, taken_at (the brand's local time from a
                                         datetime-local input, empty: now), a field per metric (empty: not
                                         known) → 303 back (?done=entered|same) or the page again with the
                                         errors by the fields (422)
  POST /campaigns/{id}/metrics/import    multipart: `file` (CSV ≤ 2 MB) → 303 back with the counts, or the page
                                         again with every problem listed with its line (422)

Thin like every page: the door (sign-in, CSRF, errors as pages) → service.py.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import PayloadTooLarge, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.identity.upload_door import upload_page

service = lazy_import("chalicelib.campaigns.metrics.service")
display = lazy_import("chalicelib.deals.page_display")

bp = Blueprint(__name__)

PATH = "/campaigns/{campaign_id}/metrics"
NOTICES = ("entered", "same", "imported")
MAX_CSV_BYTES = 2_000_000  # csv_format.MAX_BYTES (not imported here: the page module stays light)
COUNTS = ("created", "unchanged", "skipped")
COUNT_TEXT = re.compile(r"[0-9]{1,8}", re.ASCII)  # a count in the notice's query: ASCII digits, not too many


def _metric_fields() -> tuple[str, ...]:
    from chalicelib.campaigns.rules.fields import METRIC_FIELDS  # at use: the models are not loaded with the app

    return METRIC_FIELDS


def _t(call: PageCall, key: str, **params) -> str:
    return i18n.translate(key, call.language, **params)


def _path(campaign_id: str) -> str:
    return f"/campaigns/{quote(campaign_id, safe='')}/metrics"


def entry_path(campaign_id: str, subject: str | None = None) -> str:
    """The page's hand-entry form, `subject` ("target:<post id><channel id>" or "deliverable:<id>") chosen in it."""
    query = f"?{urlencode({'subject': subject})}" if subject else ""
    return f"{_path(campaign_id)}{query}#enter"


def _chosen(call: PageCall, rows) -> FormState | None:
    """The hand-entry form with the subject the link asked for (?subject=) chosen, if it is one of the rows'."""
    wanted = call.query.get("subject") if call.request.method == "GET" else None
    if not wanted or not any(subject.key == wanted for subject, _snap in rows):
        return None
    return FormState(values={"subject": wanted})


def _notice(call: PageCall) -> str | None:
    done = call.query.get("done") if call.request.method == "GET" else None
    if done not in NOTICES:
        return None
    if done == "imported":
        texts = {name: call.query.get(name) or "0" for name in COUNTS}
        counts = {name: int(text) if COUNT_TEXT.fullmatch(text) else 0 for name, text in texts.items()}
        return _t(call, "campaign_metrics.notice.imported", **counts)
    return _t(call, f"campaign_metrics.notice.{done}")


def _number(value: int, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=i18n.normalize(language))


def _metrics_page(call: PageCall, campaign_id: str, *, status: int = 200, form: FormState | None = None,
                  csv_errors: list[dict] | None = None, csv_message: str | None = None):
    campaign, rows = service.overview(call.principal, campaign_id)
    can_manage = call.principal.can(campaign.brand_id, Permission.manage_campaigns)
    zone = service.zone_of(campaign)
    shown = display.Shown(call.language)
    metric_fields = _metric_fields()
    sources = {s: _t(call, f"campaign_metrics.source.{s}") for s in ("manual", "csv", "check")}
    kinds = {"target": _t(call, "campaign_metrics.page.kind_target"),
             "deliverable": _t(call, "campaign_metrics.page.kind_deliverable")}
    table = [{"subject": s, "kind": kinds.get(s.kind, s.kind),
              "platform": display.platform(s.platform, call.language) if s.platform else "",
              "taken_at": shown.instant(snap.taken_at, zone).removesuffix(f" ({zone})") if snap else None,
              "source": sources.get(snap.source, snap.source) if snap else None,
              "values": {m: _number(snap.values[m], call.language) for m in metric_fields if m in snap.values}
              if snap else {}} for s, snap in rows]
    metrics = [(m, _t(call, f"campaign_metrics.metric.{m}")) for m in metric_fields]
    return call.render("campaigns/metrics.html", status=status, campaign=campaign, rows=table, metrics=metrics,
                       can_manage=can_manage, zone=zone, form=form or _chosen(call, rows) or FormState(),
                       csv_errors=csv_errors or [],
                       csv_message=csv_message, notice=_notice(call), page_url=_path(campaign.id),
                       import_url=_path(campaign.id) + "/import", csv_url=f"/v1{_path(campaign.id)}.csv")


@page(bp, PATH)
def metrics_page(call: PageCall, campaign_id):
    return _metrics_page(call, campaign_id)


def _form_errors(exc: ValidationFailed) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in exc.details or []:
        field = str(detail.get("field") or "")
        name = field.removeprefix("values.") if field.startswith("values.") else field
        name = name if name in ("subject", "taken_at", *_metric_fields()) else "__all__"
        errors.setdefault(name, detail.get("message") or exc.message)
    return errors or {"__all__": exc.message}


@page(bp, PATH, ("POST",), back=PATH)
def enter_snapshot(call: PageCall, campaign_id):
    campaign = service.managed(call.principal, campaign_id)  # 403 (409 archived) before the form is read
    posted = call.form or {}
    values = {name: posted.get(name, "").strip() for name in ("subject", "taken_at", *_metric_fields())}
    given = {m: values[m] for m in _metric_fields() if values[m]}
    try:
        _snapshot, created = service.record(call.principal, campaign_id, values["subject"],
                                            values["taken_at"] or None, given, zone=service.zone_of(campaign))
    except ValidationFailed as exc:
        return _metrics_page(call, campaign_id, status=422, form=FormState(values, _form_errors(exc)))
    return call.redirect(_path(campaign_id), fragment="subjects", done="entered" if created else "same")


def _too_large(call: PageCall, _size: int) -> Exception:
    return PayloadTooLarge(_t(call, "campaign_metrics.page.too_large", limit=MAX_CSV_BYTES // 1_000_000))


@upload_page(bp, PATH + "/import", back=PATH, limit=MAX_CSV_BYTES, too_large=_too_large)
def import_csv(call: PageCall, fields, files, campaign_id):
    service.managed(call.principal, campaign_id)
    part = files.get("file")
    if part is None or not part.data:
        return _metrics_page(call, campaign_id, status=422, csv_message=_t(call, "campaign_metrics.page.no_file"))
    try:
        counts = service.import_csv(call.principal, campaign_id, part.data)
    except ValidationFailed as exc:
        return _metrics_page(call, campaign_id, status=422, csv_message=exc.message, csv_errors=exc.details)
    return call.redirect(_path(campaign_id), fragment="subjects", done="imported",
                         **{name: counts[name] for name in COUNTS})
