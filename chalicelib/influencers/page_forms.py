"""The influencer pages' forms: flat field names in (`contacts_email`), the API schemas' nested data
out (`contacts.email`), and every refusal — the schema's or the service's — as a translated message
next to its field. An edit sends only what changed, so an emptied field clears its value and an
untouched one is not written again. Numbers are read as people type them ("82 000", "0,52 %")."""
from __future__ import annotations

import re
from decimal import Decimal

from pydantic import ValidationError

from chalicelib.core import i18n

COUNTS = ("followers", "following", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled")
PERCENTS = ("audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct")
INFLUENCER_FIELDS = ("display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "contacts_email",
                     "contacts_telegram", "contacts_phone", "agent_name", "agent_contact", "tags", "notes", "owner_id")
ACCOUNT_FIELDS = ("platform", "handle", "url", "followers", "avg_views", "avg_likes", "avg_comments", "avg_shares",
                  "posts_sampled", *PERCENTS, "top_countries", "rkn_registry_number", "measured_on")
SNAPSHOT_FIELDS = ("taken_on", "followers", "following", "avg_views", "avg_likes", "avg_comments", "avg_shares")
GROUPS = ("contacts", "agent")  # nested objects, flat in the form: contacts_email → contacts.email

# A field's own message when what was typed is not valid (empty and too long have the common ones).
FIELD_MESSAGES = {
    "inn": "influencers.error.inn", "ogrn": "influencers.error.ogrn", "country": "form.error.choice",
    "legal_type": "form.error.choice", "platform": "form.error.choice", "status": "form.error.choice",
    "contacts_email": "form.error.email", "contacts_telegram": "influencers.error.telegram",
    "contacts_phone": "influencers.error.phone", "tags": "influencers.error.tags",
    "owner_id": "influencers.error.owner", "handle": "influencers.error.handle", "url": "influencers.error.url",
    "top_countries": "influencers.error.top_countries", "rkn_registry_number": "influencers.error.rkn",
    "measured_on": "influencers.error.date", "taken_on": "influencers.error.date",
    **{name: "influencers.error.count" for name in COUNTS},
    **{name: "influencers.error.percent" for name in PERCENTS},
}
# What a service's refusal of a field means (its details name the field).
DOMAIN_MESSAGES = {
    "display_name": "form.error.required", "status": "influencers.error.status_move",
    "reason": "influencers.error.reason", "taken_on": "influencers.error.taken_on_future",
    "handle": "influencers.error.handle_taken", "platform": "influencers.error.too_many_accounts",
}
SHARE = re.compile(r"^([A-Za-z]{2})\s*[:=]?\s*([0-9]+(?:[.,][0-9]+)?)\s*%?$")


def _form_name(loc) -> str:
    parts = [str(p) for p in loc] or ["__all__"]
    if parts[0] in GROUPS and len(parts) > 1:
        return f"{parts[0]}_{parts[1]}"
    return parts[0]


def _message(name: str, kind: str, ctx: dict, language: str) -> str:
    if kind in ("missing", "string_too_short"):
        return i18n.translate("form.error.required", language)
    if kind == "string_too_long":
        return i18n.translate("form.error.too_long", language, max=ctx.get("max_length", ""))
    if name in FIELD_MESSAGES:
        return i18n.translate(FIELD_MESSAGES[name], language)
    return i18n.translate("form.error.choice" if kind == "enum" else "form.error.invalid", language)


def field_errors(exc: Exception, language: str) -> dict[str, str]:
    """A schema's or a service's refusal as {form field: message}."""
    errors: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for err in exc.errors(include_url=False, include_input=False):
            name = _form_name(err["loc"])
            errors.setdefault(name, _message(name, err["type"], err.get("ctx") or {}, language))
    else:
        for detail in getattr(exc, "details", None) or []:
            name = _form_name(str(detail.get("field") or "__all__").split("."))
            key = DOMAIN_MESSAGES.get(name) or FIELD_MESSAGES.get(name) or "form.error.invalid"
            errors.setdefault(name, i18n.translate(key, language))
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def _count(text: str) -> str:
    return "".join(text.split())  # "82 000" (a Russian reader's thousands) → "82000"


def _percent(text: str) -> str:
    return "".join(text.split()).rstrip("%").replace(",", ".")


def _shares(text: str) -> list[dict] | None:
    """"RU 60, KZ 20.5" (commas, semicolons or lines) → [{country, pct}]; None when it cannot be read."""
    shares = []
    for part in re.split(r"[;,\n]+(?=\s*[A-Za-z])|\n", text.strip()):
        if not part.strip():
            continue
        match = SHARE.match(part.strip())
        if match is None:
            return None
        shares.append({"country": match.group(1).upper(), "pct": match.group(2).replace(",", ".")})
    return shares


def _tags(text: str) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))


def influencer_data(values: dict[str, str], changed: set[str] | None = None) -> dict:
    """The schema's data from the form: everything typed (a new influencer) or what changed (an
    edit, where an emptied field clears it)."""
    given = (lambda name: bool(values[name].strip())) if changed is None else (lambda name: name in changed)
    data: dict = {}
    for name in ("display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "notes", "owner_id"):
        if given(name):
            data[name] = values[name].strip() or None
    for group in GROUPS:
        names = [n for n in INFLUENCER_FIELDS if n.startswith(group + "_")]
        if any(given(n) for n in names):
            data[group] = {n[len(group) + 1:]: values[n].strip() for n in names if values[n].strip()}
    if given("tags"):
        data["tags"] = _tags(values["tags"])
    if changed is not None and data.get("owner_id") is None:
        data.pop("owner_id", None)  # the owner is chosen, never cleared
    return data


def figures(values: dict[str, str], names: tuple[str, ...], changed: set[str] | None) -> tuple[dict, dict]:
    """(the schema's data, errors of fields read here) for an account or a measurement."""
    given = (lambda name: bool(values[name].strip())) if changed is None else (lambda name: name in changed)
    data: dict = {}
    errors: dict = {}
    for name in names:
        if not given(name):
            continue
        text = values[name].strip()
        if name == "top_countries":
            shares = _shares(text)
            if shares is None:
                errors[name] = FIELD_MESSAGES[name]
            else:
                data[name] = shares
        elif not text:
            data[name] = None
        elif name in COUNTS:
            data[name] = _count(text)
        elif name in PERCENTS:
            data[name] = _percent(text)
        else:
            data[name] = text
    return data, errors


def check(model, data: dict, language: str, read_errors: dict | None = None):
    """(the model or None, errors): the schema's verdict plus what could not even be read."""
    errors = {name: i18n.translate(key, language) for name, key in (read_errors or {}).items()}
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        return None, {**field_errors(exc, language), **errors}
    return (None, errors) if errors else (result, {})


def changed(values: dict[str, str], before: dict[str, str]) -> set[str]:
    return {name for name, value in values.items() if value.strip() != before.get(name, "").strip()}


def influencer_values(item) -> dict[str, str]:
    from chalicelib.core.plain import plain

    contacts, agent = plain(item.contacts) or {}, plain(item.agent) or {}
    values = {name: getattr(item, name, None) or "" for name in
              ("display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "notes", "owner_id")}
    values.update({f"contacts_{k}": contacts.get(k) or "" for k in ("email", "telegram", "phone")})
    values.update({f"agent_{k}": agent.get(k) or "" for k in ("name", "contact")})
    values["tags"] = ", ".join(item.tags or [])
    return {k: str(v) for k, v in values.items()}


def _decimal_text(value) -> str:
    """A stored decimal as people write it: "20", "61.5" (never "2E+1")."""
    return format(Decimal(str(value)).normalize(), "f")


def account_values(account) -> dict[str, str]:
    from chalicelib.core.plain import plain

    values = {name: "" if getattr(account, name, None) is None else str(getattr(account, name))
              for name in ACCOUNT_FIELDS if name != "top_countries"}
    for name in COUNTS:
        if values.get(name):
            values[name] = str(int(Decimal(values[name])))
    for name in PERCENTS:
        if values.get(name):
            values[name] = _decimal_text(values[name])
    values["top_countries"] = ", ".join(f"{c['country']} {_decimal_text(c['pct'])}"
                                        for c in plain(account.top_countries) or [])
    return values
