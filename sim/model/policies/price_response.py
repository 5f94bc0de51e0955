"""Price response: demand that follows the scarcity price index of the buyer's country.

At the end of every day (after the market is stepped, `sim.model.market.Market`) each
covered demand point's multiplier m relaxes towards the target m* = max(floor, index^−ε) over
the time since the last update: m ← m* + (m − m*)·exp(−Δt / adjust_days). Under a constant
index, m(t) = m* + (1 − m*)·exp(−t / adjust_days) from activation. Demand is multiplied by m
(by the product of every price response covering the point); when the policy ends m returns
to 1 at once. While an export control leaves the region's orders waiting, the market counts the
demand held back as unmet (`sim.model.market`), so the index that holds demand down to a
binding quota does not fall because demand fell. Events: `price_response_start` when demand is cut
by more than `THRESHOLD`, `price_response_end` when the cut falls back below it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.scenario.policies.price_response import PriceResponse as PriceResponseSpec

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.network import Network

#: Cut of demand (1 − multiplier) above which the response counts as on, for the event log.
THRESHOLD = 0.01


class PriceResponse(PolicyRuntime):
    policy_type = "price_response"
    modifies_demand = True

    def __init__(self, network: Network, spec: PriceResponseSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        v, path = network.params.value, f"policies.{spec.id}"
        self.elasticity = v(spec.elasticity, f"{path}.elasticity")
        self.adjust = v(spec.adjust_days, f"{path}.adjust_days")
        self.floor = v(spec.floor, f"{path}.floor")
        prices = network.scenario.prices
        assert prices is not None  # checked with the scenario's references
        self.points: list[DemandPoint] = [
            point
            for bid, buyer in network.buyers.items()
            if spec.buyers is None or bid in spec.buyers
            for c, point in buyer.points.items()
            if (spec.commodities is None or c in spec.commodities)
            and (prices.commodities is None or c in prices.commodities)
        ]
        market = network.market
        assert market is not None  # a `prices:` section, checked with the references
        self.market = market
        market.listeners.append(self.update)
        self.multiplier = dict.fromkeys(self.points, 1.0)
        self.last = 0.0

    def describe(self) -> str:
        return f"price response on {len(self.points)} demand points"

    def target(self, point: DemandPoint) -> float:
        """Multiplier demand tends to at the current index."""
        index = self.market.index(point.commodity, point.buyer.country)
        return max(self.floor, float(index**-self.elasticity))

    def activate(self) -> None:
        self.last = self.network.ctx.now

    def update(self) -> None:
        """Relax every multiplier towards its target over the time since the last update."""
        if not self.active:
            return
        now = self.network.ctx.now
        keep = math.exp(-(now - self.last) / self.adjust)
        self.last = now
        for point in self.points:
            goal = self.target(point)
            self._set(point, goal + (self.multiplier[point] - goal) * keep)

    def deactivate(self) -> None:
        for point in self.points:
            self._set(point, 1.0)

    def _set(self, point: DemandPoint, value: float) -> None:
        old = self.multiplier[point]
        if value == old:
            return
        ctx = self.network.ctx
        self.multiplier[point] = value
        point.set_modifier(self.id, value, ctx.now, by_price=True)
        was, now_on = 1.0 - old > THRESHOLD, 1.0 - value > THRESHOLD
        if now_on and not was:
            ctx.recorder.event(ctx.now, "price_response_start", point.buyer.id, point.commodity)
        elif was and not now_on:
            ctx.recorder.event(ctx.now, "price_response_end", point.buyer.id, point.commodity)
