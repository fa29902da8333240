"""Manual evidence: what a person can confirm from a screenshot or an export of a placement no machine
can read (an Instagram story, a video frame, TikTok). Pure over the deal and deliverable as read.

The things to confirm follow from what the deliverable is held to — `found` always; `on_time`; each kind
of required element the terms have; no forbidden term; the marking of the deal's profile (ru: the word
«Реклама», the advertiser, the erid; ftc: the disclosure). Each one left unticked is a `warn` finding
("not confirmed": no proof either way — never a fail, which would charge a penalty on a missing tick);
everything ticked is a pass. The person who ticked is on the check (`created_by`) and in the audit.
"""
from __future__ import annotations

from chalicelib.deals import penalty_ops
from chalicelib.placements.rules.findings import Finding, result_of

# what can be confirmed → the rule that would be its finding
CONFIRMS = {
    "found": "not_found", "on_time": "too_late", "texts": "text_missing", "promo_code": "promo_code_missing",
    "links": "link_missing", "mentions": "mention_missing", "hashtags": "hashtag_missing",
    "no_forbidden_terms": "forbidden_term", "ad_label": "ad_label_missing", "advertiser": "advertiser_missing",
    "erid": "erid_missing", "disclosure": "disclosure_missing",
}
NOT_CONFIRMED = "not confirmed"


def confirmable(deal, item) -> tuple[str, ...]:
    terms = penalty_ops.terms_of(deal, item)
    found = ["found", "on_time"]
    for name, present in (("texts", terms.required_texts), ("promo_code", terms.promo_code),
                          ("links", terms.required_links), ("mentions", terms.required_mentions),
                          ("hashtags", terms.required_hashtags), ("no_forbidden_terms", terms.forbidden_terms)):
        if present:
            found.append(name)
    if deal.disclosure == "ru":
        found += ["ad_label", "advertiser"] + (["erid"] if item.erid else [])
    elif deal.disclosure == "ftc":
        found.append("disclosure")
    return tuple(found)


def findings(confirmable_things: tuple[str, ...], confirmed: list[str]) -> list[Finding]:
    return [Finding(CONFIRMS[thing], "warn", "confirmed by the evidence", NOT_CONFIRMED)
            for thing in confirmable_things if thing not in confirmed]


def result(found: list[Finding]) -> str:
    return result_of(found)
