"""`seed-demo` gives a newcomer something to take from draft to scheduled and a post that goes out
to the demo webhook channel soon, and is idempotent."""
from __future__ import annotations


def test_seed_twice_gives_one_brand_one_chain_one_draft_and_one_waiting_webhook_post(dynamodb):
    from chalicelib.approvals.chains import repo as chains
    from chalicelib.brands.channels import repo as channels
    from chalicelib.content import repo as posts
    from chalicelib.demo import seed, webhook_url
    from chalicelib.publishing import repo as targets

    first = seed()
    second = seed()
    assert first["brand_id"] == second["brand_id"] and second["created"] is False
    assert len(chains.all_for_brand(first["brand_id"])) == 1
    page = posts.list_calendar(first["brand_id"], None, None, None, 100)
    assert sorted(p.status for p in page.items) == ["draft", "scheduled"]
    assert first["webhook_post"] == second["webhook_post"]  # still waiting: not seeded twice
    webhooks = [c for c in channels.list_for_brand(first["brand_id"], None, 100).items if c.platform == "webhook"]
    assert len(webhooks) == 1 and webhooks[0].handle == webhook_url()
    [target] = targets.for_post(first["webhook_post"]["id"])
    assert target.state == "scheduled" and target.gsi2pk == targets.TARGETS.name
