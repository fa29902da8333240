"""The review board's pure parts: which posts wait for a person's decision, in what order, and each
channel's text as the network will show it (its variant, else the common text; counted the way the
network counts, against its limit). No I/O."""
from __future__ import annotations

from chalicelib.content.rules import workflow as wf
from chalicelib.content.rules.channel_text import text_for_channel

NO_DEADLINE = "~"  # sorts after every ISO instant: posts without a deadline come last


def waits_for(state: wf.PostState, user_id: str, *, authors_may_approve: bool) -> bool:
    """The post is in review and its current stage waits for this person's decision (they may give it)."""
    return state.status is wf.Status.in_review and user_id in state.waiting_for() and \
        wf.may_decide(state, user_id, authors_may_approve=authors_may_approve)


def board_order(deadline: str | None, post_id: str) -> tuple[str, str]:
    """Soonest stage deadline first across brands (the order of each brand's review index), no deadline
    last, ties by post id."""
    return (deadline or NO_DEADLINE, post_id)


def channel_preview(content: dict, channel_id: str, platform: str, media_count: int) -> dict:
    """{text, count, limit, over, visible, folded, cut_off}: the text that goes out on the channel, cut
    where the network cuts it (limits.cut, the post form preview's: the feed's fold and the hard limit,
    the caption limit when the post has media) and its length as the network counts it; count/limit None
    for a network we know no limit of."""
    from chalicelib.content.rules import limits

    text = text_for_channel(content, channel_id)
    try:
        cut = limits.cut(text, platform, bool(media_count))
    except Exception:  # a network without a known limit (manual channels): show the text as it is
        return {"text": text, "count": None, "limit": None, "over": False, "visible": text, "folded": "",
                "cut_off": ""}
    return {"text": text, "count": cut.count, "limit": cut.max_chars, "over": cut.is_over,
            "visible": cut.visible, "folded": cut.folded, "cut_off": cut.over}
