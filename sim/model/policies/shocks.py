"""Generic shocks: facility outages (dated or random), lane closures and demand shocks.

Overlapping outages of one facility combine to the lowest remaining capacity factor; overlapping
demand shocks on one demand point multiply (each is one factor of the point's demand modifiers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime, matches
from sim.scenario.distributions import sample
from sim.scenario.policies.demand_shock import DemandShock as DemandShockSpec
from sim.scenario.policies.facility_outage import FacilityOutage
from sim.scenario.policies.lane_closure import LaneClosure
from sim.scenario.policies.random_outages import RandomOutages as RandomOutagesSpec

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.facility import Facility
    from sim.model.network import Network
    from sim.model.node import Node


def refresh_outage(network: Network, facility: Facility) -> None:
    """Set the facility's capacity factor from every outage now in force; resume shipping
    when it rises."""
    factor = 1.0
    for p in network.policies:
        if isinstance(p, Outage | RandomOutages):
            f = p.factor_for(facility)
            if f is not None:
                factor = min(factor, f)
    old, facility.outage_factor = facility.outage_factor, factor
    if factor > old:
        facility.fill_all()


class Outage(PolicyRuntime):
    policy_type = "facility_outage"

    def __init__(self, network: Network, spec: FacilityOutage) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.facility: Facility = network.facilities[spec.facility]
        self.factor = spec.capacity_factor

    def describe(self) -> str:
        return f"outage {self.facility.id} at {self.factor:.0%} of capacity"

    def factor_for(self, facility: Facility) -> float | None:
        return self.factor if self.active and facility is self.facility else None

    def activate(self) -> None:
        refresh_outage(self.network, self.facility)

    def deactivate(self) -> None:
        refresh_outage(self.network, self.facility)


class RandomOutages(PolicyRuntime):
    """Outages arrive at each facility as a Poisson process (stream `policy:<id>:<facility>`),
    each lasting a sampled duration; arrivals only count while the policy is active."""

    policy_type = "random_outages"

    def __init__(self, network: Network, spec: RandomOutagesSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        v, path = network.params.value, f"policies.{spec.id}"
        self.facilities = [network.facilities[f] for f in spec.facilities]
        self.rate = v(spec.rate_per_year, f"{path}.rate_per_year") / 365.0
        self.duration = spec.duration_days
        self.factor = spec.capacity_factor
        self.down: dict[str, int] = {}
        self._run = 0

    def describe(self) -> str:
        return f"random outages at {', '.join(f.id for f in self.facilities)}"

    def factor_for(self, facility: Facility) -> float | None:
        return self.factor if self.active and self.down.get(facility.id, 0) > 0 else None

    def activate(self) -> None:
        self._run += 1
        for fac in self.facilities:
            self._next(fac, self._run)

    def deactivate(self) -> None:
        self._run += 1
        self.down.clear()
        for fac in self.facilities:
            refresh_outage(self.network, fac)

    def _next(self, fac: Facility, run: int) -> None:
        if self.rate <= 0:
            return
        ctx = self.network.ctx
        rng = ctx.streams(f"policy:{self.id}:{fac.id}")
        at = ctx.now + float(rng.exponential(1.0 / self.rate))
        if at < ctx.calendar.days and (self.end_day is None or at < self.end_day):
            ctx.at(at, lambda: self._arrive(fac, run))

    def _arrive(self, fac: Facility, run: int) -> None:
        if run != self._run:
            return
        ctx = self.network.ctx
        rng = ctx.streams(f"policy:{self.id}:{fac.id}")
        days = max(0.0, sample(self.duration, rng))
        self.down[fac.id] = self.down.get(fac.id, 0) + 1
        refresh_outage(self.network, fac)
        ctx.recorder.event(ctx.now, "outage_start", fac.id, f"by {self.id} for {days:.4g} d")
        ctx.at(ctx.now + days, lambda: self._recover(fac, run))
        self._next(fac, run)

    def _recover(self, fac: Facility, run: int) -> None:
        if run != self._run:
            return
        self.down[fac.id] -= 1
        refresh_outage(self.network, fac)
        ctx = self.network.ctx
        ctx.recorder.event(ctx.now, "outage_end", fac.id, f"by {self.id}")


class Closure(PolicyRuntime):
    policy_type = "lane_closure"
    gates = True

    def __init__(self, network: Network, spec: LaneClosure) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.origin = spec.origin
        self.destination = spec.destination

    def describe(self) -> str:
        return f"lane closed {self.origin} -> {self.destination}"

    def acts_on(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        return matches(supplier, self.origin) and matches(buyer, self.destination)

    def admits(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        return not self.acts_on(supplier, buyer, commodity)

    def deactivate(self) -> None:
        for node in self.network.nodes.values():
            if matches(node, self.origin):
                node.fill_all()


class DemandShock(PolicyRuntime):
    policy_type = "demand_shock"
    modifies_demand = True

    def __init__(self, network: Network, spec: DemandShockSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.multiplier = network.params.value(spec.multiplier, f"policies.{spec.id}.multiplier")
        self.points: list[DemandPoint] = [
            point
            for bid, buyer in network.buyers.items()
            if spec.buyers is None or bid in spec.buyers
            for c, point in buyer.points.items()
            if spec.commodities is None or c in spec.commodities
        ]

    def describe(self) -> str:
        return f"demand × {self.multiplier:.4g} on {len(self.points)} demand points"

    def activate(self) -> None:
        now = self.network.ctx.now
        for point in self.points:
            point.set_modifier(self.id, self.multiplier, now)

    def deactivate(self) -> None:
        now = self.network.ctx.now
        for point in self.points:
            point.set_modifier(self.id, 1.0, now)
