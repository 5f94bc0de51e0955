"""Policies in a running model, built from their scenario entries by type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.model.policies.demand_response import DemandResponse
from sim.model.policies.export_control import ExportControl
from sim.model.policies.funding import FundingWindow
from sim.model.policies.price_response import PriceResponse
from sim.model.policies.rapid_response import RapidResponse
from sim.model.policies.shocks import Closure, DemandShock, Outage, RandomOutages
from sim.model.policies.stockpile import Stockpile
from sim.model.policies.suspension import Suspension

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.scenario.schema import Policy

RUNTIMES: dict[str, type] = {
    "facility_outage": Outage,
    "lane_closure": Closure,
    "export_control": ExportControl,
    "suspension": Suspension,
    "funding_window": FundingWindow,
    "rapid_response": RapidResponse,
    "stockpile": Stockpile,
    "demand_response": DemandResponse,
    "price_response": PriceResponse,
    "demand_shock": DemandShock,
    "random_outages": RandomOutages,
}


def build_policy(network: Network, spec: Policy) -> PolicyRuntime:
    runtime: PolicyRuntime = RUNTIMES[spec.type](network, spec)
    return runtime


__all__ = ["RUNTIMES", "PolicyRuntime", "build_policy"]
