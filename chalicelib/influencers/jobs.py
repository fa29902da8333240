"""Influencers' job: `influencer-verdicts` (daily) vets every influencer again, so the verdict the
directory filters on follows the calendar (data turns stale) and each brand's own numbers
(influencers/service.py `refresh_all`)."""
from __future__ import annotations

from chalicelib.core.jobs import Job, register

LAMBDA_BUDGET_SECONDS = 780  # the schedule Lambda gets 15 minutes; stop starting new brands well before


def influencer_verdicts() -> dict:
    from chalicelib.influencers import service

    return service.refresh_all(time_budget_seconds=LAMBDA_BUDGET_SECONDS)


INFLUENCER_VERDICTS = register(Job("influencer-verdicts", 24 * 60,
                                   "Vet every influencer again: verdicts follow the calendar and the brand's numbers",
                                   influencer_verdicts))
