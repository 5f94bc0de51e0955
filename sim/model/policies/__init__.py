"""Policies in a running model, built from their scenario entries by type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.model.policies.shocks import Closure, Outage

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.scenario.schema import Policy

RUNTIMES: dict[str, type] = {
    "facility_outage": Outage,
    "lane_closure": Closure,
}


def build_policy(network: Network, spec: Policy) -> PolicyRuntime:
    runtime: PolicyRuntime = RUNTIMES[spec.type](network, spec)
    return runtime


__all__ = ["RUNTIMES", "PolicyRuntime", "build_policy"]
