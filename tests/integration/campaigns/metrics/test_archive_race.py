"""A campaign archived between the service's read (active) and its write: the write's transaction checks the
campaign is still active, so nothing is written and the answer is a 409 with a sentence — for a snapshot
entered by hand and for a CSV import."""
from __future__ import annotations

import pytest

from chalicelib.campaigns.metrics import read, repo, service
from chalicelib.core.errors import Conflict


def principal_of(test_user):
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.principal import Principal

    return Principal.from_user(user_repo.get(test_user.id), via="api")


@pytest.fixture
def archived_after_the_read(setup, monkeypatch):
    """The service reads the campaign as it was (active); the campaign is archived before the write."""
    from chalicelib.campaigns import service as campaigns
    from chalicelib.campaigns.models import CampaignItem
    s = setup
    principal = principal_of(s["smm_manager"])
    read_before = campaigns.managed(principal, s["campaign"].id)
    CampaignItem(s["campaign"].pk, s["campaign"].sk).update(actions=[CampaignItem.status.set("archived")],
                                                            add_version_condition=False)
    monkeypatch.setattr(service, "managed", lambda _principal, _campaign_id: read_before)
    return s, principal


def test_a_snapshot_by_hand(archived_after_the_read):
    s, principal = archived_after_the_read
    with pytest.raises(Conflict) as refused:
        service.record(principal, s["campaign"].id, s["tg_target"], "2026-11-20T10:00:00Z", {"views": 5})
    assert "archived meanwhile" in refused.value.message
    assert repo.snapshots_of(s["tg_target"]) == []


def test_a_csv_import(archived_after_the_read):
    s, principal = archived_after_the_read
    text = f"subject,taken_at,views\n{s['tg_target']},2026-11-20T10:00:00Z,5\n{s['deliverable']},,7\n"
    with pytest.raises(Conflict) as refused:
        service.import_csv(principal, s["campaign"].id, text.encode())
    assert "archived during the import" in refused.value.message
    assert read.history([s["tg_target"], s["deliverable"]]) == {s["tg_target"]: [], s["deliverable"]: []}


def test_a_retry_on_an_active_campaign_is_still_no_conflict(setup):
    s = setup
    principal = principal_of(s["smm_manager"])
    args = (principal, s["campaign"].id, s["tg_target"], "2026-11-20T10:00:00Z", {"views": 5})
    assert service.record(*args)[1] is True
    assert service.record(*args)[1] is False  # the snapshot's own condition, not the campaign's


def test_a_big_import_fits_the_transaction_limit():
    assert service.SNAPSHOTS_PER_TRANSACTION + 2 <= 100  # the campaign's check and the audit entry
