"""The metrics' translation keys built from codes (problems, CSV problems, sources, metrics, notices) exist in
both languages; the refusal of a file speaks in the right plural forms."""
from __future__ import annotations

import pytest

from chalicelib.campaigns.models import METRIC_FIELDS
from chalicelib.campaigns.rules import metrics as rules
from chalicelib.core import i18n

CSV_CODES = ("unknown_columns", "repeated_columns", "missing_columns", "subject_required", "subject_form",
             "subject_unknown", "taken_at_form", "taken_at_future", "twice", "too_many_problems", "too_many_rows",
             "cell_count", "broken_quoting", "file_too_large", "file_workbook", "file_utf16", "file_cp1251",
             "file_not_utf8", "file_empty", "meanwhile", "content_type", "taken_at_early", "first_listed",
             "archived")
CSV_PLURALS = ("refused", "refused_file", "lines")  # i18n.plural: .one / .few / .many
TIME_PROBLEMS = ("taken_at_early", "taken_at_future")  # rules.taken_at_problem → campaign_metrics.error.<code>
PROBLEMS = ("unknown", "not_whole", "negative", "too_big", "empty")


def built_keys() -> set[str]:
    keys = {f"campaign_metrics.problem.{c}" for c in PROBLEMS}
    keys |= {f"campaign_metrics.csv.value_{c}" for c in PROBLEMS if c != "empty"}
    keys |= {f"campaign_metrics.csv.{c}" for c in CSV_CODES}
    keys |= {f"campaign_metrics.csv.{c}.{form}" for c in CSV_PLURALS for form in ("one", "few", "many")}
    keys |= {f"campaign_metrics.error.{c}" for c in TIME_PROBLEMS}
    keys |= {f"campaign_metrics.source.{s}" for s in rules.SOURCES}
    keys |= {f"campaign_metrics.metric.{m}" for m in METRIC_FIELDS}
    keys |= {f"campaign_metrics.notice.{n}" for n in ("entered", "same", "imported")}
    return keys


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_built_keys_exist(language):
    assert sorted(built_keys() - set(i18n.catalog(language))) == []



@pytest.mark.parametrize("language, count, lines, expected", [
    ("en", 1, 1, "Nothing was imported: 1 problem in 1 line of the file."),
    ("en", 3, 2, "Nothing was imported: 3 problems in 2 lines of the file."),
    ("ru", 1, 1, "Ничего не импортировано: 1 проблема в 1 строке файла."),
    ("ru", 3, 2, "Ничего не импортировано: 3 проблемы в 2 строках файла."),
    ("ru", 5, 21, "Ничего не импортировано: 5 проблем в 21 строке файла."),
    ("ru", 22, 11, "Ничего не импортировано: 22 проблемы в 11 строках файла."),
])
def test_the_refusal_in_plural_forms(language, count, lines, expected):
    text = i18n.plural("campaign_metrics.csv.refused", count, language,
                       lines=i18n.plural("campaign_metrics.csv.lines", lines, language))
    assert text.startswith(expected)
