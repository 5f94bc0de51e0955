"""Lanes: transit times per shipment, optional capacity, and the material in transit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.context import Context
from sim.model.orders import Shipment
from sim.scenario.distributions import Fixed, Number, mean_of
from sim.scenario.schema import Lane as LaneSpec

if TYPE_CHECKING:
    from sim.model.node import Node


TRANSIT_BLOCK = 64
LOAD_EPS_DAYS = 1e-9  # a span of exactly n days is n loads


@dataclass(eq=False)
class Lane:
    """One origin → destination pair in use.

    A shipment that fills an order leaves in equal daily loads over the destination's
    `delivery_days` (deliveries called off across the period the order covers), so a large
    order or a backlog let go at once leaves at a daily pace; each load has its own transit
    time. Capacity acts as a single server: a shipment of q tonnes waits until the lane is free
    and then occupies it for q / capacity days, its loads leaving across that time (or across
    `delivery_days` if longer)."""

    origin: Node
    destination: Node
    transit: Number
    rng: np.random.Generator
    capacity_per_day: float | None = None
    delivery_days: float = 0.0
    next_free: float = 0.0
    shipped: float = 0.0
    seeded: float = 0.0  # in transit when the run starts (departed before day 0)
    delivered: float = 0.0
    # shipments on the lane (or their loads, for one leaving in several)
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

    def loads(self, shipment: Shipment, busy: float = 0.0) -> int:
        """Number of daily loads `shipment` leaves in: one per whole day of its loading span
        (`delivery_days` for an order's fill, at least the `busy` days it occupies the lane)."""
        span = max(self.delivery_days if shipment.paced else 0.0, busy)
        return max(1, math.ceil(span - LOAD_EPS_DAYS))

    def dispatch(self, ctx: Context, shipment: Shipment) -> None:
        """Put `shipment` on the lane now: it departs when the lane is free, in daily loads,
        each landing after a transit time of its own."""
        env = ctx.env
        now = env.now
        q = shipment.quantity
        depart = now
        busy = 0.0
        if self.capacity_per_day:
            depart = max(now, self.next_free)
            busy = q / self.capacity_per_day
            self.next_free = depart + busy
        self.shipped += q
        n = self.loads(shipment, busy)
        if n == 1:
            shipment.arrival = depart + self.transit_time()
            self._put(env, shipment, depart)
            return
        step = max(self.delivery_days if shipment.paced else 0.0, busy) / n
        s = shipment
        for i in range(n):
            t = depart + i * step
            load = Shipment(s.supplier, s.buyer, s.commodity, s.quantity / n, s.origin, t, 0.0)
            load.paced = False
            load.arrival = t + self.transit_time()
            s.arrival = max(s.arrival, load.arrival)
            self._put(env, load, t)

    def _put(self, env: Any, shipment: Shipment, depart: float) -> None:
        """`shipment` (or one load of one) departs at `depart` and lands at its arrival."""
        self.in_transit.add(shipment)
        self.departures.append((depart, shipment.quantity))
        self.commodities.append(shipment.commodity)
        env.timeout(shipment.arrival - env.now, shipment).callbacks.append(self._on_arrival)

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
