"""Demand response: substitution and thrifting that grow while a shortage persists.

Every `check_days` while active, each covered demand point is short if it ran out or had unmet
demand since the last check. Once a shortage spell has lasted `lag_days`, the substituted share
of demand grows by `rate_per_year` per year (up to `max_share`); in a check without shortage the
spell ends and the share shrinks by `decay_per_year` per year. Demand is multiplied by
(1 − share) through the point's `response` factor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.node import EPS
from sim.model.policies.periodic import Periodic
from sim.scenario.schema import DemandResponse as DemandResponseSpec

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.network import Network


class DemandResponse(Periodic):
    policy_type = "demand_response"
    modifies_demand = True

    def __init__(self, network: Network, spec: DemandResponseSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        v, path = network.params.value, f"policies.{spec.id}"
        self.lag = v(spec.lag_days, f"{path}.lag_days")
        self.rate = v(spec.rate_per_year, f"{path}.rate_per_year")
        self.max_share = v(spec.max_share, f"{path}.max_share")
        self.decay = v(spec.decay_per_year, f"{path}.decay_per_year")
        self.check_days = v(spec.check_days, f"{path}.check_days")
        self.points: list[DemandPoint] = [
            point
            for bid, buyer in network.buyers.items()
            if spec.buyers is None or bid in spec.buyers
            for c, point in buyer.points.items()
            if spec.commodities is None or c in spec.commodities
        ]
        keys = [self._key(p) for p in self.points]
        self.share = dict.fromkeys(keys, 0.0)  # substituted share of demand
        self.seen = dict.fromkeys(keys, 0.0)  # cumulative shortage at the last check
        self.spell_start: dict[tuple[str, str], float | None] = dict.fromkeys(keys)

    @staticmethod
    def _key(point: DemandPoint) -> tuple[str, str]:
        return (point.buyer.id, point.commodity)

    def describe(self) -> str:
        return f"demand response on {len(self.points)} demand points"

    def check(self) -> None:
        now = self.network.ctx.now
        step = self.check_days / 365.0
        for point in self.points:
            key = self._key(point)
            point.advance(now)
            short = point.cum_shortage > self.seen[key] + EPS or (
                point.rate > 0 and point.stock.level <= EPS
            )
            self.seen[key] = point.cum_shortage
            old = self.share[key]
            if short:
                if self.spell_start[key] is None:
                    self.spell_start[key] = now
                start = self.spell_start[key]
                assert start is not None
                new = old
                if now - start >= self.lag:
                    new = min(self.max_share, old + self.rate * step)
            else:
                self.spell_start[key] = None
                new = max(0.0, old - self.decay * step)
            if new != old:
                self._set(point, new, old)

    def _set(self, point: DemandPoint, share: float, old: float) -> None:
        ctx = self.network.ctx
        self.share[self._key(point)] = share
        point.response = 1.0 - share
        point.set_rate(ctx.now)
        if old == 0.0:
            ctx.recorder.event(ctx.now, "demand_response_start", point.buyer.id, point.commodity)
        elif share == 0.0:
            ctx.recorder.event(ctx.now, "demand_response_end", point.buyer.id, point.commodity)

    def deactivate(self) -> None:
        super().deactivate()
        for point in self.points:
            if self.share[self._key(point)] > 0:
                self._set(point, 0.0, self.share[self._key(point)])
