"""Helpers for placement-check tests: a signed deal whose one Telegram deliverable is due at a given
instant, with the terms the checks read; the post the blogger publishes on the fake preview; running the
job at a given time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.support.deals_api import act, blogger, fake_contract, new_deal, new_deliverable
from tests.support.influencers import VALID_INN_COMPANY
from tests.support.posts import body, call

CHANNEL = "anna_tg"
ERID = "2VtzqxABCD"
TERMS = {"min_live_hours": 24, "publish_window_before_minutes": 30, "publish_window_after_minutes": 60,
         "promo_code": "ANNA10",
         "penalties": {"late_pct_per_hour": "5", "late_cap_pct": "20", "missing_element_pct": "10",
                       "early_deletion": "pro_rata", "no_show": "full"}}
GOOD_TEXT = (f"Реклама. ООО Ромашка, ИНН {VALID_INN_COMPANY}. erid: {ERID}\n"
             "Осенняя коллекция уже в магазинах! Промокод ANNA10 даёт скидку 10 %.")


def wall(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo("Europe/Moscow")).strftime("%Y-%m-%dT%H:%M")


def checked_deal(client, crew, publish_at: datetime, *, terms=None, **fields):
    """A signed deal (fee 150 000.00 RUB, ru marking) with one Telegram deliverable due at `publish_at`:
    (deal, deliverable)."""
    influencer, account = blogger(client, crew, handle=f"@{CHANNEL}")
    deal = new_deal(client, crew, influencer["id"], terms=TERMS if terms is None else terms, **fields)
    item = new_deliverable(client, crew, deal["id"], account["id"], publish_at=wall(publish_at), erid=ERID)
    fake_contract(deal["id"])
    for action in ("send", "sign"):
        r = act(client, crew, deal["id"], action)
        assert r.status_code == 200, r.body
    return body(r), item


def set_placement(client, crew, item_id, url, who="influencer_manager"):
    return call(client, "post", f"/v1/deliverables/{item_id}/placement", crew[who], {"url": url})


def checks_of(client, crew, item_id, who="influencer_manager"):
    r = call(client, "get", f"/v1/deliverables/{item_id}/checks", crew[who])
    assert r.status_code == 200, r.body
    return body(r)["items"]


def run_job(at: datetime) -> dict:
    import time_machine

    from chalicelib.placements import jobs

    with time_machine.travel(at, tick=False):
        return jobs.run(now=at, concurrency=2)


def deliverable(item_id):
    from chalicelib.deals import repo

    return repo.get_deliverable(item_id, consistent=True)


def adjustments(deal_id):
    from chalicelib.deals import repo

    return {a.rule: a for a in repo.adjustments_of(deal_id)}


def payments(deal_id):
    from chalicelib.deals import repo

    return repo.payments_of(repo.get(deal_id, consistent=True))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


HOUR = timedelta(hours=1)
