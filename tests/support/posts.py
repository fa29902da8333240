"""Helpers for API tests of posts: JSON calls with a user's token and a ready-made brand team."""
from __future__ import annotations

import json

from tests.support.factories import make_brand


def body(response):
    return json.loads(response.body)


def call(client, method, path, user, data=None, headers=None):
    kwargs = {"headers": {**user.headers, **(headers or {})}}
    if data is not None:
        kwargs["body"] = json.dumps(data)
    return getattr(client, method)(path, **kwargs)


def build_team(client, make_user):
    """A brand with a Telegram and an X channel, a team, and a two-stage chain (content manager, then SMM)."""
    brand = make_brand(timezone="Europe/Berlin")
    people = {role: make_user(role, brand=brand) for role in
              ("smm_manager", "content_manager", "copywriter", "designer", "client_approver")}
    smm = people["smm_manager"]
    tg = body(call(client, "post", f"/v1/brands/{brand.id}/channels", smm,
                   {"platform": "telegram", "name": "TG", "external_id": "@acme"}))["id"]
    x = body(call(client, "post", f"/v1/brands/{brand.id}/channels", smm, {"platform": "x", "name": "X"}))["id"]
    r = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm, {
        "name": "Standard", "default": True, "stages": [
            {"name": "Content review", "approver_roles": ["content_manager"], "rule": "any", "lead_hours": 24},
            {"name": "SMM sign-off", "approver_roles": ["smm_manager"], "rule": "any", "lead_hours": 4}]})
    assert r.status_code == 201, r.body
    return {"brand": brand, "tg": tg, "x": x, **people}


def new_post(client, team, **fields):
    data = {"brand_id": team["brand"].id, "title": "Autumn menu", "body": "Pumpkin latte is back!",
            "channel_ids": [team["tg"]], "content_type": "advertising", "publish_at": "2026-12-01T10:00", **fields}
    r = call(client, "post", "/v1/posts", team["copywriter"], data)
    assert r.status_code == 201, r.body
    return body(r)


def approve_post(client, team, **fields):
    """A new post taken through the team's two-stage chain: scheduled at its publish time."""
    post = new_post(client, team, **fields)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    for who in ("content_manager", "smm_manager"):
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who], {"version": 1, "decision": "approve"})
        assert r.status_code == 200, r.body
    return body(r)
