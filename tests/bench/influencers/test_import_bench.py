"""The influencer directory's numbers (`make bench`):

1. CSV import of 2,000 new influencers with one account each through `POST /v1/brands/{id}/influencers/import`
   on DynamoDB Local: goal ≤ 20 s (the issue); also the time the checks alone take (a dry run).
2. Vetting one influencer with 5 accounts and 365 daily snapshots each, in process (rules/vetting.vet on
   facts built in memory): goal p50 ≤ 50 ms.
3. One directory page of 50 out of 5,000 influencers, filtered by platform and follower tier: the items
   DynamoDB reads (ScannedCount of the Query + the BatchGetItem's items) and the read units it reports
   (ReturnConsumedCapacity=TOTAL), against the whole directory read page by page. Goal: items read ≤ 2.2 ×
   the page (the page's accounts, their influencers, the caller's credential and user), whatever the size
   of the directory.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.bench.helpers import check_goal, line, summary

IMPORT_INFLUENCERS = 2000
IMPORT_GOAL_SECONDS = 20.0
VET_ACCOUNTS, VET_DAYS, VET_RUNS = 5, 365, 60
VET_GOAL_MS = 50.0
DIRECTORY_SIZE, PAGE = 5000, 50
PLATFORMS = ("instagram", "tiktok", "youtube", "telegram", "vk")


@contextmanager
def dynamodb_reads():
    """Every DynamoDB call of the block: requests, read units (ReturnConsumedCapacity=TOTAL injected) and the
    items read (a Query's ScannedCount, a BatchGetItem's returned items, a GetItem's item)."""
    from botocore.client import BaseClient

    totals: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        if operation_name in ("Query", "GetItem", "BatchGetItem", "TransactGetItems"):
            api_params = {**api_params, "ReturnConsumedCapacity": "TOTAL"}
        answer = original(self, operation_name, api_params)
        totals["requests"] += 1
        totals[f"requests_{operation_name}"] += 1
        capacity = answer.get("ConsumedCapacity")
        for entry in capacity if isinstance(capacity, list) else [capacity] if capacity else []:
            totals["read_units"] += entry.get("CapacityUnits", 0)
        if operation_name == "Query":
            totals["items_read"] += answer.get("ScannedCount", 0)
        elif operation_name == "BatchGetItem":
            totals["items_read"] += sum(len(v) for v in answer.get("Responses", {}).values())
        elif operation_name == "GetItem" and answer.get("Item"):
            totals["items_read"] += 1
        return answer

    BaseClient._make_api_call = counting
    try:
        yield totals
    finally:
        BaseClient._make_api_call = original


def _file(count: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = [("display_name,country,tags,email,platform,handle,followers,avg_views,avg_likes,avg_comments,"
             "audience_credibility_pct,top_countries")]
    for n in range(count):
        platform = PLATFORMS[n % len(PLATFORMS)]
        followers = rng.randint(500, 2_000_000)
        lines.append(f"Blogger {n:05d},RU,\"food, travel\",blogger{n}@example.com,{platform},@bench_{n:05d},"
                     f"{followers},{followers // 5},{followers // 40},{followers // 900},{rng.randint(60, 99)}.5,"
                     f"\"RU:{rng.randint(40, 80)}, KZ:5\"")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_csv_import_of_2000_influencers(client, make_user, bench_results):
    from chalicelib.influencers.rules import csv_influencers
    from tests.support.factories import make_brand

    brand = make_brand()
    manager = make_user("influencer_manager", brand=brand)
    data = _file(IMPORT_INFLUENCERS)
    headers = {**manager.headers, "Content-Type": "text/csv"}
    url = f"/v1/brands/{brand.id}/influencers/import"

    started = time.perf_counter()
    parsed = csv_influencers.parse_influencers(data)
    parse_s = time.perf_counter() - started
    assert parsed.ok and len(parsed.influencers) == IMPORT_INFLUENCERS

    started = time.perf_counter()
    dry = client.post(url + "?dry_run=true", headers=headers, body=data)
    dry_s = time.perf_counter() - started
    assert dry.status_code == 200, dry.body

    with dynamodb_reads() as calls:
        started = time.perf_counter()
        r = client.post(url, headers=headers, body=data)
        import_s = time.perf_counter() - started
    assert r.status_code == 200, r.body[:2000]
    result = json.loads(r.body)
    assert result["created"] == IMPORT_INFLUENCERS and result["accounts"] == IMPORT_INFLUENCERS

    listed = json.loads(client.get(f"/v1/brands/{brand.id}/influencers?limit=1",
                                   headers=manager.headers).body)["items"][0]
    assert listed["top_followers"] > 0 and listed["verdict"] in ("pass", "warn", "fail")
    transactions = calls["requests_TransactWriteItems"]
    line(f"CSV import of {IMPORT_INFLUENCERS} influencers (1 account each, {len(data) / 1e6:.2f} MB): "
         f"{import_s:.2f} s ({transactions} transactions, {calls['requests']} DynamoDB requests); checks alone "
         f"(dry run) {dry_s:.2f} s, of which parsing {parse_s:.2f} s")
    bench_results["influencers_csv_import"] = {"influencers": IMPORT_INFLUENCERS, "seconds": round(import_s, 2),
                                               "dry_run_seconds": round(dry_s, 2), "parse_seconds": round(parse_s, 2),
                                               "transactions": transactions, "requests": calls["requests"]}
    check_goal(f"CSV import of {IMPORT_INFLUENCERS} influencers, seconds", import_s, IMPORT_GOAL_SECONDS,
               "rows are checked in memory, then written ~24 influencers to a TransactWriteItems, 8 at once")


def _facts(today: date):
    from chalicelib.influencers.rules import facts as f

    rng = random.Random(3)
    accounts = []
    for n in range(VET_ACCOUNTS):
        followers = 50_000 + 40_000 * n
        history = []
        for day in range(VET_DAYS):
            followers += rng.randint(-50, 400) + (9000 if day == 200 and n == 1 else 0)
            history.append(f.Measurement(taken_on=today - timedelta(days=VET_DAYS - day), followers=followers,
                                         following=300, avg_views=followers // 4, avg_likes=followers // 50,
                                         avg_comments=followers // 900, avg_shares=followers // 2000))
        accounts.append(f.AccountFacts(
            account_id=f"acc{n}", platform=PLATFORMS[n], handle=f"h{n}", followers=followers,
            avg_views=followers // 4, avg_likes=followers // 50, avg_comments=followers // 900,
            avg_shares=followers // 2000, posts_sampled=30, audience_credibility_pct=Decimal("82.5"),
            mass_followers_pct=Decimal(12), sponsored_share_pct=Decimal(35),
            top_countries=(("RU", Decimal(70)), ("KZ", Decimal(10))), rkn_registry_number=None,
            measured_on=today - timedelta(days=1), history=tuple(history)))
    return f.InfluencerFacts(influencer_id="bench", country="RU", accounts=tuple(accounts))


def test_vetting_one_influencer_with_5_accounts_and_a_year_of_snapshots(bench_results):
    from chalicelib.influencers.rules import vetting

    today = date(2026, 6, 1)
    facts = _facts(today)
    settings = vetting.settings_from({"target_countries": ["RU"]})
    verdict = vetting.vet(facts, settings, today)
    assert verdict.verdict in ("warn", "fail") and any(x.rule == "growth_spike" for x in verdict.flags)
    times = []
    for _ in range(VET_RUNS):
        started = time.perf_counter()
        vetting.vet(facts, settings, today)
        times.append(time.perf_counter() - started)
    numbers = summary(times)
    line(f"vetting 1 influencer, {VET_ACCOUNTS} accounts x {VET_DAYS} snapshots: p50 {numbers['p50_ms']} ms, "
         f"p90 {numbers['p90_ms']} ms ({len(verdict.flags)} flags)")
    bench_results["influencer_vetting"] = numbers
    check_goal("vetting p50, ms", numbers["p50_ms"], VET_GOAL_MS, "vet() is pure and linear in the snapshots")


@pytest.fixture
def big_directory(dynamodb, make_user):
    """A brand with 5,000 influencers, one account each on a platform in turn, followers spread over every
    tier (written directly, as the service would store them)."""
    from chalicelib.core.db import connection as db_connection
    from chalicelib.influencers import repo
    from chalicelib.influencers.models import AccountItem, InfluencerItem
    from tests.support.factories import make_brand

    brand = make_brand()
    reader = make_user("copywriter", brand=brand)
    db_connection.bind_models()
    rng = random.Random(11)
    now = "2026-06-01T00:00:00Z"
    bounds = (300, 3_000, 7_000, 30_000, 70_000, 300_000, 700_000, 3_000_000)
    with InfluencerItem.batch_write() as influencers, AccountItem.batch_write() as accounts:
        for n in range(DIRECTORY_SIZE):
            influencer_id, account_id = f"benchi{n:06d}{brand.id[-8:]}", f"bencha{n:06d}{brand.id[-8:]}"
            platform = PLATFORMS[n % len(PLATFORMS)]
            followers = rng.randint(bounds[n % 8] // 3, bounds[n % 8])
            er = f"{rng.uniform(0.2, 6):.3f}"
            item = InfluencerItem(*repo.influencer_key(influencer_id), id=influencer_id, brand_id=brand.id,
                                  display_name=f"Blogger {n}", status="prospect", account_ids=[account_id],
                                  platforms=[platform], top_followers=followers, top_er=er, verdict="pass",
                                  search=f"blogger {n}", created_at=now, updated_at=now, version=1)
            for name, value in repo.influencer_index_keys(item).items():
                setattr(item, name, value)
            influencers.save(item)
            account = AccountItem(*repo.account_key(account_id), id=account_id, brand_id=brand.id,
                                  influencer_id=influencer_id, platform=platform, handle=f"@b{n}",
                                  followers=followers, er=er, created_at=now, updated_at=now, version=1,
                                  **repo.account_index_keys(brand.id, account_id, platform, followers, er))
            accounts.save(account)
    return brand, reader


def _page(client, user, brand_id, query):
    r = client.get(f"/v1/brands/{brand_id}/influencers?{query}", headers=user.headers)
    assert r.status_code == 200, r.body
    return json.loads(r.body)


def test_one_filtered_directory_page_reads_o_page_items(client, big_directory, bench_results):
    brand, reader = big_directory
    query = f"platform=instagram&tier=10k_50k&limit={PAGE}"
    _page(client, reader, brand.id, query)  # warm-up (lazy imports, the first connection)
    with dynamodb_reads() as page_cost:
        started = time.perf_counter()
        page = _page(client, reader, brand.id, query)
        page_ms = (time.perf_counter() - started) * 1000
    assert len(page["items"]) == PAGE and page["cursor"]
    with dynamodb_reads() as everything:
        cursor, seen = None, 0
        while True:
            answer = _page(client, reader, brand.id, "limit=100" + (f"&cursor={cursor}" if cursor else ""))
            seen += len(answer["items"])
            cursor = answer["cursor"]
            if not cursor:
                break
    assert seen == DIRECTORY_SIZE
    line(f"directory page of {PAGE} (platform + tier) out of {DIRECTORY_SIZE}: {page_cost['items_read']} items read, "
         f"{page_cost['read_units']:.1f} RCU, {page_cost['requests']} requests, {page_ms:.0f} ms; the whole directory: "
         f"{everything['items_read']} items, {everything['read_units']:.1f} RCU")
    bench_results["influencer_directory_page"] = {
        "page": PAGE, "directory": DIRECTORY_SIZE, "items_read": page_cost["items_read"],
        "read_units": page_cost["read_units"], "requests": page_cost["requests"], "ms": round(page_ms, 1),
        "whole_directory_items_read": everything["items_read"], "whole_directory_read_units": everything["read_units"]}
    check_goal("directory page items read / page size", page_cost["items_read"] / PAGE, 2.2,
               "a Query on the brand's accounts of that platform, the tier a key range (one page of accounts), "
               "then their influencers by BatchGetItem (the caller's user item and credential: 2 more)")
