"""The review board's pure rules and the target states an edit leaves: who a post waits for, the
board's order, each channel's text counted the network's way; cancelled targets do not count."""
from __future__ import annotations

from chalicelib.content.rules import workflow as wf
from chalicelib.plan.rules import review
from chalicelib.publishing.rules import derive_post_status

STAGES = (wf.Stage("Content review", wf.Rule.any, frozenset({"cm"})),
          wf.Stage("Client", wf.Rule.any, frozenset({"client", "author"})))


def state(**kw) -> wf.PostState:
    return wf.PostState(**{"status": wf.Status.in_review, "version": 1, "author_id": "author", "stages": STAGES,
                           "stage_index": 1, **kw})


def test_a_post_waits_for_the_current_stages_approvers_who_have_not_decided():
    assert review.waits_for(state(), "client", authors_may_approve=False)
    assert not review.waits_for(state(), "cm", authors_may_approve=False)  # an earlier stage
    assert not review.waits_for(state(), "author", authors_may_approve=False)  # nobody approves their own text
    voted = state(votes=(wf.Vote("client", wf.Decision.approve, 1, 1),))
    assert not review.waits_for(voted, "client", authors_may_approve=False)
    assert not review.waits_for(state(status=wf.Status.approved), "client", authors_may_approve=False)


def test_the_board_is_ordered_by_deadline_with_undated_posts_last():
    rows = [(None, "a"), ("2026-12-02T05:00:00.000000Z", "b"), ("2026-12-01T05:00:00.000000Z", "c")]
    assert [p for _, p in sorted(rows, key=lambda r: review.board_order(*r))] == ["c", "b", "a"]


def test_each_channel_shows_its_variant_counted_the_networks_way():
    content = {"body": "Common text", "variants": {"x1": {"body": "😀" * 3}}}
    x = review.channel_preview(content, "x1", "telegram", 0)
    assert x["text"] == "😀😀😀" and x["count"] == 6 and x["limit"] == 4096 and not x["over"]  # UTF-16 units
    assert review.channel_preview(content, "other", "telegram", 2)["limit"] == 1024  # a caption with media
    long = review.channel_preview({"body": "a" * 281}, "c", "x", 0)
    assert long["over"] and long["limit"] == 280
    manual = review.channel_preview(content, "m", "no-such-network", 0)
    assert manual["text"] == "Common text" and manual["count"] is None and not manual["over"]


def test_cancelled_and_skipped_targets_do_not_count_for_the_posts_status():
    assert derive_post_status(["cancelled"]) is None
    assert derive_post_status(["cancelled", "published"]) == "published"
    assert derive_post_status(["skipped", "cancelled", "scheduled"]) == "scheduled"
