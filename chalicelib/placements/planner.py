"""When a placement is checked: the rows a URL and a first sighting put in the DUE#CHECKS queue.

  setting the URL (a new round)   initial      now
                                  window_end   the agreed time + the window after + MISSED_GRACE: nothing
                                               found by then → missed (the no-show clause)
  the first sighting              retention    one random moment in each 3-hour band of min_live_hours
                                               (rules/plan.retention_times; unpredictable to the blogger:
                                               drawn from the system's random source)
                                  final        published + min_live_hours − 5 min: still up → fulfilled; gone
                                               → deleted early (a post gone only after the end is not)
                                  top          published + top_hours (Telegram): no newer post before then
                                  metrics_*    published + 24 h, 72 h, 7 d: views, likes, reposts snapshots

Every planned row has a deterministic id (repo.planned_id) and is put only if it does not exist, so
planning again — a retried job, two sightings at once — doubles nothing. A row of an older round (the
URL changed since) is dropped when it comes due (runner.py).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from chalicelib.core.clock import parse_utc
from chalicelib.deals import penalty_ops
from chalicelib.deals.deadlines import MISSED_GRACE
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.placements import repo
from chalicelib.placements.expected import DEFAULT_AFTER_MINUTES
from chalicelib.placements.rules import plan

FINAL_AHEAD = timedelta(minutes=5)
_random = random.SystemRandom()


def window_end(deal: DealItem, item: DeliverableItem) -> datetime:
    after = penalty_ops.terms_of(deal, item).publish_window_after_minutes
    minutes = DEFAULT_AFTER_MINUTES if after is None else int(after)
    return parse_utc(item.publish_at) + timedelta(minutes=minutes) + MISSED_GRACE


def _put(item, deal, kind: str, due: datetime, n: int = 0) -> int:
    round_ = int(item.placement_round or 0)
    check = repo.new_check(check_id=repo.planned_id(item.id, round_, kind, n), item=item, deal_id=deal.id,
                           round_=round_, kind=kind, due=due, url=item.url)
    return 1 if repo.put_planned(check) else 0


def plan_round(deal: DealItem, item: DeliverableItem, now: datetime) -> int:
    """The checks a new URL starts: one now, and the window's end (unless the post was seen already)."""
    written = _put(item, deal, "initial", now)
    if not item.found_at:
        written += _put(item, deal, "window_end", max(window_end(deal, item), now))
    return written


def plan_sighting(deal: DealItem, item: DeliverableItem, published_at: datetime, now: datetime,
                  rng: random.Random | None = None) -> int:
    """The checks a first sighting starts: retention, final, top and metrics (those still ahead)."""
    terms = penalty_ops.terms_of(deal, item)
    rng = rng or _random
    written = 0
    if terms.min_live_hours:
        for n, when in enumerate(plan.retention_times(published_at, int(terms.min_live_hours), rng)):
            if when > now:
                written += _put(item, deal, "retention", when, n)
        final = plan.final_time(published_at, int(terms.min_live_hours))
        if final is not None:  # just before the end: a post gone by then was deleted early
            written += _put(item, deal, "final", max(final - FINAL_AHEAD, now))
    if terms.top_hours and item.platform == "telegram":
        written += _put(item, deal, "top", max(published_at + timedelta(hours=int(terms.top_hours)), now))
    for kind, when in plan.metric_times(published_at):
        written += _put(item, deal, kind, max(when, now))
    return written
