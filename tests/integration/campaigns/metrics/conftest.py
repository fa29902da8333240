"""Metric snapshot tests: the deal crew (a brand with one person per role, another brand's manager), and
placement checks written straight through the placements repo, as the placement tests and benches do."""
from __future__ import annotations

import pytest

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests


def add_check(item, kind: str, checked_at: str, observed: dict | None, *, state: str = "done", n: int = 0):
    """A check of `item` (a DeliverableItem) of `kind`, done at `checked_at` with `observed`."""
    from chalicelib.core.db.connection import bind_models
    from chalicelib.placements import repo

    bind_models()
    kind_for_id = kind if kind in repo.KIND_CODES else "final"
    check = repo.new_check(check_id=repo.planned_id(item.id, 1, kind_for_id, n), item=item, deal_id=item.deal_id,
                           round_=1, kind=kind, due=checked_at, url="https://t.me/anna_tg/7", queued=False)
    check.state, check.checked_at, check.result = state, checked_at if state == "done" else None, "pass"
    check.observed = observed
    check.save()
    return check


@pytest.fixture
def setup(client, team, make_user):
    """The team's brand with a campaign holding one post (on the team's Telegram and X channels) and one deal
    with a Telegram deliverable; another campaign of the brand with a post of its own; a person of another
    brand."""
    from chalicelib.publishing.repo import target_id
    from tests.support.campaigns import add_campaign, add_member
    from tests.support.deals import add_deal, add_deliverable
    from tests.support.factories import make_brand
    from tests.support.posts import new_post

    brand = team["brand"]
    campaign = add_campaign(brand.id)
    other = add_campaign(brand.id, name="Весна")
    post = new_post(client, team, title="Зимний латте", channel_ids=[team["tg"], team["x"]])
    stray = new_post(client, team, title="Другая кампания")
    attach_post(campaign, post["id"])
    attach_post(other, stray["id"])
    deal = add_deal({"brand": brand}, campaign_id=campaign.id)
    add_member(campaign, "deal", deal.id)
    item = add_deliverable(deal, handle="@anna_tg")
    outsider = make_user("smm_manager", brand=make_brand())
    return {**team, "campaign": campaign, "other_campaign": other, "post": post, "deal": deal, "item": item,
            "outsider": outsider,
            "tg_target": f"target:{target_id(post['id'], team['tg'])}",
            "x_target": f"target:{target_id(post['id'], team['x'])}",
            "stray_target": f"target:{target_id(stray['id'], team['tg'])}",
            "deliverable": f"deliverable:{item.id}"}


def attach_post(campaign, post_id: str) -> None:
    """The post names the campaign (written straight to the item) and the campaign lists it."""
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from tests.support.campaigns import add_member

    PostItem(*post_key(post_id)).update(actions=[PostItem.campaign_id.set(campaign.id)], add_version_condition=False)
    add_member(campaign, "post", post_id)
