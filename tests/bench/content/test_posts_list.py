"""`GET /v1/posts?brand_id=…&from=…&to=…` for one month must cost the same whatever else is in the table.

The same brand month (60 posts) is listed with 100 posts in the table, then with 10,000 (the rest in
other months and other brands). We count DynamoDB requests and the read capacity DynamoDB reports
(ReturnConsumedCapacity=TOTAL, injected into every call). Goal: ratio of consumed read units ≤ 1.1.
"""
from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager

from tests.bench.helpers import check_goal, line
from tests.support.factories import make_brand, make_user

GOAL = 1.1
MONTH_POSTS = 60


@contextmanager
def consumed():
    from botocore.client import BaseClient

    totals: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        if operation_name in ("Query", "GetItem", "BatchGetItem", "TransactGetItems"):
            api_params = {**api_params, "ReturnConsumedCapacity": "TOTAL"}
        answer = original(self, operation_name, api_params)
        totals["requests"] += 1
        capacity = answer.get("ConsumedCapacity")
        for entry in capacity if isinstance(capacity, list) else [capacity] if capacity else []:
            totals["read_units"] += entry.get("CapacityUnits", 0)
        return answer

    BaseClient._make_api_call = counting
    try:
        yield totals
    finally:
        BaseClient._make_api_call = original


def _fill(brand_id: str, count: int, month: int, author_id: str) -> None:
    from chalicelib.content import repo
    from chalicelib.content.models import PostItem
    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    with PostItem.batch_write() as batch:
        for n in range(count):
            post_id = f"bench{month:02d}{n:06d}{brand_id[-6:]}"
            utc = f"2027-{month:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"
            batch.save(PostItem(*repo.post_key(post_id), gsi1pk=repo.calendar_pk(brand_id),
                                gsi1sk=repo.calendar_sk(utc, post_id), id=post_id, brand_id=brand_id,
                                author_id=author_id, title=f"Post {n}", body="x" * 200, content_type="engaging",
                                status="draft", version=1, content_hash="h", publish_wall=utc[:16], timezone="UTC",
                                publish_at=utc, created_at=utc, updated_at=utc, revision=1))


def _list_month(client, user, brand_id):
    items, cursor, pages = [], None, 0
    while True:
        url = f"/v1/posts?brand_id={brand_id}&from=2027-03-01&to=2027-04-01&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = json.loads(client.get(url, headers=user.headers).body)
        items += page["items"]
        pages += 1
        cursor = page["cursor"]
        if not cursor:
            return items, pages


def test_month_listing_cost_does_not_grow_with_table(client, bench_results):
    brand = make_brand()
    user = make_user("smm_manager", brand=brand)
    _fill(brand.id, MONTH_POSTS, 3, user.id)
    _fill(brand.id, 100 - MONTH_POSTS, 5, user.id)
    _list_month(client, user, brand.id)  # warm-up
    with consumed() as small:
        small_items, _ = _list_month(client, user, brand.id)
    for month in (1, 2, 4, 6, 7, 8, 9, 10, 11, 12):
        _fill(brand.id, 490, month, user.id)
    for _ in range(5):
        other = make_brand()
        _fill(other.id, 1000, 3, user.id)
    with consumed() as large:
        large_items, _ = _list_month(client, user, brand.id)
    assert len(small_items) == len(large_items) == MONTH_POSTS
    ratio = large["read_units"] / small["read_units"] if small["read_units"] else float("inf")
    line(f"GET /v1/posts one month ({MONTH_POSTS} posts): 100 posts in table: {small['requests']} requests, "
         f"{small['read_units']:.1f} RCU; 10,000 posts: {large['requests']} requests, {large['read_units']:.1f} RCU")
    bench_results["posts_month_listing"] = {"small": dict(small), "large": dict(large), "ratio": ratio}
    assert large["requests"] == small["requests"]
    check_goal("posts month listing read units, 10,000 vs 100 posts", ratio, GOAL, "a Query on the brand's "
               "calendar index bounded by the month, so other months and brands are never read")
