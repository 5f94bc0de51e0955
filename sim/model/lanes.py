"""Lanes: transit times per shipment, optional capacity, and the material in transit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.context import Context
from sim.scenario.distributions import Fixed, Number, mean_of
from sim.scenario.schema import Lane as LaneSpec

if TYPE_CHECKING:
    from sim.model.node import Node
    from sim.model.orders import Shipment


TRANSIT_BLOCK = 64


@dataclass(eq=False)
class Lane:
    """One origin → destination pair in use. Capacity acts as a single server: a shipment of
    q tonnes occupies the lane for q / capacity days before it departs."""

    origin: Node
    destination: Node
    transit: Number
    rng: np.random.Generator
    capacity_per_day: float | None = None
    next_free: float = 0.0
    shipped: float = 0.0
    seeded: float = 0.0  # in transit when the run starts (departed before day 0)
    delivered: float = 0.0
    in_transit: set[Shipment] = field(default_factory=set)
    departures: list[tuple[float, float]] = field(default_factory=list)  # (time, t)
    commodities: list[str] = field(default_factory=list)  # commodity of each departure
    arrivals: list[tuple[float, float]] = field(default_factory=list)  # (time, t), seeded too
    arrival_commodities: list[str] = field(default_factory=list)  # commodity of each arrival
    _draws: list[float] = field(default_factory=list, repr=False)

    def transit_time(self) -> float:
        """Next transit time, drawn in blocks of `TRANSIT_BLOCK` from the lane's own stream."""
        t = self.transit
        if isinstance(t, int | float):
            return max(0.0, float(t))
        if isinstance(t, Fixed):
            return max(0.0, t.value)
        if not self._draws:
            self._draws = t.sample_many(self.rng, TRANSIT_BLOCK)[::-1].tolist()
        return max(0.0, self._draws.pop())

    def dispatch(self, ctx: Context, shipment: Shipment) -> None:
        """Put `shipment` on the lane now: it departs when the lane is free and lands after a
        transit time."""
        env = ctx.env
        now = env.now
        depart = now
        if self.capacity_per_day:
            depart = max(now, self.next_free)
            self.next_free = depart + shipment.quantity / self.capacity_per_day
        shipment.arrival = depart + self.transit_time()
        self.shipped += shipment.quantity
        self.in_transit.add(shipment)
        self.departures.append((depart, shipment.quantity))
        self.commodities.append(shipment.commodity)
        env.timeout(shipment.arrival - now, shipment).callbacks.append(self._on_arrival)

    def seed(self, ctx: Context, shipment: Shipment) -> None:
        """Put a shipment that left before the start on the lane; it lands at `arrival`."""
        self.seeded += shipment.quantity
        self.in_transit.add(shipment)
        env = ctx.env
        env.timeout(shipment.arrival - env.now, shipment).callbacks.append(self._on_arrival)

    def _on_arrival(self, event: Any) -> None:
        shipment = event.value
        self.in_transit.discard(shipment)
        self.delivered += shipment.quantity
        self.arrivals.append((shipment.arrival, shipment.quantity))
        self.arrival_commodities.append(shipment.commodity)
        self.destination.receive(shipment)

    def mean_transit(self) -> float:
        """The mean transit time, days."""
        return mean_of(self.transit)


class LaneTable:
    """Finds the lane spec for a node pair: node→node, node→country, country→node, country→country."""

    def __init__(self, specs: list[LaneSpec]) -> None:
        self._specs = {(s.origin, s.destination): s for s in specs}

    def find(
        self, origin_id: str, origin_country: str, dest_id: str, dest_country: str
    ) -> LaneSpec:
        """The lane spec for a node pair (most specific match first)."""
        for key in (
            (origin_id, dest_id),
            (origin_id, dest_country),
            (origin_country, dest_id),
            (origin_country, dest_country),
        ):
            spec = self._specs.get(key)
            if spec is not None:
                return spec
        raise KeyError(f"no lane from {origin_id} ({origin_country}) to {dest_id} ({dest_country})")
