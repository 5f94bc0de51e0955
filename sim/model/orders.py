"""Orders placed by a node with a supplier, and the shipments that fill them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappush
from typing import TYPE_CHECKING, Any

from simpy.events import NORMAL, Event

from sim.model.stock import Origin

if TYPE_CHECKING:
    from simpy import Environment

    from sim.model.node import Node


@dataclass(eq=False, slots=True)
class Order:
    """An order still (partly) open at the supplier; `remaining` shrinks as shipments leave."""

    buyer: Node
    supplier: Node
    commodity: str
    quantity: float
    placed: float
    remaining: float = field(init=False)

    def __post_init__(self) -> None:
        self.remaining = self.quantity


@dataclass(eq=False, slots=True)
class Shipment:
    """Material on its way from `supplier` to `buyer`."""

    supplier: Node
    buyer: Node
    commodity: str
    quantity: float
    origin: Origin
    departed: float
    arrival: float = 0.0
    cleared: set[str] = field(default_factory=set)  # policies that let it pass the dispatch step
    paced: bool = True  # leaves in daily loads over the buyer's `delivery_days` (an order's fill)


class Load(Event):
    """Material of one shipment (all of it, or one of its loads) in transit on a lane.

    A load is its own SimPy event, born triggered like a timeout and processed when it lands
    (`on_landing` is called with it); one object per load instead of a shipment and a timeout.
    `whole` is the shipment when the load is all of it (the lane then counts the shipment in
    transit, not the load)."""

    _ok = True  # triggered successfully from the start, as a timeout
    _value = None
    whole: Shipment | None = None

    def __init__(
        self,
        env: Environment,
        shipment: Shipment,
        quantity: float,
        arrival: float,
        on_landing: tuple[Callable[[Any], None], ...],
    ) -> None:
        self.env = env
        self.callbacks = on_landing  # type: ignore[assignment]  # shared, never appended to
        self.shipment = shipment
        self.commodity = shipment.commodity
        self.origin = shipment.origin
        self.quantity = quantity
        self.arrival = arrival
        now = env._now  # env.schedule(self, delay=arrival - env.now), without the two calls
        heappush(env._queue, (now + (arrival - now), NORMAL, next(env._eid), self))

    @property
    def buyer(self) -> Node:
        """Where the load goes."""
        return self.shipment.buyer
