"""The layer contract of .importlinter holds, and it covers the whole code.

import-linter checks the imports Python sees (module level and inside functions). Two kinds of
dependency it cannot see are checked here against the same layer list: route modules that bind
their services lazily by name (`lazy_import("chalicelib.x.service")`), and the order of the
layers themselves (every feature package is in it, so a new one cannot slip past the contract).
"""
from __future__ import annotations

import ast
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"


def _layers() -> list[set[str]]:
    """The features contract's layers, top first, each a set of package names under chalicelib."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    raw = parser["importlinter:contract:features"]["layers"]
    return [{name.strip() for name in line.split("|")} for line in raw.strip().splitlines() if line.strip()]


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chalicelib" else None


def test_import_linter_contracts_are_kept(capsys, monkeypatch):
    import logging

    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    # lint_imports configures logging with dictConfig, which disables every logger that exists already;
    # later tests that read log records (caplog) would see none.
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    disabled = {logger: logger.disabled for logger in loggers}
    try:
        exit_code = lint_imports(config_filename=str(CONFIG), no_cache=True, no_logo=True)
    finally:
        for logger, was in disabled.items():
            logger.disabled = was
    report = capsys.readouterr().out
    assert exit_code == 0, report[-6000:]
    assert "3 kept, 0 broken" in report, report[-3000:]


def test_every_package_of_chalicelib_is_in_the_layers():
    named = set().union(*_layers())
    packages = {p.name for p in (ROOT / "chalicelib").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "chalicelib").glob("*.py") if p.stem != "__init__"}
    assert packages | modules == named, f"not in the contract: {sorted((packages | modules) - named)}; " \
                                        f"in the contract but missing: {sorted(named - packages - modules)}"


def _lazy_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "lazy_import":
            assert node.args and isinstance(node.args[0], ast.Constant), f"{path}: lazy_import needs a literal name"
            found.append(node.args[0].value)
    return found


def test_lazy_imports_by_name_respect_the_layers():
    layers = _layers()
    rank = {name: index for index, layer in enumerate(layers) for name in layer}
    checked = 0
    for path in (ROOT / "chalicelib").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        importer = _feature_of(module)
        for target in _lazy_imports(path):
            checked += 1
            imported = _feature_of(target)
            assert imported in rank, f"{module}: lazy_import({target!r}) names no module of chalicelib"
            __import__(target)  # the name must exist
            if imported == importer:
                continue
            assert rank[importer] < rank[imported], (
                f"{module} ({importer}) lazily imports {target} ({imported}), a feature above or beside it")
            same_layer = [layer for layer in layers if importer in layer and imported in layer]
            assert not same_layer, f"{module} lazily imports {target}: independent features"
    assert checked >= 20, f"only {checked} lazy imports found: is the search still right?"
