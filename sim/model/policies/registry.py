"""The policy runtimes, discovered: every module of `sim.model.policies` is imported once, and
each `PolicyRuntime` subclass with a `policy_type` has registered itself (see `base`)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import sim.model.policies as _package
from sim.model.policies.base import REGISTRY, PolicyRuntime

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.scenario.schema import Policy


def runtimes() -> dict[str, type[PolicyRuntime]]:
    """Scenario policy type → runtime class, for every policy module in the package."""
    for info in pkgutil.iter_modules(_package.__path__):
        importlib.import_module(f"{_package.__name__}.{info.name}")
    return dict(sorted(REGISTRY.items()))


def build_policy(network: Network, spec: Policy) -> PolicyRuntime:
    """The runtime of scenario policy `spec` in `network`."""
    kinds = runtimes()
    if spec.type not in kinds:
        raise ValueError(f"policy {spec.id!r}: no runtime for type {spec.type!r}")
    make = cast("Callable[[Network, Policy], PolicyRuntime]", kinds[spec.type])  # (network, spec)
    return make(network, spec)
