"""Telling the deal's owner (else the brand's managers) when a placement check fails, cannot decide
(inconclusive: a person has to look) or finds the post deleted: an email in their language and, where
their profile and the brand allow, a Slack DM (notifications/notices.py). The lines name the deal, the
account, what was found (the rules, translated) and link the deal page.

An alert never stops a check: a failed send is logged and the check's result stands.
"""
from __future__ import annotations

import logging

from chalicelib.core import i18n
from chalicelib.core.settings import get_settings

log = logging.getLogger(__name__)
KINDS = ("fail", "inconclusive", "deleted", "missed")


def _rules_text(findings: list[dict], language: str) -> str:
    names = []
    for finding in findings:
        if finding.get("severity") != "fail":
            continue
        name = i18n.translate(f"placements.rule.{finding['rule']}", language)
        if name not in names:
            names.append(name)
    return ", ".join(names) or "—"


def send(kind: str, deal, item, check, *, reason: str | None = None, findings: list[dict] | None = None) -> int:
    """Alert `kind` (KINDS) about `check` of the deliverable `item` (its `findings` as maps, when the check
    is not written yet); how many people were told."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.notifications import notices

    brand = brand_repo.get(deal.brand_id)
    link = f"{get_settings().PUBLIC_BASE_URL}/deals/{deal.id}#deliverable-{item.id}"
    findings = list(findings if findings is not None else (check.findings or []))
    told = 0

    def lines(user) -> list[tuple[str, dict]]:
        language = i18n.normalize(user.language)
        facts = {"deal": deal.title, "account": f"{item.handle} ({item.platform})", "url": item.url or "—",
                 "rules": _rules_text(findings, language), "reason": reason or "—"}
        return [(f"placements.alert.{kind}.line", facts), ("placements.alert.link", {"link": link})]

    from chalicelib.deals import people

    users = people.owner_or_managers(deal)
    for user in users:
        try:
            if notices.email_notice(user, subject_key=f"placements.alert.{kind}.subject", lines=lines(user),
                                    brand=brand):
                told += 1
        except Exception:  # noqa: BLE001 - one bad address must not stop the others or the check
            log.warning("placement alert email failed", extra={"user": user.id, "check": check.id})
    try:
        notices.slack_notice(brand, users, lambda user: notices.notice_text(user, lines(user)), already=set())
    except Exception:  # noqa: BLE001
        log.warning("placement alert Slack failed", extra={"check": check.id})
    return told
