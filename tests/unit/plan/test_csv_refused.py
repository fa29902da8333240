"""plan/service._Problems.refused: any ValueError of a dry run becomes a row problem (never an
AttributeError), and pydantic's messages are worded in the reader's language like the web forms'."""
from __future__ import annotations

from pydantic import ValidationError

from chalicelib.content.schemas import PostPatch
from chalicelib.plan.rules.csv_format import PlanRow
from chalicelib.plan.service import _Problems


def row(line: int = 3) -> PlanRow:
    return PlanRow(id=None, title="T", body="B", channels=(), content_type=None, publish_at=None, timezone=None,
                   tags=(), assignees=(), campaign_id=None, due_at=None, version=None, line=line)


def schema_error() -> ValidationError:
    try:
        PostPatch.model_validate({"version": 1, "title": "x" * 10_000})
    except ValidationError as exc:
        return exc
    raise AssertionError("the schema took a 10 000-character title")


def test_a_plain_value_error_is_a_problem_of_the_row():
    problems = _Problems("en")
    problems.refused(row(), ValueError("the zone moved"))
    assert problems.details() == [{"line": 3, "field": None, "message": "the zone moved"}]


def test_a_schema_error_is_worded_in_the_readers_language():
    english, russian = _Problems("en"), _Problems("ru")
    english.refused(row(), schema_error())
    russian.refused(row(), schema_error())
    [en], [ru] = english.details(), russian.details()
    assert en["field"] == ru["field"] == "title"
    assert en["message"] != ru["message"]
    assert any("\u0400" <= ch <= "\u04ff" for ch in ru["message"]), ru["message"]
