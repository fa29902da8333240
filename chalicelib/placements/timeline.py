"""A deliverable's placement timeline on the deal's page (templates/placements/timeline.html, included in
each deliverable's row through deals/page_hooks.py, which app.py plugs this module into).

What it shows, in the reader's language and the brand's time zone: the agreed time and its window, the
live URL and who gave it, when the post went out, was first found and last seen, the latest result; then
every check in time order — the planned ones with their due time (the random retention checks folded into
one line: how many, until when), the done ones with their kind, time, result (an override with who and
why), findings (the rule's name, expected and actual), evidence (a download link, its SHA-256 shortened),
what it moved (the deliverable's status from → to, payments held or released) and the penalties it
charged (the deal's adjustment lines, with amounts and inputs).

A manager (manage_deals) gets the forms of pages.py: set the placement URL, run a check now, override a
done check, upload evidence; a reader (view_deals) gets the timeline only.

Light at import (app.py imports it): the reads and the services are imported when a page is made.
"""
from __future__ import annotations

from urllib.parse import quote

from chalicelib.core import i18n

NOTICES = ("placement_set", "check_run", "check_overridden", "evidence_uploaded")
RESULTS = ("pass", "warn", "fail", "inconclusive", "error")
KINDS = ("initial", "now", "window_end", "retention", "final", "top", "metrics_24h", "metrics_72h", "metrics_7d",
         "manual")
SOURCES = ("blogger", "manager", "publication")
HELD = ("hold", "release")
# the badge of a result (app.css / influencers.css)
BADGES = {"pass": "verdict-badge verdict-pass", "warn": "verdict-badge verdict-warn",
          "fail": "verdict-badge verdict-fail", "inconclusive": "status-badge status-unconfirmed",
          "error": "status-badge status-missed"}
SEVERITIES = ("fail", "warn", "info")
SHA_SHOWN = 12
NOT_SHOWN_DEALS = ("draft", "sent")  # no placement is checked before signing: no timeline


def deliverable_path(deal_id: str, deliverable_id: str) -> str:
    return f"/deals/{quote(deal_id, safe='')}/deliverables/{quote(deliverable_id, safe='')}"


def translation_keys() -> set[str]:
    """Every key this module builds from a value (for the catalog test)."""
    from chalicelib.placements.manual import CONFIRMS
    from chalicelib.placements.rules.findings import RULES

    keys = {f"placements.result.{r}" for r in RESULTS} | {f"placements.kind.{k}" for k in KINDS}
    keys |= {f"placements.rule.{r}" for r in RULES} | {f"placements.confirm.{c}" for c in CONFIRMS}
    keys |= {f"placements.page.source.{s}" for s in SOURCES} | {f"placements.page.held.{h}" for h in HELD}
    keys |= {f"placements.page.notice.{n}" for n in NOTICES} | {f"placements.page.severity.{s}" for s in SEVERITIES}
    return keys


def notice(done: str, language: str) -> str | None:
    return i18n.translate(f"placements.page.notice.{done}", language) if done in NOTICES else None


def _t(language: str):
    def t(key: str, **params) -> str:
        return i18n.translate(key, language, **params)

    return t


def _known(t, prefix: str, value: str | None) -> str | None:
    if not value:
        return None
    key = f"{prefix}.{value}"
    return t(key) if key in i18n.catalog("en") else value


class _Clock:
    """Instants in the brand's zone, written for the reader (the zone is named once, in the header)."""

    def __init__(self, language: str, zone: str):
        from chalicelib.deals.page_display import Shown

        self.shown, self.zone = Shown(language), zone

    def at(self, stamp: str | None) -> str | None:
        from chalicelib.core import schedule
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return self.shown.wall(schedule.to_wall(moment, self.zone)) if moment else None


def _window(t, language: str, deal, item) -> str:
    from chalicelib.deals import penalty_ops
    from chalicelib.placements.expected import DEFAULT_AFTER_MINUTES, DEFAULT_BEFORE_MINUTES

    terms = penalty_ops.terms_of(deal, item)
    before = DEFAULT_BEFORE_MINUTES if terms.publish_window_before_minutes is None \
        else int(terms.publish_window_before_minutes)
    after = DEFAULT_AFTER_MINUTES if terms.publish_window_after_minutes is None \
        else int(terms.publish_window_after_minutes)
    return t("placements.page.window", before=i18n.plural("common.minutes", before, language),
             after=i18n.plural("common.minutes", after, language))


def _people(checks) -> dict[str, str]:
    """{user id: name} of those who overrode a check or uploaded evidence (one BatchGetItem)."""
    from chalicelib.core.plain import plain
    from chalicelib.identity import repo as user_repo

    ids = {c.created_by for c in checks if c.kind == "manual" and c.created_by}
    ids |= {(plain(c.override) or {}).get("by") for c in checks if c.override}
    ids = sorted(i for i in ids if i and not i.startswith("influencer:"))
    if not ids:
        return {}
    return {user_id: user.name or user.email for user_id, user in user_repo.batch_get(ids).items()}


def _penalties(check, lines: dict, language: str, t) -> list[dict]:
    """The adjustment lines the check charged (gone ones: taken off by an override)."""
    from chalicelib.deals.payment_pages import adjustment_view

    out = []
    for rule in check.adjustments or []:
        record = lines.get(rule)
        name = _known(t, "payments.rule", rule)
        if record is None:
            out.append({"rule": name, "amount": None, "inputs": "", "removed": True})
        else:
            view = adjustment_view(record, language)
            out.append({"rule": view["rule"], "amount": view["amount"], "inputs": view["inputs"], "removed": False})
    return out


def _done_entry(check, clock: _Clock, t, language: str, *, lines: dict, people: dict, confirmable_names,
                can_override: bool, form) -> dict:
    from chalicelib.core.plain import plain
    from chalicelib.placements import out
    from chalicelib.placements.overrides import OVERRIDABLE

    result = out.result_of(check)
    override = plain(check.override)
    evidence = out.evidence_out(check)
    moved = plain(check.moved) or None
    entry = {
        "id": check.id, "planned": False, "kind": _known(t, "placements.kind", check.kind),
        "when": clock.at(check.checked_at or check.due_at), "result": result,
        "result_text": _known(t, "placements.result", result) or "—", "badge": BADGES.get(result, "status-badge"),
        "overridden": {"was": _known(t, "placements.result", override.get("was") or check.result),
                       "by": people.get(override.get("by"), override.get("by") or "—"),
                       "at": clock.at(override.get("at")), "reason": override.get("reason") or ""}
        if override else None,
        "findings": [{"text": f.text, "severity": f.severity, "severity_text": _known(t, "placements.page.severity",
                                                                                      f.severity),
                      "expected": f.expected, "actual": f.actual}
                     for f in out.findings_out(check.findings, language)],
        "evidence": {"download": evidence.download, "sha": evidence.sha256[:SHA_SHOWN], "sha256": evidence.sha256,
                     "status": evidence.http_status, "size": clock.shown.number(evidence.size)} if evidence else None,
        "moved": {"from": _known(t, "deals.deliverable_status", moved.get("from")),
                  "to": _known(t, "deals.deliverable_status", moved.get("to"))} if moved else None,
        "held": _known(t, "placements.page.held", check.held),
        "penalties": _penalties(check, lines, language, t),
        "error": check.last_error,
        "confirmed": [confirmable_names.get(c, c) for c in check.confirmed or []],
        "note": check.note, "by": people.get(check.created_by) if check.kind == "manual" else None,
        "override_form": None,
    }
    if can_override:
        from chalicelib.core.http.forms import FormState

        mine = form is not None and form.value("check_id") == check.id
        entry["override_form"] = {
            "action": f"/deals/{quote(check.deal_id, safe='')}/checks/{quote(check.id, safe='')}/override",
            "form": form if mine else FormState(values={"check_id": check.id}), "open": mine and bool(form.errors),
            "choices": [(r, t(f"placements.result.{r}")) for r in OVERRIDABLE if r != result]}
    return entry


def _entries(checks, clock: _Clock, t, language: str, **done_args) -> list[dict]:
    """Every check in time order; the planned retention checks folded into one line where the first is."""
    retention = [c for c in checks if c.state == "planned" and c.kind == "retention"]
    entries: list[dict] = []
    folded = False
    for check in checks:
        if check.state == "dropped":
            continue
        if check.state == "planned":
            if check.kind == "retention":
                if not folded:
                    folded = True
                    entries.append({"planned": True, "retention": True, "kind": t("placements.kind.retention"),
                                    "text": t("placements.page.retention_planned",
                                              count=i18n.plural("placements.page.checks", len(retention), language),
                                              until=clock.at(max(c.due_at for c in retention)))})
                continue
            entries.append({"planned": True, "retention": False, "kind": _known(t, "placements.kind", check.kind),
                            "when": clock.at(check.due_at)})
            continue
        entries.append(_done_entry(check, clock, t, language, **done_args))
    return entries


def _forms(deal, item, can_manage: bool, forms: dict, t, confirmable) -> dict:
    from chalicelib.core.http.forms import FormState
    from chalicelib.placements import runner
    from chalicelib.placements.service import URL_DEALS

    path = deliverable_path(deal.id, item.id)
    signed = deal.status in URL_DEALS
    shown: dict = {}
    if not can_manage:
        return shown
    if signed and item.status not in runner.SETTLED:
        form = forms.get("placement") or FormState(values={"url": item.url or ""})
        shown["placement"] = {"action": f"{path}/placement", "form": form}
    if signed and item.url and item.status not in runner.STOPPED:
        shown["run"] = {"action": f"{path}/checks", "form": forms.get("run") or FormState()}
    if signed and item.status not in ("cancelled", "missed"):
        form = forms.get("evidence") or FormState()
        ticked = set(form.values.get("rules") or ())  # a list: the things ticked when the form came back
        shown["evidence"] = {"action": f"{path}/evidence", "form": form,
                             "things": [(c, t(f"placements.confirm.{c}"), c in ticked) for c in confirmable]}
    return shown


def timeline(principal, deal, item, checks, language: str, zone: str, *, lines: dict, people: dict,
             forms: dict) -> dict:
    """The view of one deliverable's timeline (see the module's docstring)."""
    from chalicelib.deals.rules import deliverable_status as dstatus
    from chalicelib.identity.rules import Permission
    from chalicelib.placements import manual

    t = _t(language)
    clock = _Clock(language, zone)
    can_manage = principal.can(deal.brand_id, Permission.manage_deals)
    confirmable = manual.confirmable(deal, item)
    names = {c: t(f"placements.confirm.{c}") for c in manual.CONFIRMS}
    override_form = forms.get("override")
    entries = _entries(checks, clock, t, language, lines=lines, people=people, confirmable_names=names,
                       can_override=can_manage and item.status not in dstatus.FINAL, form=override_form)
    shown_forms = _forms(deal, item, can_manage, forms, t, confirmable)
    errors = [f.errors["__all__"] for f in forms.values() if f is not None and f.errors.get("__all__")]
    return {
        "id": item.id, "can_manage": can_manage, "zone": zone,
        "agreed": clock.shown.wall(item.wall, item.timezone), "window": _window(t, language, deal, item),
        "url": item.url, "url_source": _known(t, "placements.page.source", item.url_source),
        "published": clock.at(item.published_at), "found": clock.at(item.found_at),
        "last_seen": clock.at(item.last_seen_at),
        "result": item.check_result, "result_text": _known(t, "placements.result", item.check_result),
        "badge": BADGES.get(item.check_result or "", "status-badge"),
        "entries": entries, "done": sum(1 for e in entries if not e["planned"]),
        "forms": shown_forms, "error": errors[0] if errors else None,
        "open": {name for name, f in forms.items() if f is not None and f.errors and name != "override"},
    }


def timelines(principal, deal, items, language: str, zone: str, *, forms: dict | None = None) -> dict[str, dict]:
    """{deliverable id: its timeline} for the deal's page (deals/page_hooks.py); none before signing."""
    if deal.status in NOT_SHOWN_DEALS or not items:
        return {}
    from chalicelib.deals import repo as deal_repo
    from chalicelib.placements import repo

    forms = forms or {}
    checks = {item.id: repo.of_deliverable(item.id) for item in items}
    lines = {}
    if any(c.adjustments for found in checks.values() for c in found):
        for record in deal_repo.adjustments_of(deal.id):
            if record.deliverable_id:
                lines.setdefault(record.deliverable_id, {})[record.rule] = record
    people = _people([c for found in checks.values() for c in found])
    return {item.id: timeline(principal, deal, item, checks[item.id], language, zone, lines=lines.get(item.id, {}),
                              people=people, forms=forms.get(item.id) or {})
            for item in items}
