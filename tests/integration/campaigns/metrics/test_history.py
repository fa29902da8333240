"""read.history / latest: our snapshot items merged with the placement checks' metrics of a deliverable."""
from __future__ import annotations

from chalicelib.campaigns.metrics import read, repo
from tests.integration.campaigns.metrics.conftest import add_check
from tests.support.deals import add_account, add_deal, add_deliverable, add_influencer


def _put(subject, taken_at, source, values):
    repo.new_snapshot(subject, taken_at, source, values, entered_by="tests").save()


def test_history_merges_checks_and_snapshots_oldest_first(crew):
    deal = add_deal(crew)
    item = add_deliverable(deal)  # Telegram
    subject = f"deliverable:{item.id}"
    add_check(item, "metrics_24h", "2026-07-11T15:00:00.000000Z", {"found": True, "views": 900, "likes": None,
                                                                   "reposts": 4})
    add_check(item, "metrics_72h", "2026-07-13T15:00:00.000000Z", {"found": True, "views": 1500})
    add_check(item, "retention", "2026-07-12T15:00:00.000000Z", {"found": True, "views": 1200}, n=1)  # views: counts
    add_check(item, "initial", "2026-07-10T15:10:00.000000Z", {"found": True, "views": None})  # no metrics
    add_check(item, "final", "2026-07-14T15:00:00.000000Z", {"found": False, "views": 3})  # gone: none
    add_check(item, "metrics_7d", "2026-07-17T15:00:00.000000Z", None, state="planned")  # not done
    _put(subject, "2026-07-12T10:00:00.000000Z", "manual", {"views": 1100, "comments": 12})

    got = read.history([subject, "target:nothing", subject])
    assert list(got) == [subject, "target:nothing"]
    assert got["target:nothing"] == []
    snapshots = got[subject]
    assert [(s.source, s.values) for s in snapshots] == [
        ("check", {"views": 900, "forwards": 4}),  # Telegram: reposts are forwards
        ("manual", {"views": 1100, "comments": 12}),
        ("check", {"views": 1200}),
        ("check", {"views": 1500}),
    ]
    assert snapshots[0].check_id and snapshots[0].taken_at == "2026-07-11T15:00:00.000000Z"
    latest = read.latest([subject])[subject]  # per metric, the newest value known: a check reads only views
    assert (latest.source, latest.values) == ("check", {"views": 1500, "forwards": 4, "comments": 12})


def test_vk_reposts_are_shares_and_manual_wins_a_tie(crew):
    influencer = add_influencer(crew["brand"].id)
    deal = add_deal(crew, influencer)
    item = add_deliverable(deal, add_account(influencer, platform="vk", handle="club1"), format="post")
    subject = f"deliverable:{item.id}"
    at = "2026-07-11T15:00:00.000000Z"
    add_check(item, "metrics_24h", at, {"found": True, "views": 700, "likes": 30, "reposts": 5})
    assert read.latest([subject])[subject].values == {"views": 700, "likes": 30, "shares": 5}
    _put(subject, at, "csv", {"views": 710})
    assert read.latest([subject])[subject].source == "csv"
    _put(subject, at, "manual", {"views": 720})
    _put(subject, at, "csv", {"views": 730})  # written after the manual one, at the same instant: manual still wins
    latest = read.latest([subject])[subject]
    assert (latest.source, latest.values) == ("manual", {"views": 720, "likes": 30, "shares": 5})
    assert [s.source for s in read.history([subject])[subject]] == ["check", "csv", "csv", "manual"]


def test_many_subjects_in_parallel(crew):
    subjects = [f"target:t{n}" for n in range(30)]
    for n, subject in enumerate(subjects[::2]):
        _put(subject, f"2026-07-1{n % 10}T10:00:00.000000Z", "manual", {"views": n})
    latest = read.latest(subjects)
    assert set(latest) == set(subjects[::2])
    assert latest["target:t2"].values == {"views": 1}
