"""The scarcity price index, stepped one day at a time: shared by the post-run `price_index`
column (`sim.model.price_index`) and the running feed that price-response policies read.

log(index) = s + q, both starting in equilibrium (s = 0, q at its first day's target):
- scarcity s tends to f·log(`shortage_multiple`), f being the day's shortfall fraction, rising
  with time constant `rise_days` and falling with half-life `half_life_days`;
- premium q tends to c·log(`controlled_premium`), c being the share of the day an export control
  covers the commodity into the country, with time constant `premium_days`.
Each day is integrated exactly with its inputs held constant; the index is the end-of-day value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.network import Network
    from sim.model.policies.export_control import ExportControl


@dataclass(frozen=True)
class IndexTerms:
    """Parameters of the index in one replication."""

    multiple: float
    rise_days: float
    half_life: float
    premium: float
    premium_days: float

    @classmethod
    def draw(cls, network: Network) -> IndexTerms:
        """The scenario's `prices:` values, drawn for this replication (draw once per run)."""
        spec = network.scenario.prices
        assert spec is not None
        v = network.params.value
        return cls(
            multiple=v(spec.shortage_multiple, "prices.shortage_multiple"),
            rise_days=v(spec.rise_days, "prices.rise_days"),
            half_life=v(spec.half_life_days, "prices.half_life_days"),
            premium=v(spec.controlled_premium, "prices.controlled_premium"),
            premium_days=v(spec.premium_days, "prices.premium_days"),
        )


def index_terms(network: Network) -> IndexTerms:
    """The terms of the running feed if there is one (already drawn), else drawn now."""
    feed = network.price_feed
    return feed.terms if feed is not None else IndexTerms.draw(network)


class ScarcityIndex:
    """One index (one commodity into one country), advanced a day at a time."""

    def __init__(self, terms: IndexTerms) -> None:
        self.up = math.exp(-1.0 / terms.rise_days)
        self.down = math.exp(-math.log(2.0) / terms.half_life)
        self.keep_q = math.exp(-1.0 / terms.premium_days)
        self.top_s, self.top_q = math.log(terms.multiple), math.log(terms.premium)
        self.s = 0.0
        self.q: float | None = None  # set in equilibrium on the first day
        self.value = 1.0

    def step(self, f: float, c: float) -> float:
        """End-of-day index after a day with shortfall fraction `f` and controlled share `c`."""
        if self.q is None:
            self.q = self.top_q * c
        target = self.top_s * f
        self.s = target + (self.s - target) * (self.up if target > self.s else self.down)
        target = self.top_q * c
        self.q = target + (self.q - target) * self.keep_q
        self.value = math.exp(self.s + self.q)
        return self.value


def controls_into(network: Network, commodity: str, buyers: list[str]) -> list[ExportControl]:
    """Export controls covering `commodity` into any of these buyers outside the exporter."""
    # imported here: the policies package imports this module (price responses read the feed)
    from sim.model.policies.export_control import ExportControl, to_destination

    nodes = [network.buyers[b] for b in buyers]
    return [
        p
        for p in network.policies
        if isinstance(p, ExportControl)
        and commodity in p.covered
        and any(n.country != p.exporter and to_destination(p.spec, n) for n in nodes)
    ]


def covered(controls: list[ExportControl], edges: np.ndarray, until: float) -> np.ndarray:
    """Share of each interval [edges[i], edges[i+1]) the controls were in force (a span still
    open counts until `until`)."""
    share = np.zeros(len(edges) - 1)
    for p in controls:
        for on, off in p.spans:
            assert on is not None
            end = until if off is None else off
            share += np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], on), 0, 1)
    return np.minimum(share, 1.0)


class _Group:
    """The demand points of one commodity in one country, and their index."""

    def __init__(self, points: list[DemandPoint], terms: IndexTerms) -> None:
        self.points = points
        self.index = ScarcityIndex(terms)
        self.seen = [(0.0, 0.0) for _ in points]  # cumulative demand, shortage at the last step
        self.controls: list[ExportControl] = []
        self.history: list[float] = []

    def step(self, now: float) -> None:
        demand = short = 0.0
        for i, point in enumerate(self.points):
            point.advance(now)
            d0, s0 = self.seen[i]
            demand += point.cum_demand - d0
            short += point.cum_shortage - s0
            self.seen[i] = (point.cum_demand, point.cum_shortage)
        f = min(short / demand, 1.0) if demand > 0 else 0.0
        c = float(covered(self.controls, np.array([now - 1.0, now]), now)[0])
        self.history.append(self.index.step(f, c))


class PriceFeed:
    """The index of the commodity × country pairs some policy reads, stepped at the end of
    every day of the run with the same formula and inputs as the post-run `price_index` column.
    One per network (`PriceFeed.of`); listeners are called after each day's step."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.terms = IndexTerms.draw(network)
        self.groups: dict[tuple[str, str], _Group] = {}
        self.listeners: list[Callable[[], None]] = []
        self.started = False

    @classmethod
    def of(cls, network: Network) -> PriceFeed:
        if network.price_feed is None:
            network.price_feed = cls(network)
        return network.price_feed

    def track(self, commodity: str, country: str) -> None:
        """Keep the index of `commodity` into `country` (all its buyers of the commodity)."""
        if (commodity, country) not in self.groups:
            points = [
                b.points[commodity]
                for b in self.network.buyers.values()
                if b.country == country and commodity in b.points
            ]
            self.groups[(commodity, country)] = _Group(points, self.terms)

    def index(self, commodity: str, country: str) -> float:
        """The index at the end of the last whole day (1 before the first day ends)."""
        return self.groups[(commodity, country)].index.value

    def start(self) -> None:
        """Start stepping (once, when policies are scheduled: all of them exist by then)."""
        if self.started:
            return
        self.started = True
        for (commodity, _), g in self.groups.items():
            g.controls = controls_into(self.network, commodity, [p.buyer.id for p in g.points])
        self.network.ctx.env.process(self._loop())

    def _loop(self) -> Generator[Any, Any, None]:
        env = self.network.ctx.env
        while True:
            yield env.timeout(1.0)
            now = float(env.now)
            for g in self.groups.values():
                g.step(now)
            for listener in self.listeners:
                listener()
