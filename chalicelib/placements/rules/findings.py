"""A finding: one rule a placement check applied that did not simply pass, as `{rule, severity, expected,
actual}`. Pure, no I/O.

- `rule` is one of RULES; the pages translate it ("erid_mismatch" → "The erid differs from the contract's").
- `severity`: `fail` breaks the terms (the deliverable may become nonconforming, money may move), `warn`
  is worth a look but breaks nothing by itself (an edited text, VK's ad flag not set, an ambiguous FTC
  hashtag), `info` is a note (metrics read).
- `expected` and `actual` are short and data-like — values, numbers, "absent" — never sentences, so they
  read the same next to the rule's name in any language: expected "erid=2VtzqxYz", actual "erid=2vtzqxyz";
  expected "≤ 60 min after 2026-12-01T09:00Z", actual "87 min after".

Groups of rules:
- ELEMENT_RULES: each finding is one required element missing (text, promo code, link, mention, hashtag);
  they are counted for `missing_element_pct`. A link is counted once: it is either missing or present
  without our UTM tags, never both.
- CONTENT_RULES = ELEMENT_RULES + forbidden_term; MARKING_RULES (the law's label, the advertiser, the
  erid, VK's flag, FTC disclosure); TIMING_RULES; PRESENCE_RULES.

`result_of(findings)`: "fail" if any finding fails, else "warn" if any warns, else "pass".
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SEVERITIES = ("fail", "warn", "info")
RULES = ("not_found", "wrong_account", "wrong_format", "not_public", "too_early", "too_late", "pushed_down",
         "text_missing", "promo_code_missing", "link_missing", "utm_missing", "mention_missing", "hashtag_missing",
         "forbidden_term", "ad_label_missing", "advertiser_missing", "erid_missing", "erid_mismatch", "marked_as_ads",
         "disclosure_missing", "disclosure_ambiguous", "deleted_early", "edited", "metrics")
ELEMENT_RULES = ("text_missing", "promo_code_missing", "link_missing", "utm_missing", "mention_missing",
                 "hashtag_missing")
CONTENT_RULES = ELEMENT_RULES + ("forbidden_term",)
MARKING_RULES = ("ad_label_missing", "advertiser_missing", "erid_missing", "erid_mismatch", "marked_as_ads",
                 "disclosure_missing", "disclosure_ambiguous")
TIMING_RULES = ("too_early", "too_late", "pushed_down")
PRESENCE_RULES = ("not_found", "wrong_account", "wrong_format", "not_public")
ABSENT = "absent"  # the `actual` of something that is not there


@dataclass(frozen=True)
class Finding:
    rule: str  # one of RULES
    severity: str  # "fail" | "warn" | "info"
    expected: str  # short, data-like: "erid=2VtzqxYz", "≤ 60 min after 2026-12-01T09:00Z"
    actual: str  # what was seen: "erid=2vtzqxyz", "87 min after", "absent"

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"{self.rule!r} is not a placement rule.")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.severity!r} is not a severity; one of {', '.join(SEVERITIES)}.")

    def to_map(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "expected": self.expected, "actual": self.actual}

    @classmethod
    def from_map(cls, d: Mapping[str, str]) -> "Finding":
        return cls(d["rule"], d["severity"], d.get("expected") or "", d.get("actual") or "")


def fail(rule: str, expected: str, actual: str = ABSENT) -> Finding:
    return Finding(rule, "fail", expected, actual)


def warn(rule: str, expected: str, actual: str = ABSENT) -> Finding:
    return Finding(rule, "warn", expected, actual)


def result_of(findings: Iterable[Finding]) -> str:
    """"fail" if any finding fails, else "warn" if any warns, else "pass"."""
    severities = {finding.severity for finding in findings}
    if "fail" in severities:
        return "fail"
    return "warn" if "warn" in severities else "pass"


def missing_elements(findings: Iterable[Finding]) -> int:
    """How many required elements are missing: one per ELEMENT_RULES finding."""
    return sum(1 for finding in findings if finding.rule in ELEMENT_RULES)
