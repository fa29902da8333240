"""Jinja2 for pages, emails and PDFs: one environment, autoescape on, the translation layer as `t`.

templates/ sits beside chalicelib/ both in the repo and in the deployment zip (make package copies
it into vendor/, which Chalice puts at the zip root), so one path works everywhere.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from chalicelib.core import i18n

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["translate"] = i18n.translate
    env.globals["plural_of"] = i18n.plural
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    return env


def render(template: str, language: str, **context) -> str:
    from chalicelib.core import i18n

    language = i18n.normalize(language)

    def t(key: str, **params) -> str:
        return i18n.translate(key, language, **params)

    def plural(key: str, count: int, **params) -> str:
        return i18n.plural(key, count, language, **params)

    return environment().get_template(template).render(lang=language, t=t, plural=plural, **context)
