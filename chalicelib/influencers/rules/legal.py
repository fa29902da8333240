"""Russian tax and registration numbers of an influencer, checked against their legal type.

| legal type        | INN                        | OGRN                       |
|-------------------|----------------------------|----------------------------|
| `legal_entity`    | 10 digits                  | OGRN, 13 digits            |
| `sole_proprietor` | 12 digits                  | OGRNIP, 15 digits          |
| `individual`      | 12 digits                  | none (a problem if given)  |
| `self_employed`   | 12 digits                  | none (a problem if given)  |
| `foreign`         | none (a problem if given)  | none (a problem if given)  |

Check digits are python-stdnum's (`stdnum.ru.inn`, `stdnum.ru.ogrn`), never our own. Values are
normalised by removing whitespace. An empty value is no problem here: whether a number is required
is the caller's decision. Each check returns a short English problem sentence (an API message; the
pages translate by field) or None. Pure, no I/O.
"""
from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.ru import inn, ogrn

LEGAL_TYPES = ("legal_entity", "sole_proprietor", "individual", "self_employed", "foreign")
_PERSONS = ("sole_proprietor", "individual", "self_employed")
_UNKNOWN_TYPE = "Unknown legal type."


def normalize(value: str | None) -> str:
    """The number without any whitespace ("77 07 083893" -> "7707083893"); "" for None."""
    return "".join((value or "").split())


def check_inn(value: str | None, legal_type: str) -> str | None:
    number = normalize(value)
    if legal_type not in LEGAL_TYPES:
        return _UNKNOWN_TYPE
    if not number:
        return None
    if legal_type == "foreign":
        return "A foreign influencer has no Russian INN; leave it empty."
    if not number.isdigit() or not number.isascii():
        return "An INN contains digits only."
    if legal_type == "legal_entity" and len(number) != 10:
        return "An organisation's INN has 10 digits."
    if legal_type in _PERSONS and len(number) != 12:
        return "A person's INN has 12 digits."
    try:
        inn.validate(number)
    except InvalidChecksum:
        return "The INN's check digits are wrong: check the number."
    except ValidationError:
        return "The INN is not valid."
    return None


def check_ogrn(value: str | None, legal_type: str) -> str | None:
    number = normalize(value)
    if legal_type not in LEGAL_TYPES:
        return _UNKNOWN_TYPE
    if not number:
        return None
    if legal_type not in ("legal_entity", "sole_proprietor"):
        return "Only an organisation or a sole proprietor has an OGRN; leave it empty."
    if not number.isdigit() or not number.isascii():
        return "An OGRN contains digits only."
    if legal_type == "legal_entity" and len(number) != 13:
        return "An organisation's OGRN has 13 digits."
    if legal_type == "sole_proprietor" and len(number) != 15:
        return "A sole proprietor's OGRNIP has 15 digits."
    try:
        ogrn.validate(number)
    except InvalidChecksum:
        return "The OGRN's check digit is wrong: check the number."
    except InvalidComponent:
        return "The OGRN does not start with a valid record type."
    except ValidationError:
        return "The OGRN is not valid."
    return None
