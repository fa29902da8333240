"""`seed-demo` gives a newcomer something to take from draft to scheduled, and is idempotent."""
from __future__ import annotations


def test_seed_twice_gives_one_brand_one_chain_one_demo_post(dynamodb):
    from chalicelib.db import chains, posts
    from chalicelib.services.demo import seed

    first = seed()
    second = seed()
    assert first["brand_id"] == second["brand_id"] and second["created"] is False
    assert len(chains.all_for_brand(first["brand_id"])) == 1
    page = posts.list_calendar(first["brand_id"], None, None, None, 100)
    assert [p.status for p in page.items] == ["draft"]
