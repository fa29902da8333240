"""A brand's payments out of Greenlight as a CSV file for the accountant (rules/csv_payments.py says
what it holds): one status or all, filed by day within a range — paid ones by the day paid, planned
ones by their date, the rest by due day. Queries of the brand's status lists (gsi1), never a Scan;
the deals and influencers by BatchGetItem. UTF-8 with a BOM, like every export."""
from __future__ import annotations

import datetime as dt

from chalicelib.core import csv_cells
from chalicelib.core.money import Money
from chalicelib.deals import payment_service, repo
from chalicelib.deals.rules import csv_payments
from chalicelib.deals.rules import payments as payment_rules
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

MAX_PER_STATUS = 5000  # payments of one status in one file
ORDER = {status: n for n, status in enumerate(payment_rules.STATUSES)}


def _legal(deal, influencer) -> tuple[str | None, str | None]:
    """The legal name and INN the deal was signed with (its snapshot), else the influencer's today."""
    from chalicelib.core.plain import plain

    snapshot = plain(deal.blogger_legal) if deal is not None and deal.blogger_legal else {}
    if snapshot.get("legal_name") or snapshot.get("inn"):
        return snapshot.get("legal_name"), snapshot.get("inn")
    return (influencer.legal_name, influencer.inn) if influencer is not None else (None, None)


def export_payments(principal: Principal, brand_id: str, status: str | None = None, since: dt.date | None = None,
                    until: dt.date | None = None) -> bytes:
    principal.require(brand_id, Permission.view_deals)
    legal = principal.can(brand_id, Permission.view_influencer_legal)
    records = []
    for name in ([status] if status else payment_rules.STATUSES):
        records += repo.brand_payments(brand_id, name, since.isoformat() if since else None,
                                       until.isoformat() if until else None, MAX_PER_STATUS)
    records.sort(key=lambda r: (ORDER.get(r.status, 9), r.gsi1sk or "", r.position))
    deals, influencers = payment_service.related(records)
    rows = []
    for r in records:
        deal, influencer = deals.get(r.deal_id), influencers.get(r.influencer_id)
        legal_name, inn = _legal(deal, influencer)
        rows.append({
            "payment_id": r.id, "deal_id": r.deal_id, "contract_number": deal.contract_number if deal else None,
            "deal_title": deal.title if deal else None, "influencer": influencer.display_name if influencer else None,
            "legal_name": legal_name, "inn": inn, "label": r.label, "percent": r.percent,
            "amount": Money(int(r.amount_minor), r.currency).amount, "currency": r.currency, "status": r.status,
            "due_on": r.due_on, "paid_on": r.paid_on, "reference": r.reference, "holds": list(r.holds or []),
        })
    return csv_cells.with_bom(csv_payments.export_payments(rows, legal=legal))
