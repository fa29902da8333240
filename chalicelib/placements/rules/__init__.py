"""The placement rules: pure functions from what the contract says and what a source saw to findings,
statuses and money. No I/O, no settings, no database.

- normalise.py  the one form texts are compared in
- observed.py   Observed: what a source saw at a placement's URL (the sources fill it)
- findings.py   Finding, the rule names and their groups, result_of
- presence.py   found, on the contracted account, in the contracted format, public
- timing.py     inside the publish window, on top long enough
- content.py    required texts, promo code, links with UTM, mentions, hashtags; forbidden terms
- marking.py    the law's marking (ru: «Реклама», advertiser, erid; VK's flag) or FTC disclosure
- utm.py        our UTM tags and how links carry them
- evaluate.py   Expected and evaluate(): every rule on one observation → Evaluation
- plan.py       when to check after publication (random retention checks, final, metrics)
- outcome.py    a check's result → the deliverable's next status and the penalty lines
"""
