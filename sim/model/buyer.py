"""Buyers: demand consumed continuously between events, accounted in closed form.

A demand point (one buyer, one commodity) only wakes for its reviews, demand changes and
arrivals. Between two such events the rate is constant, so consumption and shortage are exact:
stock falls linearly until it runs out (that instant is recorded as a breakpoint), after which
unmet demand accrues as shortage (lost production).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.engine.recorder import Rows, Trace
from sim.model.node import Node
from sim.model.ordering import OrderingRule
from sim.model.orders import Load
from sim.model.stock import Stock, blend

if TYPE_CHECKING:
    from sim.model.network import Network

TRACE_FIELDS = ("time", "cum_demand", "cum_shortage", "level")
NOISE_BLOCK = 64


class DemandPoint:
    """One buyer's need for one commodity."""

    def __init__(
        self,
        buyer: Buyer,
        commodity: str,
        *,
        rate_per_day: float,
        growth_per_year: float,
        noise_cv: float,
        noise_period: float,
        rng: np.random.Generator,
    ) -> None:
        self.buyer = buyer
        self.commodity = commodity
        self.base_rate = rate_per_day
        self.growth = growth_per_year
        self.noise_cv = noise_cv
        self.noise_period = noise_period
        self.rng = rng
        self.noise = 1.0
        self._normals: list[float] = []  # the next standard normals of `rng`, last first
        # demand noise redrawn at the buyer's reviews (no process of its own) when the two
        # periods coincide: the same draws at the same instants, one event fewer per period
        self.noise_with_review = False
        # demand multiplier of each policy that modifies this point, by policy id (absent: 1)
        self.modifiers: dict[str, float] = {}
        self.modifier = 1.0  # their product
        # the product of the factors of the policies that follow a price (price response):
        # demand this point would have at the reference price is its demand ÷ this
        self.price_factor = 1.0
        self.by_price: set[str] = set()
        self.rate = rate_per_day
        self.last = 0.0
        self.cum_demand = 0.0
        self.cum_shortage = 0.0
        self.arrivals = Rows(2)  # (time, t) of each load received
        self.trace: Trace = buyer.network.ctx.recorder.trace(
            ("demand", buyer.id, commodity), TRACE_FIELDS
        )
        self.stock: Stock = buyer.stock(commodity)  # the buyer's stock of the commodity

    def advance(self, now: float) -> None:
        """Consume from the last event to `now` at the current rate."""
        dt = now - self.last
        if dt <= 0:
            return
        stock = self.stock
        need = self.rate * dt
        if stock.level >= need:
            stock.level -= need  # stock.consume(need), inline
            stock.consumed += need
        else:
            have = max(stock.level, 0.0)
            if have > 0:
                t_out = self.last + have / self.rate
                stock.consume(have)
                self.trace.add((t_out, self.cum_demand + have, self.cum_shortage, 0.0))
            self.cum_shortage += need - have
        self.cum_demand += need
        self.last = now
        self.trace.add((now, self.cum_demand, self.cum_shortage, stock.level))

    def set_modifier(
        self, policy_id: str, factor: float, now: float, *, by_price: bool = False
    ) -> None:
        """Set policy `policy_id`'s multiplier on this demand (1 removes it) from `now` on.

        Every demand-modifying policy (shocks, substitution and thrift, price response) goes
        through here; the demand rate is the base rate × growth × noise × the product of the
        policies' factors, so they compose whatever order they act in. `by_price`: the factor
        is demand a price holds back (the market counts it as unmet, `sim.model.market`)."""
        if factor < 0 or not math.isfinite(factor):
            raise ValueError(f"demand modifier of {policy_id} must be finite and >= 0: {factor}")
        if self.modifiers.get(policy_id, 1.0) == factor:
            return
        if factor == 1.0:
            self.modifiers.pop(policy_id, None)
        else:
            self.modifiers[policy_id] = factor
        self.modifier = math.prod(self.modifiers[k] for k in sorted(self.modifiers))
        if by_price:
            self.by_price.add(policy_id)
        if policy_id in self.by_price:
            self.price_factor = math.prod(self.modifiers.get(k, 1.0) for k in sorted(self.by_price))
        self.set_rate(now)

    def set_rate(self, now: float) -> None:
        self.advance(now)
        growth = (1.0 + self.growth) ** (now / 365.0) if self.growth else 1.0
        self.rate = max(0.0, self.base_rate * growth * self.noise * self.modifier)

    def draw_noise(self) -> None:
        """Redraw the demand noise (standard normals drawn `NOISE_BLOCK` at a time: the same
        values, in the same order, as one by one)."""
        if not self._normals:
            self._normals = self.rng.standard_normal(NOISE_BLOCK)[::-1].tolist()
        self.noise = max(0.0, 1.0 + self.noise_cv * self._normals.pop())

    def noise_process(self) -> Generator[Any, Any, None]:
        env = self.buyer.network.ctx.env
        while True:
            self.draw_noise()
            self.set_rate(env.now)
            yield env.timeout(self.noise_period)


class Buyer(Node):
    """An end user; each commodity it needs is a `DemandPoint` with its own stock."""

    kind = "buyer"

    def __init__(
        self, network: Network, node_id: str, country: str, sector: str, ordering: OrderingRule
    ) -> None:
        super().__init__(network, node_id, country)
        self.sector = sector
        self.ordering = ordering
        self.points: dict[str, DemandPoint] = {}
        self.cover_days: dict[str, float] = {}

    def use_per_day(self, commodity: str, now: float) -> float:
        """The demand rate of `commodity`, t/day (0 if the buyer has no demand for it)."""
        point = self.points.get(commodity)
        return point.rate if point is not None else 0.0

    def receive(self, load: Load) -> None:
        """A load arrives: demand accounted up to now, then stock up and on-order down."""
        c, q = load.commodity, load.quantity
        point = self.points[c]
        point.advance(self.env._now)
        stock = point.stock
        origin = load.origin  # as `stock.receive` and `book_receipt`, inline
        if origin is not stock.origin and origin != stock.origin:
            stock.origin = blend(stock.origin, stock.level, origin, q)
        stock.level += q
        stock.received += q
        self.on_order[c] -= q
        received = self.received
        received[c] = received.get(c, 0.0) + q
        last = point.last
        point.arrivals.values += (last, q)
        point.trace.rows.values += (last, point.cum_demand, point.cum_shortage, stock.level)

    def process(self) -> Generator[Any, Any, None]:
        env = self.network.ctx.env
        review = self.ordering.review_days
        while True:
            now = env.now
            for commodity, point in self.points.items():
                if point.noise_with_review:
                    point.draw_noise()
                point.set_rate(now)
                sourcing = self.sourcing[commodity]
                self.check_suppliers(sourcing)
                rule = self.ordering
                qty = rule.order_quantity(
                    self.position(commodity), point.rate, self.cover_days.get(commodity)
                )
                self.place_orders(commodity, rule.lot(qty, point.rate))
            yield env.timeout(review)

    def finish(self, horizon: float) -> None:
        for point in self.points.values():
            point.advance(horizon)
