"""Payments through the API on DynamoDB Local: every move by every role (SMM managers approve, finance
pays, managers hold and cancel, the rest of the brand is refused, outsiders see nothing), the four-eyes
rule, the rules' refusals as 409 with their sentence, paying needs the day and the reference, holds
by people and by the system, two people at once, and the audit entry of every move."""
from __future__ import annotations

import datetime as dt
import threading

from tests.support.deal_flow import move, payments, set_payment, signed
from tests.support.deals_api import act
from tests.support.posts import body, call

PAID = {"paid_on": "2026-01-15", "reference": "ПП № 42"}


def first_payment(client, crew, **fields) -> tuple[dict, dict]:
    deal, _, _ = signed(client, crew, **fields)
    return deal, payments(client, crew, deal["id"])["items"][0]


def error(response) -> dict:
    return body(response)["error"]


# --- reading ---------------------------------------------------------------------------------------

def test_signing_makes_a_due_payment_with_money_in_the_readers_locale(client, crew):
    deal, _, _ = signed(client, crew)
    found = payments(client, crew, deal["id"], "smm_manager")
    [item] = found["items"]
    assert item["status"] == "due" and item["trigger"] == "on_signing" and item["label"] == "100 %"
    assert item["amount"] == {"amount": "150000.00", "currency": "RUB", "text": "RUB\u00a0150,000.00"}
    assert item["due_on"] == (dt.date.fromisoformat(item["created_at"][:10]) + dt.timedelta(days=5)).isoformat()
    assert item["actions"] == ["approve", "hold", "cancel"] and item["overdue"] is False
    assert found["summary"]["total"]["amount"] == "150000.00" and found["summary"]["balance"]["amount"] == "150000.00"
    assert found["summary"]["paid"]["amount"] == "0.00" and found["adjustments"] == []
    russian = payments(client, crew, deal["id"], "russian_manager")["items"][0]["amount"]["text"]
    assert russian.replace("\u00a0", " ").replace("\u202f", " ") == "150 000,00 ₽"


def test_each_role_sees_only_its_own_buttons(client, crew):
    deal, _ = first_payment(client, crew)
    expected = {"smm_manager": ["approve", "hold", "cancel"], "influencer_manager": ["hold", "cancel"],
                "finance": [], "content_manager": [], "admin": ["approve", "hold", "cancel"]}
    for who, actions in expected.items():
        assert payments(client, crew, deal["id"], who)["items"][0]["actions"] == actions, who


def test_the_rest_of_the_brand_is_refused_and_outsiders_see_nothing(client, crew):
    deal, item = first_payment(client, crew)
    for who in ("copywriter", "client_approver"):
        assert call(client, "get", f"/v1/deals/{deal['id']}/payments", crew[who]).status_code == 403
        assert move(client, crew, item["id"], "approve", who).status_code == 403
    assert call(client, "get", f"/v1/deals/{deal['id']}/payments", crew["outsider"]).status_code == 404
    for action in ("approve", "hold", "cancel"):
        assert move(client, crew, item["id"], action, "outsider").status_code == 404
    assert move(client, crew, "nosuchpayment", "approve", "smm_manager").status_code == 404


# --- approve and pay -------------------------------------------------------------------------------

def test_smm_approves_finance_pays_and_each_is_refused_the_other(client, crew):
    deal, item = first_payment(client, crew)
    assert move(client, crew, item["id"], "approve", "finance").status_code == 403
    assert move(client, crew, item["id"], "approve", "influencer_manager").status_code == 403
    r = move(client, crew, item["id"], "approve", "smm_manager")
    assert r.status_code == 200, r.body
    approved = body(r)
    assert approved["status"] == "approved" and approved["approved_by"] == crew["smm_manager"].id
    assert approved["version"] == item["version"] + 1 and approved["actions"] == ["hold", "cancel"]
    assert move(client, crew, item["id"], "pay", "smm_manager", **PAID).status_code == 403
    r = move(client, crew, item["id"], "pay", "finance", **PAID)
    assert r.status_code == 200, r.body
    paid = body(r)
    assert (paid["status"], paid["paid_on"], paid["reference"]) == ("paid", "2026-01-15", "ПП № 42")
    assert paid["paid_by"] == crew["finance"].id and paid["actions"] == []
    summary = payments(client, crew, deal["id"])["summary"]
    assert summary["paid"]["amount"] == "150000.00" and summary["balance"]["amount"] == "0.00"


def test_whoever_approved_does_not_also_pay_unless_an_admin(client, crew, make_user):
    both = make_user("smm_manager", "finance", brand=crew["brand"])
    _, item = first_payment(client, crew)
    assert move(client, crew, item["id"], "approve", both).status_code == 200
    got = payments(client, crew, item["deal_id"], "finance")["items"][0]
    assert got["actions"] == ["pay"]
    r = call(client, "get", f"/v1/deals/{item['deal_id']}/payments", both)
    assert "pay" not in body(r)["items"][0]["actions"]
    r = move(client, crew, item["id"], "pay", both, **PAID)
    assert r.status_code == 403 and error(r)["code"] == "same_person", r.body
    assert move(client, crew, item["id"], "pay", "finance", **PAID).status_code == 200
    _, other = first_payment(client, crew)
    assert move(client, crew, other["id"], "approve", "admin").status_code == 200
    assert move(client, crew, other["id"], "pay", "admin", **PAID).status_code == 200


def test_moves_the_state_does_not_allow_are_409_with_the_rules_sentence(client, crew):
    _, item = first_payment(client, crew)
    pid = item["id"]
    r = move(client, crew, pid, "pay", "finance", **PAID)
    assert r.status_code == 409 and error(r)["message"] == "Only an approved payment can be paid; approve it first."
    r = move(client, crew, pid, "release", "smm_manager")
    assert r.status_code == 409 and error(r)["message"] == "This payment is not on hold."
    assert move(client, crew, pid, "approve", "smm_manager").status_code == 200
    r = move(client, crew, pid, "approve", "smm_manager")
    assert r.status_code == 409 and error(r)["message"] == "This payment is approved already."
    assert move(client, crew, pid, "pay", "finance", **PAID).status_code == 200
    r = move(client, crew, pid, "cancel", "influencer_manager")
    assert r.status_code == 409 and "recorded as an adjustment" in error(r)["message"]
    r = move(client, crew, pid, "hold", "smm_manager")
    assert r.status_code == 409 and error(r)["message"].startswith("This payment is paid")


def test_paying_needs_the_day_and_the_reference(client, crew):
    _, item = first_payment(client, crew)
    pid = item["id"]
    assert move(client, crew, pid, "approve", "smm_manager").status_code == 200
    for data in ({}, {"paid_on": "2026-01-15"}, {"reference": "42"}, {"paid_on": "2026-01-15", "reference": "  "},
                 {"paid_on": "15.01.2026", "reference": "42"}, {**PAID, "reference": "x" * 201}):
        r = move(client, crew, pid, "pay", "finance", **data)
        assert r.status_code == 422, (data, r.body)
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    r = move(client, crew, pid, "pay", "finance", paid_on=future, reference="42")
    assert r.status_code == 422 and error(r)["details"][0]["field"] == "paid_on"
    assert payments(client, crew, item["deal_id"])["items"][0]["status"] == "approved"


def test_a_stale_version_is_refused(client, crew):
    _, item = first_payment(client, crew)
    r = move(client, crew, item["id"], "approve", "smm_manager", version=item["version"] + 1)
    assert r.status_code == 409 and "changed since you loaded it" in error(r)["message"]
    assert move(client, crew, item["id"], "approve", "smm_manager", version=item["version"]).status_code == 200


def test_two_approvals_at_once_exactly_one_wins(client, crew, make_user):
    _, item = first_payment(client, crew)
    approvers = [crew["smm_manager"], crew["admin"]] + [make_user("smm_manager", brand=crew["brand"]) for _ in range(4)]
    answers, start = [], threading.Barrier(len(approvers))

    def approve(user):
        start.wait()
        answers.append((user.id, move(client, crew, item["id"], "approve", user, version=item["version"])))

    threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
    [t.start() for t in threads]
    [t.join() for t in threads]
    won = [(uid, r) for uid, r in answers if r.status_code == 200]
    assert len(won) == 1 and sorted(r.status_code for _, r in answers) == [200] + [409] * (len(approvers) - 1)
    final = payments(client, crew, item["deal_id"])["items"][0]
    assert final["status"] == "approved" and final["approved_by"] == won[0][0]
    assert final["version"] == item["version"] + 1


# --- holds and cancelling --------------------------------------------------------------------------

def test_a_person_holds_and_releases_by_hand(client, crew):
    _, item = first_payment(client, crew)
    pid = item["id"]
    assert move(client, crew, pid, "hold", "finance").status_code == 403
    r = move(client, crew, pid, "hold", "influencer_manager", reason="the post has the wrong link")
    assert r.status_code == 200, r.body
    held = body(r)
    assert (held["status"], held["holds"], held["held_from"]) == ("on_hold", ["manual"], "due")
    assert held["actions"] == ["release", "cancel"]
    r = move(client, crew, pid, "approve", "smm_manager")
    assert r.status_code == 409 and error(r)["message"] == "This payment is on hold; release it first."
    r = move(client, crew, pid, "hold", "smm_manager")
    assert r.status_code == 409 and "on hold for manual already" in error(r)["message"]
    r = move(client, crew, pid, "release", "smm_manager")
    assert r.status_code == 200 and body(r)["status"] == "due" and body(r)["holds"] == []


def test_a_dispute_hold_goes_only_when_the_dispute_is_resolved(client, crew):
    deal, item = first_payment(client, crew)
    assert act(client, crew, deal["id"], "start").status_code == 200
    r = act(client, crew, deal["id"], "dispute", reason="no post")
    assert r.status_code == 200, r.body
    held = payments(client, crew, deal["id"], "smm_manager")["items"][0]
    assert held["holds"] == ["dispute"] and "release" not in held["actions"]
    for who in ("smm_manager", "admin"):
        r = move(client, crew, item["id"], "release", who)
        assert r.status_code == 409 and "resolving the dispute releases it" in error(r)["message"], r.body
    r = move(client, crew, item["id"], "release", "admin", hold="dispute")
    assert r.status_code == 422
    assert move(client, crew, item["id"], "hold", "smm_manager").status_code == 200  # a manual hold on top
    assert act(client, crew, deal["id"], "resolve", to="in_progress").status_code == 200
    after = payments(client, crew, deal["id"])["items"][0]
    assert (after["status"], after["holds"]) == ("on_hold", ["manual"])
    assert move(client, crew, item["id"], "release", "smm_manager").status_code == 200
    assert payments(client, crew, deal["id"])["items"][0]["status"] == "due"


def test_a_failed_checks_hold_is_released_by_an_administrator_only(client, crew):
    deal, item = first_payment(client, crew)
    set_payment(item["id"], status="on_hold", holds=["check_failed"], held_from="due")
    assert "release" not in payments(client, crew, deal["id"], "smm_manager")["items"][0]["actions"]
    assert "release" in payments(client, crew, deal["id"], "admin")["items"][0]["actions"]
    r = move(client, crew, item["id"], "release", "smm_manager")
    assert r.status_code == 409 and "a placement check failed" in error(r)["message"]
    r = move(client, crew, item["id"], "release", "smm_manager", hold="check_failed")
    assert r.status_code == 403
    r = move(client, crew, item["id"], "release", "admin", hold="check_failed")
    assert r.status_code == 200 and body(r)["status"] == "due"


def test_managers_cancel_and_a_cancelled_deal_stops_approval(client, crew):
    deal, item = first_payment(client, crew)
    assert move(client, crew, item["id"], "cancel", "finance").status_code == 403
    r = move(client, crew, item["id"], "cancel", "influencer_manager")
    assert r.status_code == 200 and body(r)["status"] == "cancelled" and body(r)["actions"] == []
    assert payments(client, crew, deal["id"])["summary"]["total"]["amount"] == "0.00"
    other, second = first_payment(client, crew)
    assert act(client, crew, other["id"], "cancel", reason="the blogger left").status_code == 200
    r = move(client, crew, second["id"], "approve", "smm_manager")
    assert r.status_code == 409 and "cancelled" in error(r)["message"]


def test_every_move_is_in_the_audit_trail(client, crew):
    _, item = first_payment(client, crew)
    move(client, crew, item["id"], "hold", "smm_manager", reason="check the link")
    move(client, crew, item["id"], "release", "smm_manager")
    move(client, crew, item["id"], "approve", "smm_manager")
    move(client, crew, item["id"], "pay", "finance", **PAID)
    from chalicelib.core.db import connection
    from chalicelib.core.db.audit import AuditItem

    connection.bind_models()
    entries = list(AuditItem.gsi1.query(f"AUDIT#{crew['brand'].id}#payment#{item['id']}"))
    assert [e.action for e in entries] == ["hold", "release", "approve", "pay"]
    assert entries[0].after["reason"] == "check the link" and entries[0].actor_id == crew["smm_manager"].id
    assert entries[3].after["reference"] == "ПП № 42" and entries[3].before["status"] == "approved"


def test_a_penalty_is_charged_once_and_never_beyond_the_deliverables_share(client, crew):
    from tests.support.deals_api import signed_deal

    deal, item, *_ = signed_deal(client, crew, terms={"required_hashtags": ["#ad"], "penalties": {
        "no_show": "full", "missing_element_pct": "60"}})
    path = f"/v1/deals/{deal['id']}/adjustments"
    who = crew["influencer_manager"]
    first = call(client, "post", path, who, {"rule": "missing_elements", "deliverable_id": item["id"], "count": 1})
    assert first.status_code == 201, first.body
    again = call(client, "post", path, who, {"rule": "missing_elements", "deliverable_id": item["id"], "count": 1})
    assert again.status_code == 409
    beyond = call(client, "post", path, who, {"rule": "no_show", "deliverable_id": item["id"]})
    assert beyond.status_code == 422 and "share" in body(beyond)["error"]["message"]
