"""Policies that look at the network every few days while active, and the shipments they send."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.model.node import EPS
from sim.model.policies.base import PolicyRuntime

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.orders import Shipment


class Periodic(PolicyRuntime):
    """Calls `check()` when it becomes active and every `check_days` after, while active."""

    check_days = 7.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._run = 0

    def activate(self) -> None:
        self._run += 1
        self.network.ctx.env.process(self._loop(self._run))

    def deactivate(self) -> None:
        self._run += 1

    def _loop(self, run: int) -> Generator[Any, Any, None]:
        env = self.network.ctx.env
        while run == self._run:
            self.check()
            yield env.timeout(self.check_days)

    def check(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class Deliveries:
    """Unsolicited shipments sent by one policy, to know what is still on its way."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.sent: list[Shipment] = []

    def send(self, supplier: Node, buyer: Node, commodity: str, qty: float) -> float:
        """Ship up to `qty` t now, as far as active export controls allow; returns the t sent."""
        qty = min(qty, self.network.allowance(supplier, buyer, commodity))
        if qty <= EPS:
            return 0.0
        self.sent.append(self.network.deliver(supplier, buyer, commodity, qty))
        return qty

    def pending(self, buyer: Node, commodity: str) -> float:
        """Tonnes sent to `buyer` not yet arrived (in transit or held at a border)."""
        net = self.network
        still = []
        for s in self.sent:
            lane = net.lanes.get((s.supplier.id, s.buyer.id))
            if s in net.custody.held or (lane is not None and s in lane.in_transit):
                still.append(s)
        self.sent = still
        return sum(s.quantity for s in still if s.buyer is buyer and s.commodity == commodity)


def cover_days(point: DemandPoint, extra: float = 0.0) -> float:
    """Days the stock (plus `extra` t) lasts at the current rate (inf when no demand)."""
    point.advance(point.buyer.network.ctx.now)
    level = max(point.stock.level, 0.0) + extra
    return level / point.rate if point.rate > 0 else float("inf")
