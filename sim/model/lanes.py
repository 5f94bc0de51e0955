"""Lanes: transit times per shipment, optional capacity, and the material in transit."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.context import Context
from sim.engine.recorder import Rows
from sim.model.orders import Load, Shipment
from sim.scenario.distributions import Fixed, Number, mean_of
from sim.scenario.schema import Lane as LaneSpec

if TYPE_CHECKING:
    from sim.model.node import Node


TRANSIT_BLOCK = 64
LOAD_EPS_DAYS = 1e-9  # a span of exactly n days is n loads
MIN_USE_PER_DAY = 1e-12  # t/day; a destination using less is paced as one using nothing


@dataclass(eq=False)
class Lane:
    """One origin → destination pair in use.

    A shipment that fills an order leaves in equal loads across the destination's
    `ordering.delivery_days` (deliveries called off over the period the order covers): one a
    day, or fewer when a day's load would be less than a day of the destination's use. The
    supplier calls off at most one lot (`ordering.max_lot_days` of the destination's use) of a
    commodity per delivery period: a shipment occupies the lane's call-off schedule for its tonnes at that
    rate, so several lots let go at once (a backlog when a ban lifts, held shipments licensed
    together) leave one after the other, not on the same days. Each load has its own transit
    time. Capacity acts as a single server: a shipment of q tonnes waits until the lane is free
    and then occupies it for q / capacity days, its loads leaving across that time. Loads booked to
    leave after the end of the run leave as one load (so a lot paced over years by a buyer whose
    use has nearly stopped is not millions of loads)."""

    origin: Node
    destination: Node
    transit: Number
    rng: np.random.Generator
    capacity_per_day: float | None = None
    end: float = math.inf  # the end of the run, days
    next_free: float = 0.0  # when the lane's capacity is free again
    # commodity -> when the call-off schedule of its paced shipments is free again
    calls_free: dict[str, float] = field(default_factory=dict)
    shipped: float = 0.0
    seeded: float = 0.0  # in transit when the run starts (departed before day 0)
    delivered: float = 0.0
    # shipments on the lane (or their loads, for one leaving in several)
    in_transit: set[Shipment | Load] = field(default_factory=set)
    departures: Rows = field(default_factory=partial(Rows, 2))  # (time, t)
    commodities: list[str] = field(default_factory=list)  # commodity of each departure
    arrivals: Rows = field(default_factory=partial(Rows, 2))  # (time, t), seeded too
    arrival_commodities: list[str] = field(default_factory=list)  # commodity of each arrival
    _draws: list[float] = field(default_factory=list, repr=False)
    _on_landing: tuple[Callable[[Load], None], ...] = field(init=False, repr=False)

    _fixed: float | None = field(init=False, repr=False)  # the transit time when not drawn

    def __post_init__(self) -> None:
        self._on_landing = (self._on_arrival,)  # the callbacks of every load landing here
        t = self.transit
        if isinstance(t, int | float):
            self._fixed = max(0.0, float(t))
        elif isinstance(t, Fixed):
            self._fixed = max(0.0, t.value)
        else:
            self._fixed = None

    def transit_time(self) -> float:
        """Next transit time, drawn in blocks of `TRANSIT_BLOCK` from the lane's own stream."""
        if self._fixed is not None:
            return self._fixed
        if not self._draws:
            self._draw_block()
        return self._draws.pop()

    def transit_times(self, n: int) -> list[float]:
        """The next `n` transit times (those `transit_time` would give one by one)."""
        if self._fixed is not None:
            return [self._fixed] * n
        out: list[float] = []
        while len(out) < n:
            if not self._draws:
                self._draw_block()
            take = min(n - len(out), len(self._draws))
            out += self._draws[: -take - 1 : -1]
            del self._draws[-take:]
        return out

    def _draw_block(self) -> None:
        """Draw the next `TRANSIT_BLOCK` transit times (none below 0), kept in reverse order."""
        t = self.transit
        assert not isinstance(t, int | float | Fixed)
        draws = t.sample_many(self.rng, TRANSIT_BLOCK)[::-1].tolist()
        self._draws = [x if x > 0.0 else 0.0 for x in draws]  # as max(0.0, x)

    def schedule(self, shipment: Shipment, now: float) -> tuple[float, float, int]:
        """(first departure, loading span in days, number of loads) of `shipment` put on the
        lane at `now`; books the lane's capacity and call-off schedule."""
        q = shipment.quantity
        start, span, n = now, 0.0, 1
        cap = self.capacity_per_day
        if cap:
            if self.next_free > now:
                start = self.next_free
            span = q / cap
            self.next_free = start + span
            n = math.ceil(span - LOAD_EPS_DAYS)
        rule = self.destination.ordering
        days = rule.delivery_days
        if not shipment.paced or days <= LOAD_EPS_DAYS:
            return start, span, n if n > 1 else 1
        # the use when the shipment starts (a full lane may book it after the end of the run)
        c = shipment.commodity
        use = self.destination.use_per_day(c, start if start <= self.end else self.end)
        calls = 0.0  # days of the call-off schedule the shipment takes
        if use <= MIN_USE_PER_DAY:
            use = 0.0
        elif use > 0.0 and math.isfinite(rule.max_lot_days):
            free = self.calls_free.get(c, 0.0)
            if free > start:
                start = free
            calls = q * days / (rule.max_lot_days * use)
            self.calls_free[c] = start + calls
        longest = calls if calls > days else days
        loads = math.ceil(longest - LOAD_EPS_DAYS)
        if use > 0.0:  # no load smaller than a day of use
            least = math.ceil(q / use - LOAD_EPS_DAYS)
            if least < loads:
                loads = least if least > 1 else 1
        if n > loads:
            loads = n
        return start, span if span > longest else longest, loads if loads > 1 else 1

    def dispatch(self, ctx: Context, shipment: Shipment) -> None:
        """Put `shipment` on the lane now: it departs when the lane is free, in loads, each
        landing after a transit time of its own."""
        env = ctx.env
        start, span, n = self.schedule(shipment, env._now)
        quantity = shipment.quantity
        self.shipped += quantity
        if n == 1:
            shipment.arrival = start + self.transit_time()
            self._carry(Load(env, shipment, quantity, shipment.arrival, self._on_landing))
            self.departures.add((start, quantity))
            self.commodities.append(shipment.commodity)
            return
        times = departure_times(start, span, n, self.end)
        k = len(times)
        q = quantity / n
        sizes = [q] * k
        if times[-1] >= self.end:  # the loads booked to leave after the run leave as one
            sizes[-1] = quantity * (n - k + 1) / n
        transits = self.transit_times(k)
        arrivals = [t + d for t, d in zip(times, transits, strict=True)]
        shipment.arrival = max(shipment.arrival, *arrivals)
        landing = self._on_landing
        self.in_transit.update(
            [Load(env, shipment, x, a, landing) for x, a in zip(sizes, arrivals, strict=True)]
        )
        self.departures.values += [v for row in zip(times, sizes, strict=True) for v in row]
        self.commodities += [shipment.commodity] * k

    def _carry(self, load: Load) -> None:
        """`load` is all of its shipment: the lane counts the shipment in transit."""
        load.whole = load.shipment
        self.in_transit.add(load.shipment)

    def seed(self, ctx: Context, shipment: Shipment) -> None:
        """Put a shipment that left before the start on the lane; it lands at `arrival`."""
        self.seeded += shipment.quantity
        self._carry(Load(ctx.env, shipment, shipment.quantity, shipment.arrival, self._on_landing))

    def _on_arrival(self, load: Load) -> None:
        self.in_transit.discard(load.whole or load)
        q = load.quantity
        self.delivered += q
        self.arrivals.values += (load.arrival, q)
        self.arrival_commodities.append(load.commodity)
        self.destination.receive(load)

    def mean_transit(self) -> float:
        """The mean transit time, days."""
        return mean_of(self.transit)


def departure_times(start: float, span: float, n: int, end: float) -> list[float]:
    """Departures of `n` loads spread over `span` days from `start`, up to the first at or
    after `end` (the end of the run)."""
    if start + (n - 1) * span / n < end:
        return [start + i * span / n for i in range(n)]
    times: list[float] = []
    for i in range(n):
        t = start + i * span / n
        times.append(t)
        if t >= end:
            break
    return times


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
