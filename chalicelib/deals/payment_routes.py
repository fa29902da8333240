"""Payments and adjustments: the JSON API (payment_service.py says who may do what; the pages are
payment_pages.py)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.api import csv_file
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.payment_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    BrandPaymentOut,
    BrandPaymentsOut,
    BrandPaymentsQuery,
    DealPaymentsOut,
    HoldIn,
    PayIn,
    PaymentAction,
    PaymentOut,
    PaymentSummaryOut,
    ReleaseIn,
)
from chalicelib.deals.schemas import MoneyOut
from chalicelib.identity.doors import json_route
from chalicelib.identity.rules import Permission

payments = lazy_import("chalicelib.deals.payment_service")
payment_csv = lazy_import("chalicelib.deals.payment_csv")

bp = Blueprint(__name__)
TAG = "payments"
FIELDS = ("id", "deal_id", "brand_id", "influencer_id", "label", "percent", "trigger", "status", "held_from",
          "reference", "approved_by", "paid_by", "created_at", "updated_at")


def _money(money, locale: str) -> MoneyOut:
    return MoneyOut(**money.to_wire(), text=money.format(locale))


def _out(model, record, principal, *, deal_status=None, today=None, **more):
    from chalicelib.core.money import Money

    today = today or payments.brand_today(record.brand_id)
    return model(**{name: getattr(record, name) for name in FIELDS}, position=int(record.position),
                 amount=_money(Money(int(record.amount_minor), record.currency), principal.language),
                 due_days=int(record.due_days or 0), date=record.date, due_on=record.due_on, paid_on=record.paid_on,
                 overdue=payments.overdue(record, today), holds=list(record.holds or []),
                 actions=payments.actions_for(principal, record, deal_status), version=record.version, **more)


def payment_out(record, principal, *, deal_status=None, today=None) -> PaymentOut:
    return _out(PaymentOut, record, principal, deal_status=deal_status, today=today)


def adjustment_out(record, locale: str) -> AdjustmentOut:
    from chalicelib.core.money import Money
    from chalicelib.core.plain import plain

    amount = Money(int(record.amount_minor), record.currency)
    again, problem = payments.recomputed(record)
    return AdjustmentOut(id=record.id, deal_id=record.deal_id, deliverable_id=record.deliverable_id, rule=record.rule,
                         inputs=plain(record.inputs) or {}, amount=_money(amount, locale),
                         recomputed=_money(again, locale) if again is not None else None, matches=again == amount,
                         problem=problem, note=record.note, created_by=record.created_by, created_at=record.created_at)


def deal_payments_out(found, principal) -> DealPaymentsOut:
    deal, locale = found.deal, principal.language
    today = payments.brand_today(deal.brand_id)
    return DealPaymentsOut(
        deal_id=deal.id, deal_status=deal.status,
        items=[payment_out(r, principal, deal_status=deal.status, today=today) for r in found.records],
        adjustments=[adjustment_out(a, locale) for a in found.adjustments],
        summary=PaymentSummaryOut(**{k: _money(v, locale) for k, v in found.summary.items()}),
        can_adjust=principal.can(deal.brand_id, Permission.manage_deals) and deal.status not in payments.SHUT
        and bool(deal.payment_ids))


def overview_out(view, principal) -> BrandPaymentsOut:
    def rows(records):
        out = []
        for r in records:
            deal = view.deals.get(r.deal_id)
            out.append(_out(BrandPaymentOut, r, principal, deal_status=deal.status if deal else None, today=view.today,
                            deal_title=deal.title if deal else None,
                            contract_number=deal.contract_number if deal else None,
                            influencer_name=view.names.get(r.influencer_id)))
        return out

    return BrandPaymentsOut(
        today=view.today, week_ends=view.week_ends, month_starts=view.month_starts,
        **{name: rows(records) for name, records in view.sections.items()},
        totals={name: [_money(m, principal.language) for m in payments.totals(records)]
                for name, records in view.sections.items()})


# --- routes ------------------------------------------------------------------------------------------

@json_route(bp, "/v1/deals/{deal_id}/payments", "GET", tag=TAG,
            summary="A deal's payments (with what you may do to each), adjustments and money summary",
            response=DealPaymentsOut, errors=(401, 403, 404))
def deal_payments(call, deal_id):
    return deal_payments_out(payments.of_deal(call.principal, deal_id), call.principal)


def _answer(call, record) -> PaymentOut:
    from chalicelib.deals import repo

    deal = repo.get(record.deal_id, consistent=True)
    return payment_out(record, call.principal, deal_status=deal.status if deal else None)


@json_route(bp, "/v1/payments/{payment_id}/approve", "POST", tag=TAG,
            summary="Approve a due payment (approve_payments: SMM managers)", body=PaymentAction,
            response=PaymentOut, errors=(401, 403, 404, 409, 415, 422))
def approve_payment(call, payment_id):
    return _answer(call, payments.act(call.principal, payment_id, "approve", version=call.body.version))


@json_route(bp, "/v1/payments/{payment_id}/pay", "POST", tag=TAG,
            summary="Record that an approved payment was made (pay_payments: finance; not by its approver)",
            body=PayIn, response=PaymentOut, errors=(401, 403, 404, 409, 415, 422))
def pay_payment(call, payment_id):
    body = call.body
    return _answer(call, payments.act(call.principal, payment_id, "pay", paid_on=body.paid_on,
                                      reference=body.reference, version=body.version))


@json_route(bp, "/v1/payments/{payment_id}/hold", "POST", tag=TAG,
            summary="Hold a payment by hand (a `manual` hold)", body=HoldIn, response=PaymentOut,
            errors=(401, 403, 404, 409, 415, 422))
def hold_payment(call, payment_id):
    body = call.body
    return _answer(call, payments.act(call.principal, payment_id, "hold", reason=body.reason, version=body.version))


@json_route(bp, "/v1/payments/{payment_id}/release", "POST", tag=TAG,
            summary="Release a `manual` hold (or, administrators, a failed check's); a dispute's hold goes when "
                    "the dispute is resolved", body=ReleaseIn, response=PaymentOut,
            errors=(401, 403, 404, 409, 415, 422))
def release_payment(call, payment_id):
    body = call.body
    return _answer(call, payments.act(call.principal, payment_id, "release", hold=body.hold.value,
                                      version=body.version))


@json_route(bp, "/v1/payments/{payment_id}/cancel", "POST", tag=TAG,
            summary="Cancel a payment that is not paid (manage_deals)", body=PaymentAction, response=PaymentOut,
            errors=(401, 403, 404, 409, 415, 422))
def cancel_payment(call, payment_id):
    return _answer(call, payments.act(call.principal, payment_id, "cancel", version=call.body.version))


@json_route(bp, "/v1/deals/{deal_id}/adjustments", "POST", tag=TAG,
            summary="Add a penalty (worked out by the contract's clause) or a manual refund/bonus line to a deal",
            body=AdjustmentIn, response=AdjustmentOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def add_adjustment(call, deal_id):
    return adjustment_out(payments.add_adjustment(call.principal, deal_id, call.body), call.principal.language)


@json_route(bp, "/v1/brands/{brand_id}/payments", "GET", tag=TAG,
            summary="A brand's payments at a glance: due this week (overdue too), on hold, paid this month",
            response=BrandPaymentsOut, errors=(401, 403, 404))
def brand_payments(call, brand_id):
    return overview_out(payments.brand_overview(call.principal, brand_id), call.principal)


@json_route(bp, "/v1/brands/{brand_id}/payments.csv", "GET", tag=TAG,
            summary="A brand's payments as CSV for the accountant (UTF-8 with BOM; legal name and INN for those "
                    "who may see legal data); a status and a day range", query=BrandPaymentsQuery,
            raw_response="text/csv", errors=(401, 403, 404, 422))
def brand_payments_csv(call, brand_id):
    query = call.query
    data = payment_csv.export_payments(call.principal, brand_id, query.status.value if query.status else None,
                                       query.since, query.until)
    return csv_file(data, f"payments-{brand_id}.csv")
