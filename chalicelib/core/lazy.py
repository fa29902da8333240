"""Deferred imports for the cold start: `brands = lazy_import("chalicelib.brands.service")` binds a
module whose code runs on first attribute access (the standard library's LazyLoader recipe).

Route modules must be imported at start-up to register their routes; the services, repositories
and PynamoDB models behind them load when a request first needs them.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
