"""The refusals of links and promo codes, in the reader's language (core/i18n, campaign_links.json): a 422
names its field and carries the sentence's key (`details[0].key`), so a page can say it in its own language;
a promo code another campaign of the brand has is a 409 `promo_code_taken`; an unknown short link is the
404 page `short_link_not_found`."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed


def problem(language: str | None, field: str, key: str, **params) -> ValidationFailed:
    message = i18n.translate(key, language, **params)
    return ValidationFailed(message, details=[{"field": field, "message": message, "key": key, "params": params}])


def message_of(exc: ValidationFailed, language: str | None) -> tuple[str, str]:
    """(field, the sentence in `language`) of a refusal made by `problem`."""
    detail = (exc.details or [{}])[0]
    key = detail.get("key")
    text = i18n.translate(key, language, **(detail.get("params") or {})) if key else exc.message
    return detail.get("field") or "__all__", text


class PromoCodeTaken(Conflict):
    code = "promo_code_taken"


class NoSuchShortLink(NotFound):
    code = "short_link_not_found"
