"""A refused CSV file as the API's 422, in the reader's language: the rules' row errors (translation keys
with parameters, rules/csv_values.py) worded as {row, field, message}, the spreadsheet rows of the file."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.errors import ValidationFailed
from chalicelib.influencers.rules.csv_values import K, RowError

MAX_DETAILS = 200


def say(language: str, key: str, **params) -> str:
    return i18n.translate(key, language, **params)


def _details(errors: list[RowError], language: str) -> list[dict]:
    return [{"row": e.row, "field": e.column, "message": say(language, e.key, **e.params)}
            for e in errors[:MAX_DETAILS]]


def refuse(errors: list[RowError], language: str) -> ValidationFailed:
    rows = len({e.row for e in errors})
    return ValidationFailed(say(language, K + "import.refused", problems=len(errors), rows=rows),
                            details=_details(errors, language))
