"""Checks on the wire (schemas.CheckOut), with the rules' names in the reader's language and evidence
download links that expire in minutes."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.plain import plain
from chalicelib.placements import evidence
from chalicelib.placements.schemas import CheckOut, EvidenceOut, FindingOut


def findings_out(findings, language: str) -> list[FindingOut]:
    return [FindingOut(rule=f["rule"], severity=f["severity"], expected=f.get("expected") or "",
                       actual=f.get("actual") or "", text=i18n.translate(f"placements.rule.{f['rule']}", language))
            for f in plain(findings) or []]


def evidence_out(check) -> EvidenceOut | None:
    stored = plain(check.evidence)
    if not stored:
        return None
    return EvidenceOut(sha256=stored["sha256"], size=int(stored["size"]), url=stored.get("url"),
                       fetched_at=stored["fetched_at"], http_status=stored.get("http_status"),
                       content_type=stored["content_type"], download=evidence.link(stored, check_id=check.id))


def result_of(check) -> str | None:
    override = plain(check.override)
    return override["result"] if override else check.result


def check_out(check, language: str) -> CheckOut:
    return CheckOut(id=check.id, deliverable_id=check.deliverable_id, deal_id=check.deal_id, kind=check.kind,
                    url=check.url, due_at=check.due_at, state=check.state, result=result_of(check),
                    checked_result=check.result, findings=findings_out(check.findings, language),
                    evidence=evidence_out(check), observed=plain(check.observed), moved=plain(check.moved),
                    adjustments=list(check.adjustments or []), held=check.held, confirmed=list(check.confirmed or []),
                    note=check.note, override=plain(check.override), attempts=int(check.attempts or 0),
                    error=check.last_error, checked_at=check.checked_at)
