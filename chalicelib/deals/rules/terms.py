"""A deal's terms and penalties as plain, frozen values that machines can check later. Pure, no I/O.

Every term is optional: None means "not agreed" (nothing to check). The same Terms value holds a
deal's terms and a deliverable's overrides of them; `merged(deal_terms, overrides)` gives the terms
one deliverable is held to:
- an override that is set (not None) wins, even when it is empty: an empty list ("no hashtags
  here"), an empty promo code ("no promo code here"), 0 or False are real values;
- a list is replaced as a whole, never joined with the deal's;
- penalties are merged one by one (a deliverable may change only the late rate);
- usage rights are one value (text and days together).

`problems(terms)` lists what makes no sense, as (field, sentence) pairs, such as negative minutes,
a percentage outside 0-100, a late cap below the hourly rate, a text required twice, a forbidden
term that a required element contains. A term is "contained" in a text when it appears as whole
words, ignoring case and runs of spaces (`contains_term`); the placement checks use the same rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from urllib.parse import urlsplit

EARLY_DELETION = ("pro_rata", "full")  # refund in proportion to the hours missing, or the whole fee
NO_SHOW = ("full",)  # a placement that never appears: the whole fee of the deliverable is refunded
MAX_WINDOW_MINUTES = 7 * 24 * 60  # a publish window of more than a week either side is no window
MAX_HOURS = 365 * 24  # live, on top or pinned for at most a year
MAX_DAYS = 10 * 365  # exclusivity or usage rights for at most ten years
HUNDRED = Decimal(100)
LISTS = ("required_texts", "required_links", "required_mentions", "required_hashtags", "forbidden_terms")


@dataclass(frozen=True)
class UsageRights:
    """What the brand may do with the content (free text, printed in the contract) and for how many days
    (None: as the text says)."""

    text: str
    days: int | None = None


@dataclass(frozen=True)
class Penalties:
    """What falling short costs, in percent of the deliverable's fee.
    late_pct_per_hour: for every started hour after the publish window, up to late_cap_pct in all.
    missing_element_pct: for each required element missing from the placement.
    early_deletion: deleted before min_live_hours: `pro_rata` (the share of hours missing) or `full`.
    no_show: never published: `full` (the whole fee)."""

    late_pct_per_hour: Decimal | None = None
    late_cap_pct: Decimal | None = None
    missing_element_pct: Decimal | None = None
    early_deletion: str | None = None
    no_show: str | None = None


@dataclass(frozen=True)
class Terms:
    """The checkable terms. Windows in minutes around the agreed publish time; hours of life, of being
    the newest post (top_hours, Telegram) and of being pinned after publication; days of exclusivity
    and usage rights after publication. creative_approval: the blogger's draft goes through the
    brand's approval chain before publishing."""

    publish_window_before_minutes: int | None = None
    publish_window_after_minutes: int | None = None
    min_live_hours: int | None = None
    top_hours: int | None = None
    pin_hours: int | None = None
    required_texts: tuple[str, ...] | None = None
    promo_code: str | None = None
    required_links: tuple[str, ...] | None = None  # target URLs; Greenlight adds the UTM tags
    required_mentions: tuple[str, ...] | None = None  # "@brand" or "brand": the same account
    required_hashtags: tuple[str, ...] | None = None  # "#sale" or "sale": the same hashtag
    forbidden_terms: tuple[str, ...] | None = None
    creative_approval: bool | None = None
    exclusivity_days: int | None = None
    usage_rights: UsageRights | None = None
    penalties: Penalties = field(default_factory=Penalties)

    def __post_init__(self):
        for name in LISTS:  # lists from JSON become tuples, so the value stays frozen
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


def _pick(base, override):
    return base if override is None else override


def merged(deal_terms: Terms, overrides: Terms | None) -> Terms:
    """The terms one deliverable is held to: the deal's, each overridden where the deliverable sets it."""
    if overrides is None:
        return deal_terms
    values = {spec.name: _pick(getattr(deal_terms, spec.name), getattr(overrides, spec.name))
              for spec in fields(Terms) if spec.name != "penalties"}
    penalties = Penalties(**{spec.name: _pick(getattr(deal_terms.penalties, spec.name),
                                              getattr(overrides.penalties, spec.name))
                             for spec in fields(Penalties)})
    return Terms(**values, penalties=penalties)


def required_elements(terms: Terms) -> tuple[tuple[str, str], ...]:
    """What a placement must contain, one (kind, value) per element; missing_element_pct is charged
    per missing one. Kinds: text, promo_code, link, mention, hashtag."""
    found: list[tuple[str, str]] = [("text", text) for text in terms.required_texts or ()]
    if terms.promo_code:
        found.append(("promo_code", terms.promo_code))
    for kind, name in (("link", "required_links"), ("mention", "required_mentions"),
                       ("hashtag", "required_hashtags")):
        found += [(kind, value) for value in getattr(terms, name) or ()]
    return tuple(found)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def contains_term(text: str, term: str) -> bool:
    """Does `text` contain `term` as whole words (case and runs of spaces ignored)?
    "Big SALE today" contains "sale"; "wholesale" does not."""
    needle = _words(term)
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", _words(text)) is not None


# --- validation ----------------------------------------------------------------------------------------

Problem = tuple[str, str]


def _found_at(found: list[Problem], path: str) -> bool:
    return any(where == path for where, _ in found)


def _whole(path: str, value, label: str, maximum: int) -> list[Problem]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [(path, f"{label} is a whole number.")]
    if value < 0:
        return [(path, f"{label} cannot be negative.")]
    if value > maximum:
        return [(path, f"{label} is at most {maximum}.")]
    return []


def _percent(path: str, value, label: str) -> list[Problem]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not Decimal(value).is_finite():
        return [(path, f"{label} is a percentage given as a decimal number, such as 0.5.")]
    value = Decimal(value)
    if not 0 <= value <= HUNDRED:
        return [(path, f"{label} is a percentage from 0 to 100, not {value}.")]
    if value != value.quantize(Decimal("0.01")):
        return [(path, f"{label} has at most 2 digits after the point.")]
    return []


def _choice(path: str, value, label: str, allowed: tuple[str, ...]) -> list[Problem]:
    if value is None or value in allowed:
        return []
    return [(path, f"{label} is {' or '.join(allowed)}, not {value!r}.")]


def _key(name: str, value: str) -> str:
    """The form in which two entries of a list are the same entry."""
    if name == "required_links":
        return value.strip()
    if name in ("required_mentions", "required_hashtags"):
        return _words(value).lstrip("@#")
    return _words(value)


def _entry(name: str, value) -> str | None:
    """Why one entry of a list is nonsense, or None."""
    if not isinstance(value, str) or not value.strip():
        return "An entry cannot be empty."
    if name in ("required_mentions", "required_hashtags"):
        bare = value.strip().lstrip("@#")
        if not bare:
            return f"{value!r} names nothing."
        if any(ch.isspace() for ch in bare):
            return f"{value.strip()!r} has a space in it: a mention or hashtag is one word."
    if name == "required_links":
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in value.strip()):
            return f"{value.strip()!r} is not a web address starting with https:// or http://."
    return None


def _list(prefix: str, name: str, values) -> list[Problem]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        return [(f"{prefix}.{name}", "This is a list of texts.")]
    found, seen = [], set()
    for index, value in enumerate(values):
        path = f"{prefix}.{name}.{index}"
        wrong = _entry(name, value)
        if wrong:
            found.append((path, wrong))
            continue
        key = _key(name, value)
        if key in seen:
            found.append((path, f"{value.strip()!r} is listed twice."))
        seen.add(key)
    return found


def _forbidden_yet_required(prefix: str, terms: Terms) -> list[Problem]:
    if not isinstance(terms.forbidden_terms, (tuple, list)):
        return []
    elements = [(kind, value) for kind, value in required_elements(terms) if isinstance(value, str)]
    found = []
    for index, term in enumerate(terms.forbidden_terms):
        if not isinstance(term, str) or not term.strip():
            continue
        for kind, value in elements:
            if contains_term(value, term):
                found.append((f"{prefix}.forbidden_terms.{index}",
                              f"{term.strip()!r} is forbidden, yet the required {kind.replace('_', ' ')} "
                              f"{value.strip()!r} contains it."))
                break
    return found


def problems(terms: Terms, prefix: str = "terms") -> list[Problem]:
    """Everything that makes no sense in these terms, as (field path, sentence); empty when they are fine."""
    p = prefix
    found = _whole(f"{p}.publish_window_before_minutes", terms.publish_window_before_minutes,
                   "The publish window before the agreed time", MAX_WINDOW_MINUTES)
    found += _whole(f"{p}.publish_window_after_minutes", terms.publish_window_after_minutes,
                    "The publish window after the agreed time", MAX_WINDOW_MINUTES)
    found += _whole(f"{p}.min_live_hours", terms.min_live_hours, "The hours the post stays live", MAX_HOURS)
    found += _whole(f"{p}.top_hours", terms.top_hours, "The hours the post stays on top", MAX_HOURS)
    found += _whole(f"{p}.pin_hours", terms.pin_hours, "The hours the post stays pinned", MAX_HOURS)
    found += _whole(f"{p}.exclusivity_days", terms.exclusivity_days, "The days of exclusivity", MAX_DAYS)
    live = terms.min_live_hours
    for name, what in (("top_hours", "on top"), ("pin_hours", "pinned")):
        hours = getattr(terms, name)
        checked = not _found_at(found, f"{p}.{name}") and not _found_at(found, f"{p}.min_live_hours")
        if checked and live is not None and hours is not None and hours > live:
            found.append((f"{p}.{name}", f"The post must stay {what} for {hours} hours but live only for {live}: "
                                         f"make min_live_hours at least {hours}."))
    for name in LISTS:
        found += _list(p, name, getattr(terms, name))
    code = terms.promo_code
    if code is not None and (not isinstance(code, str) or (code and (code != code.strip() or
                                                                     any(ch.isspace() for ch in code)))):
        found.append((f"{p}.promo_code", "A promo code is one word without spaces (empty: no promo code)."))
    if terms.creative_approval is not None and not isinstance(terms.creative_approval, bool):
        found.append((f"{p}.creative_approval", "Creative approval is yes or no."))
    found += _usage_rights(f"{p}.usage_rights", terms.usage_rights)
    found += _penalties(f"{p}.penalties", terms.penalties)
    found += _forbidden_yet_required(p, terms)
    return found


def _usage_rights(path: str, rights) -> list[Problem]:
    if rights is None:
        return []
    if not isinstance(rights, UsageRights):
        return [(path, "Usage rights are a text and a number of days.")]
    found = []
    if not isinstance(rights.text, str) or not rights.text.strip():
        found.append((f"{path}.text", "Say in words what the brand may do with the content."))
    found += _whole(f"{path}.days", rights.days, "The days of usage rights", MAX_DAYS)
    if rights.days == 0 and not isinstance(rights.days, bool):
        found.append((f"{path}.days", "Usage rights for 0 days grant nothing: give at least 1 day, or leave it empty."))
    return found


def _penalties(path: str, penalties: Penalties) -> list[Problem]:
    found = _percent(f"{path}.late_pct_per_hour", penalties.late_pct_per_hour, "The late penalty per hour")
    found += _percent(f"{path}.late_cap_pct", penalties.late_cap_pct, "The cap of the late penalty")
    found += _percent(f"{path}.missing_element_pct", penalties.missing_element_pct,
                      "The penalty per missing element")
    found += _choice(f"{path}.early_deletion", penalties.early_deletion, "The early deletion refund", EARLY_DELETION)
    found += _choice(f"{path}.no_show", penalties.no_show, "The no-show refund", NO_SHOW)
    rate, cap = penalties.late_pct_per_hour, penalties.late_cap_pct
    if _found_at(found, f"{path}.late_pct_per_hour") or _found_at(found, f"{path}.late_cap_pct"):
        return found
    if rate is not None and cap is None:
        found.append((f"{path}.late_cap_pct", "A late penalty per hour needs a cap: the most it may add up to."))
    elif cap is not None and rate is None:
        found.append((f"{path}.late_pct_per_hour", "A cap of the late penalty needs the penalty per hour."))
    elif rate is not None and Decimal(cap) < Decimal(rate):
        found.append((f"{path}.late_cap_pct", f"The cap ({cap} %) is below the penalty for a single hour ({rate} %)."))
    return found


def deliverable_problems(deal_terms: Terms, overrides: Terms | None, index: int) -> list[Problem]:
    """The problems of the terms deliverable `index` is held to (the deal's merged with its overrides),
    with the paths of that deliverable."""
    return problems(merged(deal_terms, overrides), prefix=f"deliverables.{index}.terms")
