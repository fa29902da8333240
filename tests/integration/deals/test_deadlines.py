"""A deal's deadlines on DynamoDB Local: planned as tasks in the DUE#DEALS queue after every change
(idempotently), done by the `deal-deadlines` job — reminders once, tasks whose subject moved on or whose
deadline moved dropped, a placement past its publish window marked late with its owner told."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.core.clock import parse_utc
from chalicelib.deals import deadlines
from chalicelib.deals import jobs as deal_jobs
from chalicelib.deals import repo as deal_repo
from tests.support.deal_drafts import (
    at,
    chain,
    creative_deal,
    deliverable,
    draft_link,
    mails_to,
    path_of,
    send_draft,
)


def tasks(deal_id) -> dict[str, object]:
    return {t.sk: t for t in deadlines.tasks_of(deal_id)}


def test_planning_is_idempotent_and_never_revives_a_finished_task(client, crew, outbox):
    chain(client, crew)
    deal, item, _ = creative_deal(client, crew)
    draft_link(client, crew, item["id"])
    planned = tasks(deal["id"])
    due = "2030-02-28T09:00:00.000000Z"
    assert {f"TASK#draft_due#{item['id']}#{due}#remind", f"TASK#draft_due#{item['id']}#{due}#escalate",
            f"TASK#publication_due#{item['id']}#2030-03-02T09:00:00.000000Z#remind",
            f"TASK#publication_due#{item['id']}#2030-03-02T10:30:00.000000Z#escalate"} <= set(planned)
    payments = [k for k in planned if k.startswith("TASK#payment_due#")]
    assert len(payments) == 2  # the payment due on signing: a reminder and the escalation
    remind = planned[f"TASK#draft_due#{item['id']}#{due}#remind"]
    assert remind.gsi2pk == "DUE#DEALS" and remind.gsi2sk.startswith("2030-02-27T09:00:00.000000Z#")
    assert list(remind.expect) == ["creative_requested", "changes_requested"] and remind.deadline == due
    assert deadlines.plan_deal(deal["id"]) == 0
    assert deadlines.plan_deal(deal["id"], "sign") == 0
    assert set(tasks(deal["id"])) == set(planned)
    deal_jobs.run(at("2030-02-27T09:01:00"))
    assert tasks(deal["id"])[remind.sk].state == "done"
    assert deadlines.plan_deal(deal["id"]) == 0
    again = tasks(deal["id"])[remind.sk]
    assert again.state == "done" and again.gsi2pk is None  # not back in the queue


def test_the_blogger_is_reminded_of_the_draft_once_and_the_owner_told_when_it_is_overdue(client, crew, outbox):
    chain(client, crew)
    _, item, influencer = creative_deal(client, crew)
    draft_link(client, crew, item["id"])
    deal_jobs.run(at("2030-02-27T08:59:00"))
    assert mails_to(outbox, influencer["email"], "Напоминание") == []
    deal_jobs.run(at("2030-02-27T09:01:00"))
    deal_jobs.run(at("2030-02-27T09:16:00"))
    reminded = mails_to(outbox, influencer["email"], "Напоминание")
    assert len(reminded) == 1 and "2030-02-28 12:00 (Europe/Moscow)" in str(reminded[0]["Subject"])
    deal_jobs.run(at("2030-02-28T09:01:00"))
    overdue = mails_to(outbox, crew["influencer_manager"].email, "draft is overdue")
    assert len(overdue) == 1  # the deal's owner


def test_a_task_whose_deliverable_moved_on_or_whose_deadline_moved_is_dropped(client, crew, outbox):
    chain(client, crew)
    deal, item, influencer = creative_deal(client, crew)
    link = draft_link(client, crew, item["id"])
    old_due = "2030-02-28T09:00:00.000000Z"
    draft_link(client, crew, item["id"], draft_due_at="2030-02-26T09:00")  # the due time moved earlier
    _, sent = send_draft(client, path_of(link["url"]))
    assert sent.status_code == 200 and deliverable(item["id"]).status == "draft_submitted"
    deal_jobs.run(at("2030-02-28T09:01:00"))
    done = tasks(deal["id"])
    for sk, task in done.items():
        if sk.startswith("TASK#draft_due#"):
            assert task.state == "dropped", (sk, task.outcome)
    assert done[f"TASK#draft_due#{item['id']}#{old_due}#remind"].state == "dropped"
    assert mails_to(outbox, influencer["email"], "Напоминание") == []
    assert mails_to(outbox, crew["influencer_manager"].email, "draft is overdue") == []


def test_a_placement_past_its_publish_window_goes_late_and_its_owner_is_told(client, crew, outbox):
    deal, item, _ = creative_deal(client, crew, terms={"publish_window_after_minutes": 90})
    owner = crew["influencer_manager"]
    deal_jobs.run(at("2030-03-01T09:01:00"))
    assert len(mails_to(outbox, owner.email, "goes out tomorrow")) == 1
    deal_jobs.run(at("2030-03-02T10:29:00"))
    assert deliverable(item["id"]).status == "planned"
    summary = deal_jobs.run(at("2030-03-02T10:31:00"))
    assert summary["late"] >= 1
    assert deliverable(item["id"]).status == "late"
    told = mails_to(outbox, owner.email, "is late")
    assert len(told) == 1
    assert "2030-03-02 13:30 (Europe/Moscow)" in told[0].get_body(preferencelist=("plain",)).get_content()
    deal_jobs.run(at("2030-03-02T11:31:00"))
    assert len(mails_to(outbox, owner.email, "is late")) == 1


def test_a_payment_reminder_goes_out_once_and_the_owner_hears_on_the_due_day(client, crew, outbox):
    deal, _, _ = creative_deal(client, crew, terms={})
    record = deal_repo.payments_of(deal_repo.get(deal["id"], consistent=True))[0]
    assert record.status == "due" and record.due_on
    due_on = date.fromisoformat(record.due_on)
    remind_at = parse_utc(f"{(due_on - timedelta(days=2)).isoformat()}T07:00:00Z")  # 10:00 in Moscow
    deal_jobs.run(remind_at - timedelta(minutes=1))
    assert mails_to(outbox, crew["finance"].email, "payment is due soon") == []
    for _ in range(2):
        deal_jobs.run(remind_at + timedelta(minutes=1))
        assert deadlines.plan_deal(deal["id"]) == 0
    assert len(mails_to(outbox, crew["finance"].email, "payment is due soon")) == 1  # pays
    assert len(mails_to(outbox, crew["smm_manager"].email, "payment is due soon")) == 1  # approves
    assert mails_to(outbox, crew["copywriter"].email) == []
    deal_jobs.run(remind_at + timedelta(days=2, minutes=1))
    assert len(mails_to(outbox, crew["influencer_manager"].email, "due today and unpaid")) == 1


def test_a_placement_with_no_url_a_day_after_its_window_is_missed_and_the_no_show_charged(client, crew, outbox):
    deal, item, _ = creative_deal(client, crew, terms={"publish_window_after_minutes": 90,
                                                        "penalties": {"no_show": "full"}})
    deal_jobs.run(at("2030-03-02T10:31:00"))
    assert deliverable(item["id"]).status == "late"
    deal_jobs.run(at("2030-03-03T10:29:00"))
    assert deliverable(item["id"]).status == "late"
    summary = deal_jobs.run(at("2030-03-03T10:31:00"))
    assert summary["missed"] >= 1 and deliverable(item["id"]).status == "missed"  # other tests' deals too
    lines = {a.rule: a for a in deal_repo.adjustments_of(deal["id"])}
    assert int(lines["no_show"].amount_minor) == -int(deal_repo.get(deal["id"]).fee_minor)
    assert len(mails_to(outbox, crew["influencer_manager"].email, "never appeared")) == 1
    deal_jobs.run(at("2030-03-03T11:31:00"))
    assert len(deal_repo.adjustments_of(deal["id"])) == 1
