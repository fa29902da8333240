"""A JSON body Python's parser cannot take — an integer of thousands of digits, arrays nested thousands
deep — is a 400 with a sentence, never a 500 (core/http/api.parse_json_body)."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("raw", ['{"name": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000],
                         ids=["long integer", "deep nesting"])
def test_a_body_the_parser_cannot_take_is_a_400(client, make_user, brand, raw):
    person = make_user("smm_manager", brand=brand)
    r = client.post(f"/v1/brands/{brand.id}/campaigns", body=raw.encode(), headers=person.headers)
    assert r.status_code == 400, r.body[:300]
    assert "too long or it is nested too deep" in json.loads(r.body)["error"]["message"]
