"""Demand response: substitution and thrifting that grow while a shortage or a high price
persists.

Every `check_days` while active, each covered target is in a spell if (trigger `shortage`) a
buyer ran out or had unmet demand since the last check, or a plant's input stock is empty; or
(trigger `price`) the market index of the commodity in the target's country is above
`price_above`. Once a spell has lasted `lag_days`, the substituted share grows by
`rate_per_year` per year (up to `max_share`); in a check outside a spell the spell ends and the
share shrinks by `decay_per_year` per year. A buyer's demand is multiplied by (1 − share), this
policy's factor among the point's demand modifiers; with `recipes:` a plant's use of each
covered input per unit made is (this policy's factor) — thrift, e.g. less Dy/Tb per magnet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.node import EPS
from sim.model.policies.periodic import Periodic
from sim.scenario.policies.demand_response import DemandResponse as DemandResponseSpec

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.facility import Facility
    from sim.model.network import Network

Key = tuple[str, str]  # (node id, commodity)


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
        self.trigger = spec.trigger
        self.price_above = v(spec.price_above, f"{path}.price_above")
        wanted = spec.commodities
        self.points: list[DemandPoint] = []
        self.inputs: list[tuple[Facility, str]] = []
        if spec.recipes is None:
            self.points = [
                point
                for bid, buyer in network.buyers.items()
                if spec.buyers is None or bid in spec.buyers
                for c, point in buyer.points.items()
                if wanted is None or c in wanted
            ]
        else:
            self.inputs = [
                (fac, c)
                for fac in (network.facilities[f] for f in spec.recipes)
                for c in fac.base_inputs
                if wanted is None or c in wanted
            ]
        keys = [(p.buyer.id, p.commodity) for p in self.points]
        keys += [(f.id, c) for f, c in self.inputs]
        self.share = dict.fromkeys(keys, 0.0)  # substituted share
        self.seen = dict.fromkeys(keys, 0.0)  # cumulative shortage at the last check
        self.spell_start: dict[Key, float | None] = dict.fromkeys(keys)

    def describe(self) -> str:
        if self.inputs:
            return f"thrift of {len(self.inputs)} recipe inputs"
        return f"demand response on {len(self.points)} demand points"

    def _priced_high(self, commodity: str, country: str) -> bool:
        market = self.network.market
        return market is not None and market.index(commodity, country) > self.price_above

    def _point_in_spell(self, point: DemandPoint, now: float) -> bool:
        if self.trigger == "price":
            return self._priced_high(point.commodity, point.buyer.country)
        key = (point.buyer.id, point.commodity)
        point.advance(now)
        short = point.cum_shortage > self.seen[key] + EPS or (
            point.rate > 0 and point.stock.level <= EPS
        )
        self.seen[key] = point.cum_shortage
        return short

    def _input_in_spell(self, fac: Facility, commodity: str) -> bool:
        if self.trigger == "price":
            return self._priced_high(commodity, fac.country)
        return fac.stock(commodity).level <= EPS

    def check(self) -> None:
        now = self.network.ctx.now
        for point in self.points:
            key = (point.buyer.id, point.commodity)
            self._advance(key, self._point_in_spell(point, now), now)
        for fac, c in self.inputs:
            self._advance((fac.id, c), self._input_in_spell(fac, c), now)

    def _advance(self, key: Key, spell: bool, now: float) -> None:
        step = self.check_days / 365.0
        old = self.share[key]
        if spell:
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
            self._set(key, new, old)

    def _set(self, key: Key, share: float, old: float) -> None:
        ctx = self.network.ctx
        self.share[key] = share
        node_id, commodity = key
        if node_id in self.network.buyers:
            point = self.network.buyers[node_id].points[commodity]
            point.set_modifier(self.id, 1.0 - share, ctx.now)
        else:
            self.network.facilities[node_id].set_input_factor(self.id, commodity, 1.0 - share)
        if old == 0.0:
            ctx.recorder.event(ctx.now, "demand_response_start", node_id, commodity)
        elif share == 0.0:
            ctx.recorder.event(ctx.now, "demand_response_end", node_id, commodity)

    def deactivate(self) -> None:
        super().deactivate()
        for key, share in list(self.share.items()):
            if share > 0:
                self._set(key, 0.0, share)
