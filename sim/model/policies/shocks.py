"""Generic shocks: facility outages and lane closures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime, matches
from sim.scenario.schema import FacilityOutage, LaneClosure

if TYPE_CHECKING:
    from sim.model.facility import Facility
    from sim.model.network import Network
    from sim.model.node import Node


class Outage(PolicyRuntime):
    def __init__(self, network: Network, spec: FacilityOutage) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.facility: Facility = network.facilities[spec.facility]
        self.factor = spec.capacity_factor

    def describe(self) -> str:
        return f"outage {self.facility.id} at {self.factor:.0%} of capacity"

    def activate(self) -> None:
        self.facility.outage_factor = self.factor

    def deactivate(self) -> None:
        self.facility.outage_factor = 1.0
        self.facility.fill_all()


class Closure(PolicyRuntime):
    def __init__(self, network: Network, spec: LaneClosure) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.origin = spec.origin
        self.destination = spec.destination

    def describe(self) -> str:
        return f"lane closed {self.origin} -> {self.destination}"

    def admits(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        return not (matches(supplier, self.origin) and matches(buyer, self.destination))

    def deactivate(self) -> None:
        for node in self.network.nodes.values():
            if matches(node, self.origin):
                node.fill_all()
