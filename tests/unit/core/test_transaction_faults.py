"""Transaction faults: the ones DynamoDB Local never raises (TransactionConflict, throttling), injected with
botocore's Stubber, and how a batch transaction names the owners of refused operations."""
from __future__ import annotations

import pytest
from botocore.stub import Stubber

from chalicelib.brands.models import BrandItem
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict, Upstream

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
    db_connection.bind_models()
    client = db_connection.connection().client
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


# --- many owners in one transaction (the publish sweep's batches) --------------------------------

def _brand(n: str) -> BrandItem:
    return BrandItem(f"BRAND#owned-{n}", "BRAND", id=f"owned-{n}", name=n, slug=f"owned-{n}", timezone="UTC",
                     created_at="t", updated_at="t")


def test_a_refused_operation_names_its_owner_whatever_order_pynamodb_sends_them_in(dynamodb):
    """On DynamoDB Local: PynamoDB sends condition checks, deletes, puts, then updates; the reasons
    come back in that order and must map to the owners that added them, not to the call order."""
    from chalicelib.core.db.writes import BatchConflict, transact_owned

    db_connection.bind_models()
    existing, checked, renamed = _brand("exists"), _brand("checked"), _brand("renamed")
    for item in (existing, checked, renamed):
        item.save()

    def build(tx):
        tx.update(("updater",), renamed, [BrandItem.name.set("new name")])
        tx.save(("saver",), _brand("exists"), condition=BrandItem.pk.does_not_exist())  # refused: it exists
        tx.condition_check(("checker-1", "checker-2"), BrandItem, checked.pk, checked.sk,
                           condition=BrandItem.name == "checked")
        tx.save(("new",), _brand("fresh"), condition=BrandItem.pk.does_not_exist())

    with pytest.raises(BatchConflict) as info:
        transact_owned(ACTOR, [Change("b1", "brand", "b1", "batch")], build)
    assert info.value.failed == {"saver": "ConditionalCheckFailed"}
    assert BrandItem.get(renamed.pk, renamed.sk).name == "renamed"  # all or nothing

    def build_shared_check_refused(tx):
        tx.save(("new",), _brand("fresh"), condition=BrandItem.pk.does_not_exist())
        tx.condition_check(("checker-1", "checker-2"), BrandItem, checked.pk, checked.sk,
                           condition=BrandItem.name == "someone else")

    with pytest.raises(BatchConflict) as info:
        transact_owned(ACTOR, [], build_shared_check_refused)
    assert info.value.failed == {"checker-1": "ConditionalCheckFailed", "checker-2": "ConditionalCheckFailed"}

    transact_owned(ACTOR, [Change("b1", "brand", "b1", "batch")], lambda tx: tx.save(("new",), _brand("fresh")))
    assert BrandItem.get("BRAND#owned-fresh", "BRAND").name == "fresh"


def test_a_batch_reports_conflicting_owners_and_a_throttled_batch_reports_none(stubbed):
    from chalicelib.core.db.writes import BatchConflict, transact_owned

    def build(tx):
        tx.save(("a",), _brand("a"))
        tx.save(("b",), _brand("b"))

    stubbed.add_client_error("transact_write_items", service_error_code="TransactionCanceledException",
                             service_message="Transaction cancelled [None, TransactionConflict, None]",
                             http_status_code=400, response_meta={},
                             modeled_fields={"CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"},
                                                                     {"Code": "None"}]})
    with pytest.raises(BatchConflict) as info:
        transact_owned(ACTOR, [Change("b1", "brand", "b1", "batch")], build)
    assert info.value.failed == {"b": "TransactionConflict"}
    stubbed.add_client_error("transact_write_items", service_error_code="ThrottlingException",
                             service_message="Rate exceeded", http_status_code=400)
    with pytest.raises(BatchConflict) as info:
        transact_owned(ACTOR, [], build)
    assert info.value.failed == {}  # nobody's in particular: every owner is unsettled
    stubbed.add_client_error("transact_write_items", service_error_code="ValidationException",
                             service_message="bad request", http_status_code=400)
    with pytest.raises(Upstream):
        transact_owned(ACTOR, [], build)
