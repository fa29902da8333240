"""The payments pages' texts built from names (statuses, holds, actions, rules, summary lines, notices,
refusals, field errors) exist in every language — the catalog test cannot see keys made in code."""
from __future__ import annotations

import pytest

from chalicelib.core import i18n
from chalicelib.deals import payment_pages, payment_service
from chalicelib.deals.rules import payments as rules


def built_keys() -> set[str]:
    keys = {f"payments.notice.{n}" for n in payment_pages.NOTICES}
    keys |= {f"payments.refused.{k}" for k in ("deal_shut", "dispute_hold", "check_hold", "status", "changed",
                                                 "adjust")}
    keys |= {f"payments.error.{k}" for k in ("paid_on", "reference", "paid_on_future", "number", "too_many_missing",
                                               "deliverable", "amount", "no_clause")}
    keys |= {f"error.{payment_service.SamePerson.code}.{part}" for part in ("title", "message")}
    return keys


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_built_key_exists(language):
    catalog = i18n.catalog(language)
    assert sorted(k for k in built_keys() if k not in catalog) == []
    names = payment_pages.labels(language)  # raises on a missing key
    assert set(names["status"]) == set(rules.STATUSES) and set(names["hold"]) == set(rules.HOLD_REASONS)
    assert set(names["action"]) == set(rules.ACTIONS)


def test_the_languages_say_different_things():
    en, ru = payment_pages.labels("en"), payment_pages.labels("ru")
    assert all(en[group][k] != ru[group][k] for group in en for k in en[group])
