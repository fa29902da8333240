"""Framework overhead of one read: `GET /v1/channels/{id}` through chalice.test.Client (a member's
bearer token) against a raw PynamoDB `ChannelItem.get` of the same item, both on DynamoDB Local.

Goal: p50(request) / p50(raw get) <= 2.0. Also counts the DynamoDB calls one request makes, and
when the goal is missed prints a cProfile of the request path (where the time goes).
"""
from __future__ import annotations

import cProfile
import io
import json
import logging
import os
import pstats
import time
from collections import Counter
from contextlib import contextmanager

import pytest

from tests.bench.helpers import STRICT, check_goal, line, summary

ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "300"))
WARMUP = 30
GOAL = 2.0


@contextmanager
def dynamodb_calls():
    """Count every botocore API call (operation name) made in the block, whatever client makes it."""
    from botocore.client import BaseClient

    seen: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        seen[operation_name] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting
    try:
        yield seen
    finally:
        BaseClient._make_api_call = original


@contextmanager
def quiet_logs():
    logging.disable(logging.INFO)  # one request log line per call would measure the terminal
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@pytest.fixture
def channel_and_member(dynamodb, make_user):
    from chalicelib.brands.channels import repo as channel_repo
    from tests.support.factories import ACTOR, make_brand

    brand = make_brand()
    member = make_user("copywriter", brand=brand)
    channel = channel_repo.create(ACTOR, brand.id, {"platform": "telegram", "name": "Bench", "handle": "@bench",
                                                    "external_id": None, "timezone": "Europe/Moscow",
                                                    "credentials_ref": "env:GL_BRAND_BENCH_TOKEN"})
    return channel, member


def profile(fn, calls: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(25)
    return out.getvalue()


def test_get_channel_overhead_vs_raw_pynamodb_get(app, channel_and_member, bench_results):
    from chalice.test import Client

    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.brands.channels.repo import channel_key
    from chalicelib.core.db import connection as db_connection

    channel, member = channel_and_member
    path = f"/v1/channels/{channel.id}"
    headers = {"Authorization": member.headers["Authorization"]}
    db_connection.bind_models()
    pk, sk = channel_key(channel.id)

    with Client(app, stage_name="local") as client, quiet_logs():
        def request():
            response = client.http.get(path, headers=headers)
            assert response.status_code == 200, response.body
            return response

        def raw_get():
            return ChannelItem.get(pk, sk)

        assert json.loads(request().body)["id"] == channel.id
        assert raw_get().id == channel.id
        with dynamodb_calls() as calls:
            request()
        request_calls = dict(calls)
        with dynamodb_calls() as calls:
            raw_get()
        raw_calls = dict(calls)

        for _ in range(WARMUP):
            request(), raw_get()
        request_times, raw_times = [], []
        for _ in range(ITERATIONS // 50):  # alternate in blocks, so drift hits both sides alike
            for _ in range(50):
                t0 = time.perf_counter()
                raw_get()
                raw_times.append(time.perf_counter() - t0)
            for _ in range(50):
                t0 = time.perf_counter()
                request()
                request_times.append(time.perf_counter() - t0)

        req, raw = summary(request_times), summary(raw_times)
        ratio = req["p50_ms"] / raw["p50_ms"]
        line()
        line(f"GET /v1/channels/{{id}} in-process (chalice.test.Client, copywriter's bearer token), "
             f"{len(request_times)} calls after {WARMUP} warm-up")
        line(f"  request      p50 {req['p50_ms']:7.2f} ms  p90 {req['p90_ms']:7.2f} ms   DynamoDB calls: {request_calls}")
        line(f"  raw get      p50 {raw['p50_ms']:7.2f} ms  p90 {raw['p90_ms']:7.2f} ms   DynamoDB calls: {raw_calls}")
        line(f"  overhead     p50 {req['p50_ms'] - raw['p50_ms']:7.2f} ms per request")
        explain = ""
        if ratio > GOAL or os.environ.get("BENCH_PROFILE"):
            explain = profile(request, 100)
            line("  cProfile of 100 requests (cumulative):")
            for text in explain.splitlines():
                line(f"    {text}")
        bench_results["get_channel"] = {
            "iterations": len(request_times), "warmup": WARMUP, "request": req, "raw_get": raw,
            "ratio_p50": round(ratio, 3), "goal": GOAL,
            "dynamodb_calls_per_request": request_calls, "dynamodb_calls_raw_get": raw_calls,
        }
        check_goal("GET channel p50 / raw ChannelItem.get p50", ratio, GOAL,
                   f"DynamoDB calls per request: {request_calls}\n{explain if STRICT else ''}")
