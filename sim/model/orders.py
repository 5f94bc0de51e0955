"""Orders placed by a node with a supplier, and the shipments that fill them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model.stock import Origin

if TYPE_CHECKING:
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
