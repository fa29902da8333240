"""The calendar's bulk form target (POST /calendar/bulk): the posts ticked on the calendar, an action and
(for move) a number of days. Export answers with the CSV download; the other actions with a page listing
each post with its outcome (done, or why not, in the reader's language) and a way back to the calendar.

Thin like calendar_pages.py: parse → plan/bulk.py → render. The form (calendar.html, `#bulk-form`) sends
brand_id, the CSRF token, `post_ids` repeated (each `<id>` or `<id>:<version seen>`), `action`, `days`.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from chalice import Blueprint

from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.plan.page_kit import post_path, status_labels

bulk = lazy_import("chalicelib.plan.bulk")
rules = lazy_import("chalicelib.plan.rules.bulk")
brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)

MAX_FIELDS = 250  # as the form pipeline (core/http/forms.MAX_FORM_FIELDS): 100 ticked posts and the form's own fields


def _values(call: PageCall, name: str) -> list[str]:
    """Every value of a repeated field (the pipeline's form keeps only the last one)."""
    raw = (call.request.raw_body or b"").decode("utf-8", "replace")
    try:
        return parse_qs(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS).get(name, [])
    except ValueError:
        return ["-"] * (rules.MAX_POSTS + 1)  # over any cap: reported as too many


def _days(text: str | None) -> int | None:
    text = (text or "").strip()
    if text.lstrip("+-").isdigit() and len(text) <= 6:
        return int(text)
    return None


def _calendar_link(call: PageCall, brand_id: str, report) -> dict:
    """Back to the calendar: the view the form came from, on the day the first moved post now is."""
    link = {"brand_id": brand_id}
    for name in ("view", "date"):
        value = (call.form.get(name) or "").strip()
        if value and len(value) <= 20:
            link[name] = value
    if report is not None and report.action == "move":
        moved = next((r for r in report.results if r.ok and r.publish_at), None)
        if moved is not None:
            link["date"] = moved.publish_at[:10]
    return link


@page(bp, "/calendar/bulk", ("POST",), back="/calendar")
def bulk_action(call: PageCall):
    form = call.form
    brand = brands.get(call.principal, (form.get("brand_id") or "").strip())
    action = (form.get("action") or "").strip()
    seen = rules.clean_ids(_values(call, "post_ids"))
    days = _days(form.get("days")) if action == "move" else None
    problem = bulk.request_problem(call.language, action, seen, days)
    if problem is not None:
        return call.render("bulk_result.html", status=422, brand=brand, action=action, days=days, problem=problem,
                           results=[], ok_count=0, failed_count=0, status_labels={},
                           calendar=_calendar_link(call, brand.id, None))
    if action == "export":
        from chalicelib.core.http.api import csv_file

        return csv_file(bulk.export(call.principal, brand.id, seen, language=call.language), f"posts-{brand.id}.csv")
    report = bulk.run(call.principal, brand.id, action, seen, days, language=call.language)
    rows = [{"result": r, "path": post_path(r.post_id) if r.title is not None else None,  # not found: no link
             "when": r.publish_at.replace("T", " ") if r.ok and r.publish_at else None} for r in report.results]
    return call.render("bulk_result.html", brand=brand, action=action, days=days, problem=None, results=rows,
                       ok_count=report.ok_count, failed_count=report.failed_count,
                       status_labels=status_labels(call.language), calendar=_calendar_link(call, brand.id, report))
