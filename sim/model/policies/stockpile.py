"""Stockpiles: a stock held by a country, released to eligible buyers in priority order.

The stock is a node of its own (`Depot`, id = the policy id) in the holder's country, so its
releases travel on lanes and its books are checked like any other. The stock is the material
held (e.g. Dy/Tb oxide): eligible are buyers with a demand for it or facilities that use it as
an input (magnet makers), whose use is their input need at current capacity. Every
`check_days` while active, each eligible node in order that is triggered (cover below
`trigger_cover_days`, or for a buyer a shortage since the last check) gets up to its need
(`target_cover_days` of use minus stock and releases on their way), within what is left of `max_release_t_per_day × check_days` and of
the stock. Refill orders go to the refill suppliers up to `size_t`, at most `rate_t_per_year`,
always or only at checks where no eligible buyer is triggered (`when_calm`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.buyer import Buyer
from sim.model.facility import Facility
from sim.model.node import EPS, Node
from sim.model.ordering import OrderingRule
from sim.model.policies.periodic import Deliveries, Periodic
from sim.scenario.policies.stockpile import Stockpile as StockpileSpec

if TYPE_CHECKING:
    from sim.model.network import Network


class Depot(Node):
    """A stock that only ships when a policy releases it; it reviews (refills) every
    `check_days` up to its size, like a base-stock rule."""

    kind = "stockpile"

    def __init__(
        self, network: Network, node_id: str, country: str, size: float, check_days: float
    ) -> None:
        super().__init__(network, node_id, country)
        self.ordering = OrderingRule("base_stock", review_days=check_days, level_t=size)


class Stockpile(Periodic):
    policy_type = "stockpile"

    def __init__(self, network: Network, spec: StockpileSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.spec = spec
        v, path = network.params.value, f"policies.{spec.id}"
        self.commodity = spec.commodity
        self.size = v(spec.size_t, f"{path}.size_t")
        self.trigger = v(spec.trigger_cover_days, f"{path}.trigger_cover_days")
        self.target = v(spec.target_cover_days, f"{path}.target_cover_days")
        self.max_rate = v(spec.max_release_t_per_day, f"{path}.max_release_t_per_day")
        self.check_days = v(spec.check_days, f"{path}.check_days")
        self.depot = Depot(network, spec.id, spec.holder, self.size, self.check_days)
        stock = self.depot.stock(spec.commodity)
        stock.level = stock.initial = self.size
        origin = spec.origin or {spec.holder: 1.0}
        stock.origin = {k: w / sum(origin.values()) for k, w in origin.items()}
        network.nodes[spec.id] = self.depot
        self.refill_rate = 0.0
        if spec.refill is not None:
            self.refill_rate = v(spec.refill.rate_t_per_year, f"{path}.refill.rate_t_per_year")
            network.link_sourcing(self.depot, spec.commodity, spec.refill.sourcing)
        self.eligible: list[Node] = [network.nodes[b] for b in spec.eligible]
        self.deliveries = Deliveries(network)
        self.short_seen: dict[str, float] = {}

    def describe(self) -> str:
        return f"stockpile of {self.commodity} held by {self.spec.holder}"

    def _use(self, node: Node) -> tuple[float, float]:
        """(use per day, stock + releases on their way) of the commodity at `node` now."""
        c = self.commodity
        on_way = self.deliveries.pending(node, c)
        if isinstance(node, Buyer):
            point = node.points[c]
            point.advance(self.network.ctx.now)
            return point.rate, max(point.stock.level, 0.0) + on_way
        assert isinstance(node, Facility)
        now = self.network.ctx.now
        rate = node.activity_per_day * node.capacity_factor(now) * node.inputs[c]
        return rate, max(node.stock(c).level, 0.0) + on_way

    def _triggered(self, node: Node, rate: float, have: float) -> bool:
        if self.spec.trigger == "cover" or not isinstance(node, Buyer):
            return rate > 0 and have / rate < self.trigger
        point = node.points[self.commodity]
        seen = self.short_seen.get(node.id, 0.0)
        self.short_seen[node.id] = point.cum_shortage
        return point.cum_shortage > seen + EPS

    def check(self) -> None:
        ctx = self.network.ctx
        c = self.commodity
        stock = self.depot.stock(c)
        budget = self.max_rate * self.check_days
        triggered = False
        for node in self.eligible:
            rate, have = self._use(node)
            if not self._triggered(node, rate, have):
                continue
            triggered = True
            qty = min(max(0.0, self.target * rate - have), budget, stock.level)
            if qty <= EPS:
                continue
            sent = self.deliveries.send(self.depot, node, c, qty)
            budget -= sent
            if sent > 0:
                ctx.recorder.event(ctx.now, "stock_release", self.id, f"{node.id} {c} {sent:.6g} t")
        self._refill(triggered)

    def _refill(self, triggered: bool) -> None:
        spec = self.spec.refill
        if spec is None or spec.rule == "none" or (spec.rule == "when_calm" and triggered):
            return
        c = self.commodity
        self.depot.check_suppliers(self.depot.sourcing[c])
        gap = self.size - self.depot.position(c)
        qty = min(gap, self.refill_rate * self.check_days / 365.0)
        if qty > EPS:
            self.depot.place_orders(c, qty)
