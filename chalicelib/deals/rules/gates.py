"""The venue and registry gates of deals under Russian advertising law (disclosure `ru`). Pure, no I/O.

In plain words, for a deal whose disclosure profile is `ru`:
- Venue: no deliverable may be placed on Instagram or Facebook. Advertising on them is unlawful in
  Russia since 1 September 2025 (they belong to an organisation banned as extremist). This holds
  whenever a deliverable is added or changed, and again when the deal is sent.
- Registry: a blogger's account with 10,000 followers or more must be in the register of
  Roskomnadzor (RKN) and its register number must be on the account before the deal is sent. An
  account whose follower count is unknown must have the number too: missing data never lets a
  deal through. The limit is the law's, the same for every brand.
Deals with another disclosure profile (`ftc`, `none`) pass both gates.

`problems` gives (field, sentence) pairs, one per deliverable and gate, in the order of the
deliverables; the service answers 422 with them.
"""
from __future__ import annotations

from dataclasses import dataclass

RU = "ru"
BANNED_PLATFORMS = {"instagram": "Instagram", "facebook": "Facebook"}  # platform id → name in sentences
# The register of bloggers (Federal Law 149-FZ, art. 10.6) speaks of "more than ten thousand" readers; the
# issue and the vetting rule draw the line at 10,000 itself, the safe side: 9,999 passes, 10,000 needs the number.
RKN_MIN_FOLLOWERS = 10_000

Problem = tuple[str, str]


@dataclass(frozen=True)
class DeliverableFacts:
    """What the gates read about one deliverable: its account's platform, followers and RKN register
    number, and its position in the deal (for the field path `deliverables.<index>`)."""

    platform: str
    followers: int | None
    rkn_registry_number: str | None
    index: int


def applies(disclosure: str | None) -> bool:
    """Do the gates apply to a deal with this disclosure profile? Only to `ru` (case and spaces ignored)."""
    return (disclosure or "").strip().casefold() == RU


def _path(facts: DeliverableFacts) -> str:
    return f"deliverables.{facts.index}.account_id"


def venue_problems(disclosure: str | None, deliverables: list[DeliverableFacts]) -> list[Problem]:
    """Deliverables of a `ru` deal on a platform where advertising is unlawful in Russia."""
    if not applies(disclosure):
        return []
    found = []
    for facts in deliverables:
        name = BANNED_PLATFORMS.get((facts.platform or "").strip().casefold())
        if name:
            found.append((_path(facts), f"Deliverable {facts.index + 1} is on {name}: advertising on Instagram "
                                        f"and Facebook is unlawful in Russia since 1 September 2025, so a deal "
                                        f"under Russian advertising law cannot place it there."))
    return found


def registry_problems(disclosure: str | None, deliverables: list[DeliverableFacts]) -> list[Problem]:
    """Deliverables of a `ru` deal whose account needs an RKN register number and has none."""
    if not applies(disclosure):
        return []
    found = []
    for facts in deliverables:
        if (facts.rkn_registry_number or "").strip():
            continue
        number = facts.index + 1
        if facts.followers is None:
            found.append((_path(facts), f"The account of deliverable {number} has no follower count and no RKN "
                                        f"register number: enter its followers, or its register number if it "
                                        f"has {RKN_MIN_FOLLOWERS:,} or more, before the deal is sent."))
        elif facts.followers >= RKN_MIN_FOLLOWERS:
            found.append((_path(facts), f"The account of deliverable {number} has {facts.followers:,} followers, "
                                        f"so it must be in the RKN register: enter its register number "
                                        f"before the deal is sent."))
    return found


def problems(disclosure: str | None, deliverables: list[DeliverableFacts]) -> list[Problem]:
    """Both gates, as the service checks them before `send`: in the order of the deliverables, for
    each its venue problem before its registry problem."""
    found: list[Problem] = []
    for facts in deliverables:
        found += venue_problems(disclosure, [facts]) + registry_problems(disclosure, [facts])
    return found
