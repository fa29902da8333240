"""Schemathesis over our own OpenAPI document, against a real `chalice local` on DynamoDB Local.

Every operation is fuzzed twice: as an admin and as the SMM manager of a brand. The generator
knows some real ids (a brand, its channels, members, a spare token), so a good share of the
requests reach real data instead of stopping at 404. Pass criteria, per response:

  not_a_server_error           no 5xx
  status_code_conformance      the status code is documented for the operation
  content_type_conformance     the Content-Type is the documented one
  response_schema_conformance  the body matches the documented schema (ErrorBody for errors)

Bounded and reproducible: fixed seed, derandomized, MAX_EXAMPLES per operation and mode.
"""
from __future__ import annotations

import json
import os

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import app as app_module  # noqa: F401 - registers every route, so the document is complete
from chalicelib.api.openapi import document

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "30"))
SEED = int(os.environ.get("FUZZ_SEED", "20240601"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(
    document(),
    config=schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "no-shrink": True},
        "phases": {
            "stateful": {"enabled": False},
            # TRACE and QUERY never reach the app: `chalice local` (http.server) answers them 501 itself
            # and API Gateway rejects them before Lambda. Every other unexpected method is tried.
            "coverage": {"enabled": os.environ.get("FUZZ_COVERAGE", "1") == "1", "unexpected-methods": ["GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"]},
        },
    }),
)

# Real ids, filled per role by the `world` fixture and read by the hooks below while generating.
KNOWN: dict[str, list[str]] = {}


def _with_known(values: dict, names_to_pools: dict[str, str]) -> st.SearchStrategy:
    """The generated values as they are, or with some of them swapped for real ids."""
    choices = [st.just(values)]
    swaps = {name: KNOWN.get(pool) for name, pool in names_to_pools.items() if KNOWN.get(pool)}
    if swaps:
        choices.append(st.fixed_dictionaries({name: st.sampled_from(pool) for name, pool in swaps.items()})
                       .map(lambda real: {**values, **real}))
    return st.one_of(*choices)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    deleting = context.operation is not None and context.operation.method.upper() == "DELETE"
    return _with_known(path_parameters, {
        "brand_id": "brand_id",
        "channel_id": "victim_channel_id" if deleting else "channel_id",
    })


@schema.hook
def flatmap_query(context, query):
    if not isinstance(query, dict):
        return st.just(query)
    path = context.operation.path if context.operation is not None else ""
    if path == "/v1/tokens":
        return _with_known(query, {"id": "spare_token_id"})
    if path.endswith("/members"):
        return _with_known(query, {"user_id": "victim_user_id"})
    if path == "/v1/audit":
        return _with_known(query, {"brand_id": "brand_id", "id": "channel_id"})
    return st.just(query)


STATS: dict[tuple[str, str], dict[int, int]] = {}
CURRENT: list[str] = []


@schema.hook
def after_call(context, case, response):
    codes = STATS.setdefault((CURRENT[0] if CURRENT else "?", case.operation.label), {})
    codes[response.status_code] = codes.get(response.status_code, 0) + 1


@pytest.fixture(params=["admin", "smm_manager"])
def caller(request, make_user):
    """A user of the given kind, a brand with data around them, and the ids the hooks may use."""
    from chalicelib.db.credentials import create_token
    from tests.support.factories import ACTOR, make_brand

    brand = make_brand()
    user = make_user(admin=True) if request.param == "admin" else make_user("smm_manager", brand=brand)
    colleagues = [make_user(role, brand=brand) for role in ("copywriter", "designer", "client_approver")]
    headers = {"Authorization": f"Bearer {user.token}"}
    KNOWN.clear()
    KNOWN["brand_id"] = [brand.id]
    KNOWN["victim_user_id"] = [c.id for c in colleagues]
    spare, _ = create_token(ACTOR, user.id, "spare")
    KNOWN["spare_token_id"] = [spare.id]
    CURRENT[:] = [request.param]
    return request.param, headers, brand


@pytest.fixture
def world(caller, live_server):
    kind, headers, brand = caller
    channels = []
    for n in range(4):
        r = requests.post(f"{live_server}/v1/brands/{brand.id}/channels", timeout=10,
                          headers={**headers, "Content-Type": "application/json"},
                          data=json.dumps({"platform": "telegram", "name": f"Channel {n}", "handle": f"@ch{n}"}))
        assert r.status_code == 201, r.text
        channels.append(r.json()["id"])
    KNOWN["channel_id"] = channels[:2]
    KNOWN["victim_channel_id"] = channels[2:]
    yield headers
    KNOWN.clear()


@pytest.fixture(scope="module")
def session():
    with requests.Session() as s:
        yield s


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `world` is per operation on purpose
def test_api_conforms_to_its_document(case, world, live_server, session):
    case.call_and_validate(base_url=live_server, headers=world, session=session, checks=CHECKS, timeout=30)


def test_zz_stats():
    for k, v in sorted(STATS.items()):
        print(k, dict(sorted(v.items())), sum(v.values()))
    print("total", sum(sum(v.values()) for v in STATS.values()))
