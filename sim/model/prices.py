"""The price law: an index per commodity and region, stepped one day at a time by the market
(`sim.model.market`), whose USD/kg price is the reference price times the index.

log(index) = s + q, both starting in equilibrium (s = 0, q at its first day's target):
- scarcity s tends to f·log(`shortage_multiple`), f being the day's unmet-demand fraction (the
  market passes the larger of the buyers' shortfall and the unmet order share no control
  explains), rising with time
  constant `rise_days` and falling with half-life `half_life_days`; where the region lost a
  share L of its capacity to make the commodity (feed cut off, outage), the target is at least
  −φ·log(1 − L), φ = `capacity_loss_flexibility` — the constant-elasticity price (1 − L)^−φ at
  which demand falls to the capacity left — and at most log(`shortage_multiple`);
- premium q tends to c·u·log(`controlled_premium`), c being the share of the day an export
  control covers the commodity into the region (0 in the exporter's own country) and u the unmet
  share of the region's orders, rising with time constant `premium_days` and falling with
  half-life `premium_half_life_days`.
Each day is integrated exactly with its inputs held constant (a first-order law): towards a
higher target x ← x* + (x − x*)·exp(−1/τ), towards a lower one x ← x* + (x − x*)·2^(−1/h). The
index is the end-of-day value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.policies.export_control import ExportControl, to_destination

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node


@dataclass(frozen=True)
class IndexTerms:
    """Parameters of the price law in one replication."""

    multiple: float
    rise_days: float
    half_life: float
    premium: float
    premium_days: float
    premium_half_life: float
    unmet_after: float
    unmet_window: float
    flexibility: float = 0.0

    @classmethod
    def draw(cls, network: Network) -> IndexTerms:
        """The scenario's `prices:` values, drawn for this replication (draw once per run)."""
        spec = network.scenario.prices
        assert spec is not None
        v = network.params.value
        premium_days = v(spec.premium_days, "prices.premium_days")
        return cls(
            multiple=v(spec.shortage_multiple, "prices.shortage_multiple"),
            rise_days=v(spec.rise_days, "prices.rise_days"),
            half_life=v(spec.half_life_days, "prices.half_life_days"),
            premium=v(spec.controlled_premium, "prices.controlled_premium"),
            premium_days=premium_days,
            premium_half_life=v(
                spec.premium_half_life_days,
                "prices.premium_half_life_days",
                premium_days * math.log(2.0),
            ),
            unmet_after=v(spec.unmet_after_days, "prices.unmet_after_days"),
            unmet_window=v(spec.unmet_window_days, "prices.unmet_window_days"),
            flexibility=v(spec.capacity_loss_flexibility, "prices.capacity_loss_flexibility"),
        )


def _relax(x: float, target: float, rise: float, fall: float) -> float:
    """One day of the first-order law: keep factor `rise` towards a higher target, `fall`
    towards a lower one."""
    return target + (x - target) * (rise if target > x else fall)


class ScarcityIndex:
    """One index (one commodity in one region), advanced a day at a time."""

    def __init__(self, terms: IndexTerms) -> None:
        half = math.log(2.0)
        self.up = math.exp(-1.0 / terms.rise_days)
        self.down = math.exp(-half / terms.half_life)
        self.q_up = math.exp(-1.0 / terms.premium_days)
        self.q_down = math.exp(-half / terms.premium_half_life)
        self.top_s, self.top_q = math.log(terms.multiple), math.log(terms.premium)
        self.flexibility = terms.flexibility
        self.s = 0.0
        self.q: float | None = None  # set in equilibrium on the first day
        self.value = 1.0

    def step(self, f: float, c: float, u: float = 1.0, loss: float = 0.0) -> float:
        """End-of-day index after a day with unmet-demand fraction `f`, controlled share `c`,
        unmet order share `u` and share `loss` of the region's capacity lost."""
        target = self.top_q * c * u
        if self.q is None:
            self.q = target
        scarce = self.top_s * f
        if loss > 0.0 and self.flexibility > 0.0:
            lost = self.top_s if loss >= 1.0 else -self.flexibility * math.log1p(-loss)
            scarce = max(scarce, min(lost, self.top_s))
        self.s = _relax(self.s, scarce, self.up, self.down)
        self.q = _relax(self.q, target, self.q_up, self.q_down)
        self.value = math.exp(self.s + self.q)
        return self.value


def controls_into(network: Network, commodity: str, nodes: list[Node]) -> list[ExportControl]:
    """Export controls covering `commodity` into any of these nodes outside the exporter."""
    return [
        p
        for p in network.policies
        if isinstance(p, ExportControl)
        and commodity in p.covered
        and any(n.country != p.exporter and to_destination(p.spec, n) for n in nodes)
    ]


def covered_day(controls: list[ExportControl], now: float) -> float:
    """Share of the day [now − 1, now) the controls were in force (as `covered`, one day)."""
    share = 0.0
    for p in controls:
        for on, off in p.spans:
            assert on is not None
            end = now if off is None else off
            share += min(max(min(now, end) - max(now - 1.0, on), 0.0), 1.0)
    return min(share, 1.0)
