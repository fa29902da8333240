"""Deals and deliverables as the API answers them (schemas.DealOut, DeliverableOut)."""
from __future__ import annotations

from chalicelib.core.plain import plain
from chalicelib.deals import service, stored
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.deals.schemas import ContractOut, DealOut, DeliverableOut, MoneyOut, SignedCopyOut


def _money(money, locale: str | None) -> MoneyOut | None:
    wire = stored.money_wire(money, locale)
    return MoneyOut(**wire) if wire else None


def deal_out(deal, *, locale: str | None = None, influencer_name: str | None = None) -> DealOut:
    return DealOut(
        id=deal.id, brand_id=deal.brand_id, influencer_id=deal.influencer_id, influencer_name=influencer_name,
        campaign_id=deal.campaign_id, title=deal.title, contract_number=deal.contract_number,
        advertiser=plain(deal.advertiser) or {}, blogger_legal=plain(deal.blogger_legal), disclosure=deal.disclosure,
        language=deal.language, fee=_money(stored.fee(deal), locale), vat=deal.vat, agency_fee_pct=deal.agency_fee_pct,
        agency_fee=_money(stored.agency_fee(deal), locale), product_value=_money(stored.product_value(deal), locale),
        terms=plain(deal.terms) or {}, milestones=plain(deal.milestones) or [], status=deal.status,
        status_reason=deal.status_reason, amendment=int(deal.amendment or 0), owner_id=deal.owner_id, notes=deal.notes,
        deliverable_ids=list(deal.deliverable_ids or []), payment_ids=list(deal.payment_ids or []),
        contracts=[ContractOut(**{k: v for k, v in c.items() if k in ContractOut.model_fields})
                   for c in plain(deal.contracts) or []],
        signed_copies=[SignedCopyOut(**{k: v for k, v in c.items() if k in SignedCopyOut.model_fields})
                       for c in plain(deal.signed_copies) or []],
        contract_outdated=service.contract_outdated(deal), actions=service.actions(deal), created_at=deal.created_at,
        updated_at=deal.updated_at, version=deal.version)


def deliverable_out(item, deal) -> DeliverableOut:
    from chalicelib.deals.deliverable_service import held_to

    return DeliverableOut(
        id=item.id, deal_id=item.deal_id, brand_id=item.brand_id, influencer_id=item.influencer_id,
        account_id=item.account_id, platform=item.platform, handle=item.handle, format=item.format,
        publish_at=item.wall, timezone=item.timezone, publish_at_utc=item.publish_at,
        overrides=plain(item.overrides) or {}, terms=held_to(deal, item), erid=item.erid, url=item.url,
        published_at=item.published_at, status=item.status, url_source=item.url_source, found_at=item.found_at,
        last_seen_at=item.last_seen_at, check_result=item.check_result,
        next_statuses=sorted(dstatus.NEXT.get(item.status, ())), post_id=item.post_id, draft_due_at=item.draft_due_at,
        drafts=int(item.drafts or 0), notes=item.notes, created_at=item.created_at, updated_at=item.updated_at,
        version=item.version)
