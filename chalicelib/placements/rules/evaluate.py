"""Every rule on one observation of a placement: what the deliverable is held to (Expected) and what a
source saw (Observed) → Evaluation. Pure, no I/O.

In order:
1. Not found (404, deleted, not a post): a single `not_found` fail and nothing else — there is nothing
   to judge. expected: the URL read, actual "absent".
2. Presence (presence.py): account, format, public.
3. Timing (timing.py): the publish window only on the first check that sees the post (`first_seen`),
   since the publication time does not change and lateness is charged once; `minutes_late` is then
   the whole minutes after the window's end. `pushed_down` whenever the terms set top_hours and the
   source saw the next newer post (so the "top" check at published + top_hours can find it).
4. Content (content.py) and marking (marking.py) on the current text and links — on every check, so an
   edited text is judged again. The text judged is the post's text; for a web page, og:title and
   og:description are added after it when the visible text does not already contain them (a YouTube or
   Dzen page may carry its description only there). Positions (FTC's 125 characters) count in the
   post's own text first.
5. `edited` (warn): a baseline hash (the first check's) is given and the text hash differs. The page's
   own "edited" mark alone, with the same hash, is not a finding: what we judge did not change.

`missing_elements` counts the element findings (findings.ELEMENT_RULES) for missing_element_pct.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.deals.rules.terms import Terms
from chalicelib.placements.rules.content import content_findings
from chalicelib.placements.rules.findings import ABSENT, Finding, fail, missing_elements, result_of, warn
from chalicelib.placements.rules.marking import marking_findings
from chalicelib.placements.rules.normalise import normalise
from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.rules.presence import presence_findings
from chalicelib.placements.rules.timing import minutes_outside, timing_findings

META_TEXT = ("og:title", "og:description")  # web meta judged with the text when the text lacks it
HASH_SHOWN = 12  # hex digits of a hash shown in a finding


@dataclass(frozen=True)
class Expected:
    """What the deliverable is held to, built by the caller from the deal and the deliverable."""

    platform: str  # telegram | vk | youtube | dzen | … (the account's)
    account: str  # the contracted account, normalised like Observed.account
    format: str  # tg_post | post | story | video | reel | …
    publish_at: datetime  # agreed instant (aware UTC)
    window_before_minutes: int  # merged terms, 0 when they say nothing
    window_after_minutes: int  # merged terms, 60 when they say nothing
    top_hours: int | None
    terms: Terms  # already merged (deal's terms with the deliverable's overrides)
    disclosure: str  # "ru" | "ftc" | "none"
    erid: str | None
    advertiser_name: str | None
    advertiser_inn: str | None
    utm: Mapping[str, str]  # the tags every required link must carry (utm.utm_tags)


@dataclass(frozen=True)
class Evaluation:
    result: str  # pass | warn | fail
    findings: tuple[Finding, ...]
    text_hash: str | None  # Observed.text_hash when found
    missing_elements: int  # count for missing_element_pct
    minutes_late: int  # minutes after the window's end (0 when not late or not checked)

    @property
    def found(self) -> bool:
        return not any(finding.rule == "not_found" for finding in self.findings)


def judged_text(observed: Observed) -> str:
    """The post's text, followed by the og:title / og:description it does not already contain."""
    parts = [observed.text or ""]
    plain = normalise(observed.text)
    for name in META_TEXT:
        value = (observed.meta or {}).get(name) or ""
        if normalise(value) and normalise(value) not in plain:
            parts.append(value)
    return "\n".join(parts)


def evaluate(expected: Expected, observed: Observed, *, baseline_hash: str | None = None,
             first_seen: bool = True) -> Evaluation:
    """Every rule on one observation (see the module's docstring)."""
    if not observed.found:
        return Evaluation("fail", (fail("not_found", observed.url, ABSENT),), None, 0, 0)
    findings = presence_findings(expected, observed)
    findings += timing_findings(observed.published_at, expected.publish_at, expected.window_before_minutes,
                                expected.window_after_minutes, top_hours=expected.top_hours,
                                next_post_at=observed.next_post_at, window_checked=first_seen)
    text = judged_text(observed)
    findings += content_findings(expected.terms, text, observed.links, expected.utm)
    findings += marking_findings(expected.disclosure, text, observed.links, expected.erid, expected.advertiser_name,
                                 expected.advertiser_inn, expected.platform, observed.marked_as_ads)
    text_hash = observed.text_hash
    if baseline_hash and baseline_hash != text_hash:
        findings.append(warn("edited", baseline_hash[:HASH_SHOWN], text_hash[:HASH_SHOWN]))
    late = 0
    if first_seen and observed.published_at is not None:
        late = max(minutes_outside(observed.published_at, expected.publish_at, expected.window_before_minutes,
                                   expected.window_after_minutes), 0)
    return Evaluation(result_of(findings), tuple(findings), text_hash, missing_elements(findings), late)

