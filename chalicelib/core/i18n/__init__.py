"""The one translation layer: every user-facing text (pages, emails, Slack, PDFs) is a key here.

Catalogs are flat JSON files per language (`en.json`, `ru.json`) with `{name}` placeholders,
plus one file per feature area in `en/` and `ru/` (`en/slack.json` …) merged in; a key may live in
one file only. A test keeps the key sets of the languages identical and checks that every key used in code and templates exists.
Russian plural forms use `key.one / key.few / key.many` (see `plural`).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))
    for part in sorted((_DIR / language).glob("*.json")):
        for key, text in json.loads(part.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"translation key {key!r} is defined twice ({part.name})")
            merged[key] = text
    return merged


def normalize(language: str | None) -> str:
    language = (language or "").split("-")[0].split("_")[0].lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, language: str | None = None, **params) -> str:
    language = normalize(language)
    text = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"missing translation key {key!r}")
    return text.format(**params) if params else text


def plural(key: str, count: int, language: str | None = None, **params) -> str:
    language = normalize(language)
    if language == "ru":
        n10, n100 = count % 10, count % 100
        form = "one" if n10 == 1 and n100 != 11 else "few" if 2 <= n10 <= 4 and not 12 <= n100 <= 14 else "many"
    else:
        form = "one" if count == 1 else "many"
    return translate(f"{key}.{form}", language, count=count, **params)


def from_accept_language(header: str | None) -> str:
    """Best supported language from an Accept-Language header."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in (header or "").split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        code = lang.split("-")[0].lower()
        if code in LANGUAGES and weight > best_q:
            best, best_q = code, weight
    return best
