"""HTML forms: parse an `application/x-www-form-urlencoded` body and validate it with the same
pydantic schemas the JSON API uses, turning errors into translated messages per field.

Browsers send every field, empty ones as "", so an empty value means "not given" (None for an
optional field, `missing` for a required one). Fields the schema does not know (csrf_token, next,
a tampered extra) are not passed to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pydantic import BaseModel, ValidationError

from chalicelib.core import i18n
from chalicelib.core.errors import BadRequest, UnsupportedMediaType, ValidationFailed

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 250  # room for a bulk form: up to 100 ticked posts (plan/bulk_pages.py) and its own fields


def parse_body(request) -> dict[str, str]:
    """The form's fields, last value wins; 415 for another body type, 400 for a huge or broken one."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    raw = request.raw_body or b""
    if content_type != FORM_TYPE:
        raise UnsupportedMediaType("Send the form as application/x-www-form-urlencoded.")
    if len(raw) > MAX_FORM_BYTES:
        raise BadRequest("The form is too large.")
    try:
        text = raw.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The form could not be read.") from None
    return {name: values[-1] for name, values in parsed.items()}


@dataclass
class FormState:
    """What a form template needs to show the form again: the values typed and errors per field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def _field_message(name: str, err_type: str, ctx: dict[str, Any], language: str) -> str:
    """A translated message: a field-specific key if there is one, else one per error type."""
    catalog = i18n.catalog(i18n.normalize(language))
    specific = f"form.error.{name}"
    if err_type not in ("missing", "string_too_short", "string_too_long") and specific in catalog:
        return i18n.translate(specific, language)
    if err_type in ("missing", "string_too_short"):
        return i18n.translate("form.error.required", language)
    if err_type == "string_too_long":
        return i18n.translate("form.error.too_long", language, max=ctx.get("max_length", ""))
    if err_type == "enum":
        return i18n.translate("form.error.choice", language)
    return i18n.translate("form.error.invalid", language)


def errors_from_validation(exc: ValidationError, language: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        name = str(err["loc"][0]) if err["loc"] else "__all__"
        errors.setdefault(name, _field_message(name, err["type"], err.get("ctx") or {}, language))
    return errors


def errors_from_domain(exc: ValidationFailed, language: str) -> dict[str, str]:
    """A service's 422 (details with `field`) as field errors."""
    errors: dict[str, str] = {}
    for detail in exc.details or []:
        name = detail.get("field") or "__all__"
        errors.setdefault(name, _field_message(name, "value_error", {}, language))
    return errors or {"__all__": i18n.translate("form.error.invalid", language)}


def validate(model: type[BaseModel], form: dict[str, str], language: str, *,
             fields: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> tuple[BaseModel | None, FormState]:
    """(the model, the form state) — the model is None when a field is not valid.

    fields: which of the schema's fields this form may set (default: all of them).
    required: fields this form needs although the schema has them optional (the invite form's
    email, where the API also accepts a user_id instead).
    """
    names = fields or tuple(model.model_fields)
    values = {name: form.get(name, "") for name in names if name in form}
    data = {name: value for name, value in values.items() if value.strip() != ""}
    missing = {name: i18n.translate("form.error.required", language) for name in required if name not in data}
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        errors = errors_from_validation(exc, language)
        if missing:
            errors.pop("__all__", None)  # a model rule about the missing field says the same, less precisely
        return None, FormState(values, {**missing, **errors})
    if missing:
        return None, FormState(values, missing)
    return result, FormState(values)
