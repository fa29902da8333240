"""The INN / OGRN checks of an influencers file (rules/csv_influencers.py) as the file's translation keys.
Pure: no I/O. rules/legal.py checks the numbers and words its problems in English for the API; a file's
errors are translated (i18n/*/influencers_csv.json): one key each."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.influencers.rules import legal
from chalicelib.influencers.rules.csv_values import K

LEGAL_KEYS: dict[str, str] = {
    "Unknown legal type.": K + "legal.unknown_type",
    "A foreign influencer has no Russian INN; leave it empty.": K + "legal.inn_foreign",
    "An INN contains digits only.": K + "legal.inn_digits",
    "An organisation's INN has 10 digits.": K + "legal.inn_10",
    "A person's INN has 12 digits.": K + "legal.inn_12",
    "The INN's check digits are wrong: check the number.": K + "legal.inn_checksum",
    "The INN is not valid.": K + "legal.inn_invalid",
    "Only an organisation or a sole proprietor has an OGRN; leave it empty.": K + "legal.ogrn_not_for_type",
    "An OGRN contains digits only.": K + "legal.ogrn_digits",
    "An organisation's OGRN has 13 digits.": K + "legal.ogrn_13",
    "A sole proprietor's OGRNIP has 15 digits.": K + "legal.ogrn_15",
    "The OGRN's check digit is wrong: check the number.": K + "legal.ogrn_checksum",
    "The OGRN does not start with a valid record type.": K + "legal.ogrn_type",
    "The OGRN is not valid.": K + "legal.ogrn_invalid",
}


def legal_errors(values: Mapping[str, Any], legal_type: str) -> list[tuple[str, str]]:
    """(column, key) for an INN or OGRN that does not fit the legal type or fails its check digits; also
    for the caller that knows the stored legal type of an influencer the file does not give one for."""
    found = []
    for column, check in (("inn", legal.check_inn), ("ogrn", legal.check_ogrn)):
        if values.get(column):
            problem = check(values[column], legal_type)
            if problem:
                found.append((column, LEGAL_KEYS.get(problem, K + f"legal.{column}_invalid")))
    return found
