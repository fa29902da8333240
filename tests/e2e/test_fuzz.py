"""Schemathesis over our own OpenAPI document, against a real `chalice local` on DynamoDB Local.

Every JSON operation is fuzzed as an admin (coverage phase + random fuzzing) and as the SMM
manager of a brand (random fuzzing). The generator knows some real ids (a brand, its channels,
colleagues, a spare token) and some valid values the schema cannot express (IANA time zones), so a
good share of the requests reach real data instead of stopping at 404/422. Every response must pass:

  not_a_server_error           no 5xx
  status_code_conformance      the status code is documented for the operation
  content_type_conformance     the Content-Type is the documented one
  response_schema_conformance  the body matches the documented schema (ErrorBody for errors)

Bounded and reproducible: fixed seed, derandomized, no shrinking, no example database, at most
FUZZ_MAX_EXAMPLES (default 25) random cases per operation on top of the coverage phase's boundary
cases; about 1,700 requests, ~2 minutes on 2 cores. A failure prints the curl command that
reproduces it. FUZZ_SEED / FUZZ_MAX_EXAMPLES override the defaults for a longer hunt; FUZZ_TRACE=1
prints every request and answer (with -s).
"""
from __future__ import annotations

import json
import os

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import app as app_module  # noqa: F401 - registers every route, so the document is complete
from chalicelib.core.http.openapi import document


@schemathesis.serializer("application/pdf")
def _pdf_body(ctx, value):
    """Raw PDF bodies (the signed copy of a contract): schemathesis has no serializer of its own for the
    type; what it generated goes on the wire as bytes (the route then judges it by its %PDF- header)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "20240601"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# TRACE and QUERY never reach the app: `chalice local` (http.server) answers them 501 by itself and
# API Gateway rejects them before Lambda. Every other undocumented method must get a clean 4xx.
UNEXPECTED_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"]
VALID_ZONES = ["UTC", "Europe/Moscow", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
# Operations a caller of this kind can never succeed at (a 2xx is not expected there).
NO_SUCCESS = {
    ("smm_manager", "POST /v1/brands"),  # admins only
    # needs a Slack workspace that knows the caller's address (tests/integration/profile/test_slack_link.py)
    ("smm_manager", "POST /v1/me/slack-link"), ("admin", "POST /v1/me/slack-link"),
    # needs a public Telegram channel's page (tests/integration/influencers/test_csv_and_telegram.py)
    ("smm_manager", "POST /v1/accounts/{account_id}/telegram-fetch"),
    ("admin", "POST /v1/accounts/{account_id}/telegram-fetch"),
    ("smm_manager", "POST /v1/payments/{payment_id}/pay"),  # finance pays (tests/integration/deals/test_payments_api.py)
    # a real PNG/JPEG/PDF in a multipart form (tests/integration/placements/test_placement_api.py)
    ("smm_manager", "POST /v1/deliverables/{deliverable_id}/evidence"),
    ("admin", "POST /v1/deliverables/{deliverable_id}/evidence"),
    # the upload URL's signed token and a file stored through it (tests/integration/media/test_media_api.py)
    ("smm_manager", "PUT /v1/media/put"), ("admin", "PUT /v1/media/put"),
    ("smm_manager", "POST /v1/brands/{brand_id}/media"), ("admin", "POST /v1/brands/{brand_id}/media"),
    # signed with the campaign's secret, not a token (tests/integration/campaigns/conversions/test_webhook.py)
    ("smm_manager", "POST /v1/campaigns/{campaign_id}/conversions"),
    ("admin", "POST /v1/campaigns/{campaign_id}/conversions"),
}


def _schema(*, coverage: bool):
    return schemathesis.openapi.from_dict(document(), config=schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "no-shrink": True},
        "phases": {
            "stateful": {"enabled": False},
            "coverage": {"enabled": coverage, "unexpected-methods": UNEXPECTED_METHODS},
        },
    }))


admin_schema = _schema(coverage=True)
# The coverage phase builds the same boundary cases whoever calls; running it once is enough.
manager_schema = _schema(coverage=False)

# Real ids for the hooks, filled by the `world_*` fixtures before each operation is fuzzed.
KNOWN: dict[str, list[str]] = {}
# (caller kind, operation) -> {status: count}, for the reach check at the end.
STATUSES: dict[tuple[str, str], dict[int, int]] = {}
CALLER: list[str] = ["?"]


def _mostly(original, fixed: st.SearchStrategy) -> st.SearchStrategy:
    """Three times in four the repaired value, else the generated one as it is."""
    return st.integers(0, 3).flatmap(lambda n: st.just(original) if n == 0 else fixed)


def _maybe_swap(values, pools: dict[str, str]) -> st.SearchStrategy:
    """The generated values as they are, or with the ids replaced by real ones."""
    if not isinstance(values, dict):
        return st.just(values)
    swaps = {name: KNOWN[pool] for name, pool in pools.items() if KNOWN.get(pool)}
    if not swaps:
        return st.just(values)
    real = st.fixed_dictionaries({name: st.sampled_from(ids) for name, ids in swaps.items()})
    return _mostly(values, real.map(lambda chosen: {**values, **chosen}))


# Each target action needs a target in its own state (see _publication_targets).
# Each payment action needs a payment in its own state (see _deals).
PAYMENT_POOLS = {"pay": "approved_payment_id", "release": "held_payment_id"}
TARGET_POOLS = {"retry": "failed_target_id", "resolve": "unconfirmed_target_id",
                "mark-published": "manual_target_id"}


def flatmap_path_parameters(context, path_parameters):
    deleting = context.operation is not None and context.operation.method.upper() == "DELETE"
    path = context.operation.path if context.operation is not None else ""
    pools = {
        "brand_id": "brand_id",
        "channel_id": "victim_channel_id" if deleting else "channel_id",
        "post_id": "post_id",
        "chain_id": "victim_chain_id" if deleting else "chain_id",
        "influencer_id": "victim_influencer_id" if deleting else "influencer_id",
        "account_id": "victim_account_id" if deleting else "account_id",
        "deal_id": "deal_id", "deliverable_id": "deliverable_id", "payment_id": "payment_id",
        "campaign_id": "archived_campaign_id" if path.endswith("/unarchive") else "campaign_id",
        "cost_id": "cost_id",
    }
    if isinstance(path_parameters, dict) and "deliverable_id" in path_parameters and \
            path.endswith(("/checks", "/placement")):  # a deliverable of a signed deal (with a live URL)
        pools["deliverable_id"] = "placed_deliverable_id"
    pools["check_id"] = "check_id"
    if path.endswith("/decisions"):  # only the post in review can take a decision
        pools["post_id"] = "review_post_id"
    if isinstance(path_parameters, dict) and "payment_id" in path_parameters:
        pools["payment_id"] = PAYMENT_POOLS.get(path.rsplit("/", 1)[-1], "payment_id")
    if isinstance(path_parameters, dict) and "target_id" in path_parameters:  # only here: other draws unchanged
        pools["target_id"] = TARGET_POOLS.get(path.rsplit("/", 1)[-1], "target_id")
    swapped = _maybe_swap(path_parameters, pools)
    if isinstance(path_parameters, dict) and "number" in path_parameters:
        return swapped.flatmap(lambda values: _mostly(values, st.just({**values, "number": "1"})))
    return swapped


def flatmap_query(context, query):
    path = context.operation.path if context.operation is not None else ""
    if isinstance(query, dict) and ("cursor" in query or "limit" in query):
        # a random cursor is always refused (400): mostly page from the start, with a valid limit
        cleaned = {k: v for k, v in query.items() if k != "cursor"}
        if "limit" in cleaned:
            cleaned["limit"] = 20
        return _mostly(query, _fix_query(path, cleaned))
    return _fix_query(path, query)


def _plan_csv() -> str:
    """A content-plan file of one new post on a real channel (CSV is not something the schema can say)."""
    from chalicelib.plan.rules.csv_format import COLUMNS

    row = {"title": "Imported", "body": "From a spreadsheet", "channels": (KNOWN.get("channel_id") or ["x"])[0]}
    return ",".join(COLUMNS) + "\r\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\r\n"


def _fix_query(path, query):
    if path.endswith("content-plan.csv") and isinstance(query, dict):
        return _mostly(query, st.just({}))
    if path == "/v1/tokens":
        return _maybe_swap(query, {"id": "spare_token_id"})
    if path.endswith("/members") and isinstance(query, dict) and "user_id" in query:  # DELETE names a member
        return _maybe_swap(query, {"user_id": "colleague_id"})
    if path == "/v1/audit":
        return _maybe_swap(query, {"brand_id": "brand_id", "id": "channel_id"})
    if path == "/v1/posts":
        return _maybe_swap(query, {"brand_id": "brand_id"})
    if path.endswith("/promo-codes") and isinstance(query, dict) and "code" in query:
        return _maybe_swap(query, {"code": "promo_code"})
    if path.endswith("/diff") and isinstance(query, dict):
        return _mostly(query, st.just({"from": 1, "to": 1}))
    return st.just(query)


def _influencers_csv(n: int) -> str:
    """One new influencer with one account (CSV is not something the schema can say)."""
    return f"display_name,platform,handle,followers\r\nFuzz {n},instagram,@fuzz_{n},1000\r\n"


def _snapshots_csv(days: int) -> str:
    from datetime import date, timedelta

    return f"taken_on,followers\r\n{(date.today() - timedelta(days=days)).isoformat()},{1000 + days}\r\n"


def _influencer_body(path: str, body, n: int, status: str):
    """Influencer bodies name what the schema cannot check: a free handle, a past day, a legal move."""
    if not isinstance(body, dict):
        return body
    if path.endswith("/status"):
        return {"status": status, "reason": "fuzzing"}
    fixed = {k: v for k, v in body.items() if k not in ("version", "inn", "ogrn", "owner_id", "legal_type")}
    if path.endswith("/snapshots"):
        from datetime import date, timedelta

        fixed["taken_on"] = (date.today() - timedelta(days=1 + n % 300)).isoformat()
    if "handle" in fixed or path.endswith("/accounts"):
        fixed["handle"] = f"fz_{n}"
    if path.endswith("/accounts"):
        fixed["platform"] = "telegram"
    for name in ("display_name",):
        if name in fixed and not str(fixed[name] or "").strip():
            fixed[name] = f"Fuzz {n}"
    return fixed


def _deal_body(path: str, body, n: int):
    """Deal bodies name what the schema cannot check: the deal's influencer and account, exact money, a
    schedule adding up to 100, terms that agree with each other, a move the state allows."""
    if not isinstance(body, dict):
        return body
    fixed = {k: v for k, v in body.items() if k not in ("version", "owner_id", "campaign_id", "contract_number",
                                                        "advertiser", "terms", "milestones", "overrides", "to")}
    if "influencer_id" in fixed and KNOWN.get("deal_influencer_id"):
        fixed["influencer_id"] = KNOWN["deal_influencer_id"][0]
    if "account_id" in fixed and KNOWN.get("deal_account_id"):
        fixed["account_id"] = KNOWN["deal_account_id"][0]
    for name in ("fee", "product_value"):
        if isinstance(fixed.get(name), dict) or name == "fee" and path.endswith("/deals"):
            fixed[name] = {"amount": f"{n % 100000}.00", "currency": "RUB"}
    if "agency_fee_pct" in fixed and fixed["agency_fee_pct"] is not None:
        fixed["agency_fee_pct"] = "10"
    if "publish_at" in fixed:
        fixed["publish_at"] = "2030-06-01T10:00"
    if "timezone" in fixed:
        fixed["timezone"] = "Europe/Moscow"
    if path.endswith("/deliverables") and fixed.get("format") not in (None, "tg_post"):
        fixed["format"] = "tg_post"
    if "status" in fixed and path.startswith("/v1/deliverables/"):
        fixed["status"] = "cancelled" if n % 2 else "missed"
    if "erid" in fixed and fixed["erid"] is not None:
        fixed["erid"] = f"Fz{n}"
    if "url" in fixed and fixed["url"] is not None:
        fixed["url"] = f"https://t.me/fuzz/{n}"
    if path.endswith("/resolve"):
        fixed["to"] = "in_progress"
    if path.endswith("/pay"):
        fixed.update(paid_on="2026-01-01", reference=f"PP-{n}")
    if path.endswith("/release"):
        fixed["hold"] = "manual"
    if path.endswith("/adjustments"):
        return {"rule": "manual", "amount": {"amount": f"-{n % 1000}.00", "currency": "RUB"}, "note": "fuzzing"}
    return fixed


def _campaign_body(path: str, body, n: int):
    """Campaign bodies name what the schema cannot check: dates in order, the campaign's currency, a free
    promo code, a public target, a subject of the campaign, CSV files."""
    if path.endswith("/metrics.csv"):
        return f"subject,views\r\n{(KNOWN.get('metric_subject') or ['target:x'])[0]},{n % 100000}\r\n"
    if path.endswith("/conversions.csv"):
        return f"order_id,occurred_at,amount,currency\r\nFZ-{n},2026-01-01T10:00:00Z,{n % 10000}.00,RUB\r\n"
    if not isinstance(body, dict):
        return body
    rub = {"amount": f"{n % 100000}.00", "currency": "RUB"}
    if path.endswith("/campaigns"):
        return {"name": f"Campaign {n}", "goal": "sales", "starts_on": "2030-01-01", "ends_on": "2030-02-01",
                "currency": "RUB", "budget": rub, "targets": {"clicks": n % 1000}}
    if path == "/v1/campaigns/{campaign_id}":
        return {"name": f"Renamed {n}", "targets": {"conversions": n % 100}}
    if path.endswith("/costs"):
        return {"kind": "boost", "label": f"Boost {n}", "spent_on": "2030-01-05",
                "amount": {"amount": f"{1 + n % 1000}.00", "currency": "RUB"}}
    if path.endswith("/links"):
        return {"target_url": f"https://93.184.215.14/landing?ref={n}", "label": f"Link {n}"}
    if path.endswith("/promo-codes"):
        return {"code": f"FZ{n}"}
    if path.endswith("/metrics"):
        return {"subject": (KNOWN.get("metric_subject") or ["target:x"])[0], "values": {"views": n % 100000}}
    return body


def flatmap_body(context, body):
    """Valid-looking bodies often fail on what the schema does not say (a real time zone, the current
    version, "email or user_id", no per-brand admin); mostly repair that so success paths get fuzzed."""
    path = context.operation.path if context.operation is not None else ""
    if path.endswith("/content-plan"):
        return _mostly(body, st.builds(_plan_csv))
    if path.startswith("/v1/campaigns/") or path.endswith("/campaigns"):
        return _mostly(body, st.builds(lambda n: _campaign_body(path, body, n), st.integers(0, 10**9)))
    if path.endswith("/signed-copy") and isinstance(body, (bytes, str)):  # a scan is a PDF (checked by its header)
        return _mostly(body, st.just(b"%PDF-1.4\n% signed while fuzzing\n%%EOF\n"))
    if path == "/v1/posts/{post_id}" and isinstance(body, dict):  # a plain edit of version 1 (each world is new)
        return st.one_of(st.just(body), st.just({"version": 1, "title": "Edited while fuzzing"}),
                         st.just({"version": 1, "body": "Edited body"}))
    if path.endswith("/influencers/import"):
        return _mostly(body, st.builds(_influencers_csv, st.integers(0, 10**9)))
    if path.endswith("/snapshots/import"):
        return _mostly(body, st.builds(_snapshots_csv, st.integers(1, 300)))
    if isinstance(body, dict) and ("/deals" in path or path.startswith(("/v1/deliverables/", "/v1/payments/"))):
        return _mostly(body, st.builds(lambda n: _deal_body(path, body, n), st.integers(0, 10**9)))
    if isinstance(body, dict) and ("/influencers" in path or path.startswith("/v1/accounts/")):
        return _mostly(body, st.builds(lambda n, status: _influencer_body(path, body, n, status),
                                       st.integers(0, 10**9), st.sampled_from(["blacklisted", "prospect", "vetting"])))
    if path.endswith(("/posts/bulk", "/posts/bulk-export")) and isinstance(body, dict):  # the world's real posts
        return _mostly(body, st.just(_bulk_body(body)))
    if not isinstance(body, dict):
        return st.just(body)
    adding_member = path.endswith("/members")

    def repaired(zone, person, role, n):
        fixed = {k: v for k, v in body.items() if k != "version" and not (k == "name" and v is None)}
        _repair_post_fields(path, fixed, body)
        if path.startswith("/v1/targets/") and ("url" in fixed or fixed.get("outcome") == "published"):
            fixed["url"] = f"https://t.me/acme/{n}"  # the live post: a real link, as a person pastes it
        if isinstance(fixed.get("timezone"), str):
            fixed["timezone"] = zone
        if adding_member:
            fixed.pop("email", None)
            fixed.pop("user_id", None)
            if person:
                fixed["user_id"] = person
            else:
                fixed["email"] = f"invitee{n}@example.com"
            if fixed.get("role") == "admin":
                fixed["role"] = role
        return fixed

    people = (KNOWN.get("colleague_id") or []) + [None]
    return _mostly(body, st.builds(repaired, st.sampled_from(VALID_ZONES), st.sampled_from(people),
                                   st.sampled_from(["copywriter", "designer", "content_manager"]),
                                   st.integers(0, 10**9)))


def _bulk_body(body: dict) -> dict:
    """A bulk action on the world's real posts (for move: by a day), so the per-post services run."""
    fixed = {k: v for k, v in body.items() if k != "versions"}
    fixed["post_ids"] = [*(KNOWN.get("post_id") or []), *(KNOWN.get("review_post_id") or [])][:5] or ["nosuchpost"]
    if fixed.get("action") == "move":
        fixed["days"] = 1
    if fixed.get("action") == "approve":  # approve needs the version seen of each post
        fixed["versions"] = {post_id: 1 for post_id in fixed["post_ids"]}
    return fixed


def _repair_post_fields(path: str, fixed: dict, original: dict) -> None:
    """Posts, decisions and chains name other objects and versions the schema cannot know."""
    if "brand_id" in fixed and KNOWN.get("brand_id"):
        fixed["brand_id"] = KNOWN["brand_id"][0]
    if "channel_ids" in fixed and KNOWN.get("channel_id"):
        fixed["channel_ids"] = KNOWN["channel_id"][:1]
        fixed.pop("variants", None)
    if "variants" in fixed:
        fixed["variants"] = {}
    if "assignee_ids" in fixed:
        fixed["assignee_ids"] = (KNOWN.get("colleague_id") or [])[:1]
    if "publish_at" in fixed and fixed["publish_at"] is not None:
        fixed["publish_at"] = "2030-06-01T10:00"
    if "due_at" in fixed and fixed["due_at"] is not None:
        fixed["due_at"] = "2030-05-30"
    if "campaign_id" in fixed:
        fixed.pop("campaign_id")
    if path == "/v1/posts" and not str(fixed.get("title") or "").strip() and not str(fixed.get("body") or "").strip():
        fixed["title"] = "Fuzzed post"  # a post needs a title or a text (a rule across two fields)
    if path.startswith("/v1/posts/{post_id}") and "version" in original:
        fixed["version"] = 1
    if path.endswith("/decisions"):
        fixed["version"] = 1
        if fixed.get("decision") != "approve" and not (fixed.get("comment") or "").strip():
            fixed["comment"] = "please change"
    if "stages" in fixed and isinstance(fixed["stages"], list):
        fixed["stages"] = [{**st_, "approver_roles": ["content_manager"], "approver_user_ids": []}
                           for st_ in fixed["stages"] if isinstance(st_, dict)] or fixed["stages"]
    if path.endswith("/approval-chains") or path.startswith("/v1/approval-chains"):
        fixed["content_types"] = []
        fixed["default"] = False


def after_call(context, case, response):
    codes = STATUSES.setdefault((CALLER[0], case.operation.label), {})
    codes[response.status_code] = codes.get(response.status_code, 0) + 1
    if os.environ.get("FUZZ_TRACE"):
        print("TRACE", case.meta.phase.name if case.meta else None, case.method, case.formatted_path, case.query,
              str(case.body)[:300], response.status_code, response.text[:300])


for _schema_ in (admin_schema, manager_schema):
    for _hook in (flatmap_path_parameters, flatmap_query, flatmap_body, after_call):
        _schema_.hook(_hook)


def _make_world(kind: str, live_server: str, make_user, test_name: str = "") -> dict[str, str]:
    """A fresh brand with channels and colleagues for every operation (DELETE cannot starve the next)."""
    from chalicelib.identity.credentials import create_token
    from tests.support.factories import ACTOR, make_brand

    brand = make_brand()
    user = make_user(admin=True) if kind == "admin" else make_user("smm_manager", brand=brand)
    colleagues = [make_user(role, brand=brand) for role in ("copywriter", "designer", "client_approver")]
    if kind == "admin":  # the admin also works on the brand, so it can approve its posts
        from chalicelib.brands.members import repo as member_repo
        from chalicelib.identity import repo as user_repo

        member_repo.set_roles(ACTOR, brand.id, user_repo.get(user.id), ["smm_manager"])
    headers = {"Authorization": f"Bearer {user.token}"}
    channels = []
    for n in range(4):
        r = requests.post(f"{live_server}/v1/brands/{brand.id}/channels", timeout=30,
                          headers={**headers, "Content-Type": "application/json"},
                          data=json.dumps({"platform": "telegram", "name": f"Channel {n}", "handle": f"@ch{n}"}))
        assert r.status_code == 201, r.text
        channels.append(r.json()["id"])
    spare, _ = create_token(ACTOR, user.id, "spare")  # revocable without locking the fuzzer out
    json_headers = {**headers, "Content-Type": "application/json"}
    chains = []
    for n, default in enumerate((True, False, False)):
        r = requests.post(f"{live_server}/v1/brands/{brand.id}/approval-chains", timeout=30, headers=json_headers,
                          data=json.dumps({"name": f"Chain {n}", "default": default, "stages": [
                              {"name": "Managers", "approver_roles": ["smm_manager"]}]}))
        assert r.status_code == 201, r.text
        chains.append(r.json()["id"])
    writer = {"Authorization": f"Bearer {colleagues[0].token}", "Content-Type": "application/json"}
    posts = []
    for n in range(3):  # 0: has publications (its targets below), 1: in review, 2: a draft
        r = requests.post(f"{live_server}/v1/posts", timeout=30, headers=writer, data=json.dumps(
            {"brand_id": brand.id, "title": f"Post {n}", "body": "Hello", "channel_ids": channels[:1]}))
        assert r.status_code == 201, r.text
        posts.append(r.json()["id"])
    requests.post(f"{live_server}/v1/posts/{posts[1]}/submit", timeout=30, headers=writer)
    targets = _publication_targets(brand.id, posts[0], channels[:3])
    influencers, accounts = [], []
    for n in range(3):
        r = requests.post(f"{live_server}/v1/brands/{brand.id}/influencers", timeout=30, headers=json_headers,
                          data=json.dumps({"display_name": f"Blogger {n}", "country": "RU"}))
        assert r.status_code == 201, r.text
        influencers.append(r.json()["id"])
        r = requests.post(f"{live_server}/v1/influencers/{influencers[-1]}/accounts", timeout=30, headers=json_headers,
                          data=json.dumps({"platform": "instagram", "handle": f"@blogger_{n}", "followers": 12000,
                                           "avg_likes": 300}))
        assert r.status_code == 201, r.text
        accounts.append(r.json()["id"])
    deals = _deals(live_server, brand, json_headers, make_user)
    deals.update(_deal_in_state(live_server, json_headers, deals, test_name))
    campaigns = _campaigns(live_server, brand.id, json_headers, writer, posts[0], targets["failed"])
    _published_in_part(posts[0])  # its targets are of its current version: retry and resolve may succeed
    KNOWN.clear()
    KNOWN.update(**deals, **campaigns)
    KNOWN.update(brand_id=[brand.id], channel_id=channels[:2], victim_channel_id=channels[2:],
                 colleague_id=[c.id for c in colleagues], spare_token_id=[spare.id], post_id=posts,
                 review_post_id=posts[1:],
                 chain_id=chains[:2], victim_chain_id=chains[2:], target_id=list(targets.values()),
                 influencer_id=influencers[:2], victim_influencer_id=influencers[2:], account_id=accounts[:2],
                 victim_account_id=accounts[2:],
                 **{f"{state}_target_id": [tid] for state, tid in targets.items()})
    CALLER[0] = kind
    return headers


def _deals(live_server: str, brand, headers: dict, make_user) -> dict[str, list[str]]:
    """A Telegram blogger with two deals: a draft with a deliverable, and a signed one with its
    payments (the contract entry written directly: rendering a PDF per operation is not the point)."""
    from tests.support.deals_api import fake_contract

    def post(path, data=None):
        r = requests.post(f"{live_server}{path}", timeout=30, headers=headers, data=json.dumps(data or {}))
        assert r.status_code in (200, 201), r.text
        return r.json()

    brand_id = brand.id
    influencer = post(f"/v1/brands/{brand_id}/influencers", {"display_name": "Deal blogger", "country": "RU"})
    account = post(f"/v1/influencers/{influencer['id']}/accounts",
                   {"platform": "telegram", "handle": f"@deal_{influencer['id'][-8:]}", "followers": 5000})
    deals, deliverables = [], []
    thirds = [{"label": f"Part {n}", "percent": p, "trigger": "on_signing"} for n, p in enumerate(("34", "33", "33"))]
    for n in range(2):
        deal = post(f"/v1/brands/{brand_id}/deals", {"influencer_id": influencer["id"], "title": f"Deal {n}",
                                                      "fee": {"amount": "10000.00", "currency": "RUB"},
                                                      "advertiser": {"name": "ООО Ромашка", "inn": "7707083893"},
                                                      "milestones": thirds})
        deliverables.append(post(f"/v1/deals/{deal['id']}/deliverables", {
            "account_id": account["id"], "format": "tg_post", "publish_at": "2030-06-01T10:00"})["id"])
        deals.append(deal["id"])
    fake_contract(deals[1])
    post(f"/v1/deals/{deals[1]}/send")
    payments = post(f"/v1/deals/{deals[1]}/sign")["payment_ids"]
    approver = make_user("smm_manager", brand=brand)  # someone else approves what the caller may pay
    r = requests.post(f"{live_server}/v1/payments/{payments[1]}/approve", timeout=30, data="{}",
                      headers={"Authorization": f"Bearer {approver.token}", "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    post(f"/v1/payments/{payments[2]}/hold", {"reason": "waiting for the invoice"})
    # the signed deal's deliverable has a live URL and one check done (run now: the preview is not reachable
    # from here, so its result is `error`, which a manager may override)
    post(f"/v1/deliverables/{deliverables[1]}/placement", {"url": f"https://t.me/fuzz_{influencer['id'][-6:]}/7"})
    check = post(f"/v1/deliverables/{deliverables[1]}/checks")
    return {"brand_id": brand_id, "deal_id": deals, "deliverable_id": deliverables, "payment_id": payments[:1],
            "approved_payment_id": payments[1:2], "held_payment_id": payments[2:],
            "deal_influencer_id": [influencer["id"]], "deal_account_id": [account["id"]],
            "placed_deliverable_id": deliverables[1:2], "check_id": [check["id"]]}


def _campaigns(live_server: str, brand_id: str, headers: dict, writer: dict, post_id: str,
               target_id: str) -> dict[str, list[str]]:
    """An active campaign holding the first post (so its publication target is a metrics subject), with a cost
    line and a promo code, and an archived one (to unarchive)."""
    def call(method, path, data=None, who=headers):
        r = requests.request(method, f"{live_server}{path}", timeout=30, headers=who, data=json.dumps(data or {}))
        assert r.status_code in (200, 201), r.text
        return r.json()

    made = [call("POST", f"/v1/brands/{brand_id}/campaigns", {
        "name": f"Campaign {n}", "goal": "traffic", "starts_on": "2030-01-01", "ends_on": "2030-03-31",
        "currency": "RUB", "budget": {"amount": "100000.00", "currency": "RUB"}})["id"] for n in range(2)]
    call("POST", f"/v1/campaigns/{made[1]}/archive")
    call("PATCH", f"/v1/posts/{post_id}", {"version": 1, "campaign_id": made[0]}, who=writer)
    cost = call("POST", f"/v1/campaigns/{made[0]}/costs", {
        "kind": "production", "label": "Shoot", "spent_on": "2030-01-02", "amount": {"amount": "5000.00",
                                                                                    "currency": "RUB"}})
    promo = call("POST", f"/v1/campaigns/{made[0]}/promo-codes", {"code": "FUZZ10"})
    return {"campaign_id": made[:1], "archived_campaign_id": made[1:], "cost_id": [cost["id"]],
            "promo_code": [promo["code"]], "metric_subject": [f"target:{target_id}"]}


# The deal actions need a deal in their own state; built only for the operation being fuzzed.
DEAL_STATES = {"/send]": "draft", "/sign]": "sent", "/signed-copy]": "sent", "/draft-link]": "briefed",
               "/contract.pdf]": "draft", "/dispute]": "in_progress", "/resolve]": "disputed",
               "/complete]": "fulfilled", "/close]": "completed"}


def _deal_in_state(live_server: str, headers: dict, deals: dict, test_name: str) -> dict[str, list[str]]:
    from chalicelib.core import files
    from tests.support.deals_api import fake_contract

    state = next((s for end, s in DEAL_STATES.items() if test_name.endswith(end)), None)
    if state is None:
        return {}

    def call(method, path, data=None):
        r = requests.request(method, f"{live_server}{path}", timeout=30, headers=headers, data=json.dumps(data or {}))
        assert r.status_code in (200, 201), r.text
        return r.json()

    terms = {"creative_approval": True} if state == "briefed" else {}
    deal = call("POST", f"/v1/brands/{deals['brand_id']}/deals", {
        "influencer_id": deals["deal_influencer_id"][0], "title": f"Deal {state}", "terms": terms,
        "fee": {"amount": "10000.00", "currency": "RUB"}, "advertiser": {"name": "ООО Ромашка", "inn": "7707083893"}})
    item = call("POST", f"/v1/deals/{deal['id']}/deliverables", {
        "account_id": deals["deal_account_id"][0], "format": "tg_post", "publish_at": "2030-06-01T10:00"})
    fake_contract(deal["id"])
    if state == "draft":  # a contract with its file, so the PDF can be fetched
        from chalicelib.deals import repo
        from chalicelib.deals.models import DealItem

        data = b"%PDF-1.4\n% fuzz\n"
        found = repo.get(deal["id"], consistent=True)
        entry = {**found.contracts[-1], "key": f"deals/{deal['id']}/fuzz.pdf", "size": len(data),
                 "sha256": __import__("hashlib").sha256(data).hexdigest()}
        files.put(entry["key"], data, content_type="application/pdf")
        found.update(actions=[DealItem.contracts.set([entry])])
        return {"deal_id": [deal["id"]]}
    call("POST", f"/v1/deals/{deal['id']}/send")
    if state in ("sent", "briefed"):
        return {"deal_id": [deal["id"]], "deliverable_id": [item["id"]]}
    signed = call("POST", f"/v1/deals/{deal['id']}/sign")
    call("POST", f"/v1/deals/{deal['id']}/start")
    if state == "disputed":
        call("POST", f"/v1/deals/{deal['id']}/dispute", {"reason": "fuzzing"})
    if state in ("fulfilled", "completed"):
        for status in ("published", "fulfilled"):
            call("PATCH", f"/v1/deliverables/{item['id']}", {"status": status})
    if state == "completed":
        call("POST", f"/v1/payments/{signed['payment_ids'][0]}/cancel")
        call("POST", f"/v1/deals/{deal['id']}/complete")
    return {"deal_id": [deal["id"]]}


def _publication_targets(brand_id: str, post_id: str, channel_ids: list[str]) -> dict[str, str]:
    """Targets of one post in the states the target actions need: failed (retry), unconfirmed
    (resolve) and a manual one waiting to be published by hand (mark-published). Written directly,
    out of the due queue, as the sweep would have left them."""
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.db import connection as db_connection
    from chalicelib.publishing import repo as target_repo
    from chalicelib.publishing.models import TargetItem

    db_connection.bind_models()
    now = iso(utcnow())
    made = {}
    for (kind, state, manual), channel_id in zip((("failed", "failed", False), ("unconfirmed", "unconfirmed", False),
                                                  ("manual", "publishing", True)), channel_ids):
        tid = target_repo.target_id(post_id, channel_id)
        TargetItem(f"POST#{post_id}", f"TARGET#{channel_id}", id=tid, post_id=post_id, brand_id=brand_id,
                   channel_id=channel_id, platform="x" if manual else "telegram", state=state, version=1,
                   publish_at="2030-06-01T08:00:00.000000Z", attempts=1, manual=manual,
                   last_error=None if manual else "fuzz: refused", created_at=now, updated_at=now).save()
        made[kind] = tid
    return made


def _published_in_part(post_id: str) -> None:
    """The post the targets belong to, as the sweep leaves it when one went out by hand, one failed and
    one is unconfirmed (a target of an older version or of a draft is never sent again)."""
    from chalicelib.content import repo as post_repo
    from chalicelib.content.models import PostItem

    post_repo.get(post_id, consistent=True).update(actions=[PostItem.status.set("partially_published")])


@pytest.fixture
def admin_world(live_server, make_user, request):
    yield _make_world("admin", live_server, make_user, request.node.name)
    KNOWN.clear()


@pytest.fixture
def manager_world(live_server, make_user, request):
    yield _make_world("smm_manager", live_server, make_user, request.node.name)
    KNOWN.clear()


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


# The world fixtures are per operation on purpose: Hypothesis may reuse them across its examples.
ONE_WORLD_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@admin_schema.parametrize()
@ONE_WORLD_PER_OPERATION
def test_api_as_admin(case, admin_world, live_server, http):
    case.call_and_validate(base_url=live_server, headers=admin_world, session=http, checks=CHECKS, timeout=30)


@manager_schema.parametrize()
@ONE_WORLD_PER_OPERATION
def test_api_as_smm_manager(case, manager_world, live_server, http):
    case.call_and_validate(base_url=live_server, headers=manager_world, session=http, checks=CHECKS, timeout=30)


def test_served_document_is_the_one_fuzzed(live_server):
    assert requests.get(f"{live_server}/openapi.json", timeout=30).json() == json.loads(json.dumps(document()))


def test_fuzzing_reached_success_paths():
    """Guard against a fuzzer that only ever hears 404/422: every operation that ran above must have
    been answered with a 2xx at least once (except where the caller can never succeed)."""
    if not STATUSES:
        pytest.skip("no fuzzing ran in this session")
    table = "\n".join(f"  {kind:<12} {label:<45} {dict(sorted(codes.items()))}"
                      for (kind, label), codes in sorted(STATUSES.items()))
    print(f"\nfuzzing: {sum(sum(c.values()) for c in STATUSES.values())} requests\n{table}")
    never = [f"{kind} {label}" for (kind, label), codes in sorted(STATUSES.items())
             if (kind, label) not in NO_SUCCESS and not any(200 <= code < 300 for code in codes)]
    assert not never, "these operations never got a 2xx while fuzzing:\n" + "\n".join(never) + "\n" + table
