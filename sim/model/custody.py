"""Shipments held by policies between their supplier and their lane (e.g. a licence queue).

A held shipment has left the supplier's stock and still counts as on order at its buyer, like
material in transit. It ends up either released to its lane or withdrawn: its material goes back
to the supplier's stock and the buyer's order for it is void (`Node.withdraw`) — never both.
The books are checked by `sim.model.balance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.orders import Shipment


class Custody:
    """Every shipment a policy holds, indexed by holding policy and by buyer and commodity."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.held: dict[Shipment, str] = {}  # shipment -> id of the holding policy, in order
        self.since: dict[Shipment, float] = {}  # shipment -> time it was taken into custody
        # (buyer, commodity) -> {shipment: time the buyer expects it}, for the buyer's queries
        self._by_buyer: dict[tuple[Node, str], dict[Shipment, float]] = {}
        self.intercepted = 0.0
        self.released = 0.0
        self.returned: dict[tuple[str, str], float] = {}  # (supplier id, commodity) -> t

    def hold(self, shipment: Shipment, policy_id: str, due: float | None = None) -> None:
        """Take `shipment` into custody for the policy `policy_id`; `due` is when its buyer
        expects it to be let go (e.g. after the statutory review time; default now)."""
        now = self.network.ctx.env.now
        self.held[shipment] = policy_id
        self.since[shipment] = now
        expected = now if due is None else due
        self._by_buyer.setdefault((shipment.buyer, shipment.commodity), {})[shipment] = expected
        self.intercepted += shipment.quantity

    def held_by(self, policy_id: str) -> list[Shipment]:
        """Shipments the policy `policy_id` holds, in the order it took them."""
        return [s for s, p in self.held.items() if p == policy_id]

    def _drop(self, shipment: Shipment) -> str:
        policy_id = self.held.pop(shipment)
        del self.since[shipment]
        del self._by_buyer[(shipment.buyer, shipment.commodity)][shipment]
        return policy_id

    def release(self, shipment: Shipment) -> None:
        """The holding policy lets the shipment go: it continues through the dispatch step."""
        policy_id = self._drop(shipment)
        self.released += shipment.quantity
        shipment.cleared.add(policy_id)
        self.network.ship(shipment)

    def give_back(self, shipment: Shipment, *, refill: bool = True) -> None:
        """The shipment is withdrawn: its material returns to the supplier's stock and the
        buyer's order for it is void; the supplier then serves its other orders (with
        `refill=False` the caller fills once after giving back several shipments, so returned
        material is not re-shipped in slivers, one fill per shipment)."""
        self._drop(shipment)
        supplier, c, q = shipment.supplier, shipment.commodity, shipment.quantity
        supplier.stock(c).receive(q, shipment.origin)
        shipment.buyer.withdraw(c, q)
        key = (supplier.id, c)
        self.returned[key] = self.returned.get(key, 0.0) + q
        if refill:
            supplier.fill(c)

    def held_for(self, buyer: Node, commodity: str) -> list[tuple[Shipment, float]]:
        """Shipments to `buyer` of `commodity` now held, with the time the buyer expects each
        to be let go."""
        held = self._by_buyer.get((buyer, commodity))
        return list(held.items()) if held else []

    def held_qty(self) -> float:
        """Tonnes held now."""
        return sum(s.quantity for s in self.held)
