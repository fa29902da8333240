"""Faults DynamoDB Local never raises (TransactionConflict, throttling), injected with botocore's Stubber."""
from __future__ import annotations

import pytest
from botocore.stub import Stubber

from chalicelib import deps
from chalicelib.db.models import BrandItem
from chalicelib.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.errors import Conflict, Upstream

ACTOR = Actor("u1", "tests", "api")


def _cancelled(stubber, code: str):
    stubber.add_client_error("transact_write_items", service_error_code="TransactionCanceledException",
                             service_message=f"Transaction cancelled [{code}, None]", http_status_code=400,
                             response_meta={}, modeled_fields={"CancellationReasons": [{"Code": code}, {"Code": "None"}]})


def _write(client):
    item = BrandItem("BRAND#b1", "BRAND", id="b1", name="n", slug="s", timezone="UTC", created_at="t", updated_at="t")
    transact(ACTOR, Change("b1", "brand", "b1", "update"), lambda tx: tx.save(item))


@pytest.fixture
def stubbed(dynamodb):
    deps.bind_models()
    client = deps.connection().client
    with Stubber(client) as stubber:
        yield stubber


def test_transaction_conflict_is_retried_then_succeeds(stubbed):
    _cancelled(stubbed, "TransactionConflict")
    _cancelled(stubbed, "TransactionConflict")
    stubbed.add_response("transact_write_items", {})
    _write(None)
    stubbed.assert_no_pending_responses()


def test_persistent_transaction_conflict_is_a_409_not_lost_silently(stubbed):
    for _ in range(4):
        _cancelled(stubbed, "TransactionConflict")
    with pytest.raises(Conflict) as info:
        _write(None)
    assert not isinstance(info.value, WriteConflict) and info.value.status == 409


def test_condition_failure_is_write_conflict(stubbed):
    _cancelled(stubbed, "ConditionalCheckFailed")
    with pytest.raises(WriteConflict) as info:
        _write(None)
    assert info.value.reasons[0] == "ConditionalCheckFailed"


def test_throttling_is_retried_then_upstream(stubbed):
    for _ in range(4):
        stubbed.add_client_error("transact_write_items", service_error_code="ThrottlingException",
                                 service_message="Rate exceeded", http_status_code=400)
    with pytest.raises((Upstream, Conflict)):
        _write(None)
