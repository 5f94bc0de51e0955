"""Policy kinds of the scenario schema, one module each: its spec and its reference checks.

A module defines a `PolicyBase` subclass with a `type` literal and, if it names anything,
overrides `check_references`; `specs()` finds it, so no list of kinds is kept anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from sim.scenario.policies.base import SPECS, PolicyBase


def specs() -> tuple[type[PolicyBase], ...]:
    """Every policy spec of the package, ordered by `type:`."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return tuple(SPECS[tag] for tag in sorted(SPECS))
