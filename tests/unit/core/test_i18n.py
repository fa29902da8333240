"""The translation catalogs: same keys in every language, every key the code and templates use
exists, placeholders agree, Russian plural forms are complete and right."""
from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from markupsafe import escape

from chalicelib.brands.channels.schemas import Platform
from chalicelib.brands.pages import BRAND_NOTICES as NOTICES
from chalicelib.core import errors, i18n
from chalicelib.core.rendering import TEMPLATES_DIR, render
from chalicelib.identity.rules import Role

ROOT = Path(__file__).resolve().parents[3]
EN, RU = i18n.catalog("en"), i18n.catalog("ru")
TEMPLATE_KEY = re.compile(r"""\b(?:t|plural)\(\s*(['"])([^'"]+)\1""")
TEMPLATE_PLURAL = re.compile(r"""\bplural\(\s*(['"])([^'"]+)\1""")
CODE_KEY = re.compile(r"""\btranslate\(\s*(['"])([^'"]+)\1""")
CODE_KEY_ARGUMENT = re.compile(r"""\b\w*_key=(['"])([a-z_]+(?:\.[a-z_]+)+)\1""")
# Keys the same in both languages on purpose: names of networks and of the languages themselves.
SAME_IN_BOTH = re.compile(r"^(platform|lang)\.")


def template_files() -> list[Path]:
    return [p for p in TEMPLATES_DIR.rglob("*") if p.suffix in (".html", ".txt")]


def keys_in(paths, pattern) -> set[str]:
    return {m.group(2) for p in paths for m in pattern.finditer(p.read_text(encoding="utf-8"))}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def plural_keys(key: str) -> list[str]:
    return [f"{key}.{form}" for form in ("one", "few", "many")]


def test_languages_have_the_same_keys():
    assert set(EN) - set(RU) == set()
    assert set(RU) - set(EN) == set()


def test_no_empty_or_untranslated_text():
    assert [k for k, v in {**EN, **RU}.items() if not v.strip()] == []
    untranslated = [k for k in EN if EN[k] == RU[k] and not SAME_IN_BOTH.match(k)]
    assert untranslated == []


def test_placeholders_match_between_languages():
    mismatched = {k: (placeholders(EN[k]), placeholders(RU[k])) for k in EN if placeholders(EN[k]) != placeholders(RU[k])}
    assert mismatched == {}


def test_every_key_used_in_templates_exists():
    used = keys_in(template_files(), TEMPLATE_KEY)
    plurals = keys_in(template_files(), TEMPLATE_PLURAL)
    assert len(used) > 50  # the pattern really finds them
    dynamic = {k for k in used if k.endswith(".")}  # t('role.' ~ role): see test_keys_built_from_names_exist
    assert dynamic <= {"role.", "platform.", "notice.", "error.", "lang.",
                       "zone.group."}, "a new kind of built key: test it below"  # zone.group.: test_post_form_rules
    expected = (used - plurals - dynamic) | {k for p in plurals for k in plural_keys(p)}
    assert sorted(expected - set(EN)) == []


def test_every_key_used_in_code_exists():
    code = [p for p in (ROOT / "chalicelib").rglob("*.py")]
    used = keys_in(code, CODE_KEY) | keys_in(code, CODE_KEY_ARGUMENT)
    assert "form.error.required" in used and "verify.new_link" in used
    assert sorted(used - set(EN)) == []


def _domain_error_codes() -> set[str]:
    """Every DomainError subclass anywhere in chalicelib (each module imported: some are lazy)."""
    import importlib
    import pkgutil

    import chalicelib

    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        if not module.name.startswith(("chalicelib.local", "chalicelib.cli")):
            importlib.import_module(module.name)
    found, todo = set(), [errors.DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo += cls.__subclasses__()
    return found


def test_keys_built_from_names_exist():
    """Templates build some keys from data: roles, platforms, notices, error codes, emails."""

    needed = {f"role.{r.value}" for r in Role} | {f"platform.{p.value}" for p in Platform}
    needed |= {f"notice.{n}" for n in NOTICES} | {f"lang.{code}" for code in i18n.LANGUAGES}
    for code in _domain_error_codes() | {"generic", "internal_error", "link_gone", "link_invalid"}:
        needed |= {f"error.{code}.title", f"error.{code}.message"}
    for mail in ("signin", "invite"):
        needed.add(f"email.{mail}.subject")  # identity/service.py: f"email.{template}.subject"
    for field in ("email", "timezone", "credentials_ref"):
        needed.add(f"form.error.{field}")
    needed |= {f"profile.slack_error.{reason}" for reason in ("not_set_up", "not_found", "not_yours")}
    from chalicelib.influencers.page_forms import DOMAIN_MESSAGES, FIELD_MESSAGES
    from chalicelib.influencers.pages import NOTICES as INFLUENCER_NOTICES
    from chalicelib.influencers.rules.vetting import translation_keys
    from chalicelib.influencers.schemas import InfluencerPlatform, InfluencerStatus, LegalType

    needed |= {f"influencer.status.{s.value}" for s in InfluencerStatus}
    needed |= {f"influencer.legal_type.{t.value}" for t in LegalType}
    needed |= {f"platform.{p.value}" for p in InfluencerPlatform}
    needed |= {f"influencers.notice.{n}" for n in INFLUENCER_NOTICES}
    needed |= set(FIELD_MESSAGES.values()) | set(DOMAIN_MESSAGES.values()) | translation_keys()
    from chalicelib.plan.post_page import HISTORY_ACTIONS, HISTORY_FIELDS, history_key

    needed |= {history_key(action) for action in HISTORY_ACTIONS}
    needed |= {f"history.field.{field}" for field in HISTORY_FIELDS}
    assert sorted(needed - set(EN)) == []


@pytest.mark.parametrize("language, count, form", [
    ("ru", 1, "one"), ("ru", 21, "one"), ("ru", 101, "one"),
    ("ru", 2, "few"), ("ru", 4, "few"), ("ru", 22, "few"), ("ru", 34, "few"),
    ("ru", 0, "many"), ("ru", 5, "many"), ("ru", 11, "many"), ("ru", 12, "many"), ("ru", 14, "many"),
    ("ru", 25, "many"), ("ru", 111, "many"), ("ru", 112, "many"),
    ("en", 1, "one"), ("en", 0, "many"), ("en", 2, "many"), ("en", 21, "many"),
])
def test_plural_forms(language, count, form):
    catalog = i18n.catalog(language)
    for key in keys_in(template_files(), TEMPLATE_PLURAL):
        expected = catalog[f"{key}.{form}"].format(count=count)
        assert i18n.plural(key, count, language) == expected


def test_every_plural_key_has_all_forms_with_the_count():
    bases = {k.rsplit(".", 1)[0] for k in EN if k.rsplit(".", 1)[-1] in ("one", "few", "many")}
    assert bases, "no plural keys found"
    for base in bases:
        for key in plural_keys(base):
            assert key in EN and key in RU, key
            assert "count" in placeholders(RU[key]), key


def test_russian_plurals_really_differ():
    assert i18n.plural("common.minutes", 1, "ru") == "1 минуту"
    assert i18n.plural("common.minutes", 3, "ru") == "3 минуты"
    assert i18n.plural("common.minutes", 15, "ru") == "15 минут"
    assert i18n.plural("brand.channel_count", 22, "ru") == "22 канала"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("template", ["signin", "invite"])
def test_emails_render_in_every_language(language, template):
    link = "https://greenlight.example.com/auth/verify?token=abc.def"
    context = dict(name="Анна <b>", link=link, minutes=15, brand="Acme & Co", inviter="Ivan")
    text = render(f"email/{template}.txt", language, **context)
    html = render(f"email/{template}.html", language, **context)
    subject = i18n.translate(f"email.{template}.subject", language, **context)
    assert link in text and f'href="{link}"' in html
    assert "Анна <b>" in text and "Анна &lt;b&gt;" in html  # text is plain, HTML is escaped
    assert "{" not in text and "{" not in subject
    assert f"<title>{escape(subject)}</title>" in html
    if template == "invite":
        assert "Acme &amp; Co" in html and "https://greenlight.example.com/sign-in" in text
    assert (("минут" in text) if language == "ru" else ("15 minutes" in text))
