"""Lazy re-exports (PEP 562): a package names its public API without importing it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(
    package: str, api: Mapping[str, str], into: dict[str, Any]
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `name` from `api[name]` on first use
    and caches it in the package's namespace `into`."""

    def __getattr__(name: str) -> Any:
        if name not in api:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(api[name]), name)
        into[name] = value
        return value

    return __getattr__
