"""Shipments held by policies between their supplier and their lane (e.g. a licence queue).

A held shipment has left the supplier's stock and still counts as on order at its buyer, like
material in transit. It ends up either released to its lane or returned to the supplier's stock
(the buyer's order for it is then void). The books are checked by `sim.model.balance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.orders import Shipment


class Custody:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.held: dict[Shipment, str] = {}  # shipment -> id of the holding policy, in order
        self.since: dict[Shipment, float] = {}  # shipment -> time it was taken into custody
        self.intercepted = 0.0
        self.released = 0.0
        self.returned: dict[tuple[str, str], float] = {}  # (supplier id, commodity) -> t

    def hold(self, shipment: Shipment, policy_id: str) -> None:
        self.held[shipment] = policy_id
        self.since[shipment] = self.network.ctx.env.now
        self.intercepted += shipment.quantity

    def held_by(self, policy_id: str) -> list[Shipment]:
        return [s for s, p in self.held.items() if p == policy_id]

    def release(self, shipment: Shipment) -> None:
        """The holding policy lets the shipment go: it continues through the dispatch step."""
        policy_id = self.held.pop(shipment)
        del self.since[shipment]
        self.released += shipment.quantity
        shipment.cleared.add(policy_id)
        self.network.ship(shipment)

    def give_back(self, shipment: Shipment) -> None:
        """The shipment is cancelled: its material returns to the supplier's stock and leaves
        the buyer's on-order book; the supplier then serves its other orders."""
        del self.held[shipment]
        del self.since[shipment]
        supplier, c, q = shipment.supplier, shipment.commodity, shipment.quantity
        supplier.stock(c).receive(q, shipment.origin)
        shipment.buyer.on_order[c] = shipment.buyer.on_order.get(c, 0.0) - q
        key = (supplier.id, c)
        self.returned[key] = self.returned.get(key, 0.0) + q
        supplier.fill(c)

    def held_for(self, buyer: object, commodity: str) -> list[tuple[Shipment, float]]:
        """Shipments to `buyer` of `commodity` now held, with the time each was taken."""
        return [
            (s, t) for s, t in self.since.items() if s.buyer is buyer and s.commodity == commodity
        ]

    def held_qty(self) -> float:
        return sum(s.quantity for s in self.held)
