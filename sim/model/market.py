"""The market: a price per commodity and region, stepped at the end of every day of a run.

A region is a country. Its consumers of a commodity are the buyers that demand it and the
plants whose recipe uses it. Each day the market measures, per commodity and region:
- the buyers' shortfall fraction (unmet demand ÷ demand of the day), where the demand a price
  response holds back (`sim.model.policies.price_response`: demand at the reference price ÷
  demand at the index, less demand) counts as demanded and unmet in the proportion b =
  min(1, u_c / `BINDING_SHARE`) — u_c the share of the region's orders an export control leaves
  waiting (u below, counting only orders at the control's exporter and held shipments): under
  a binding quota the price that holds demand down to the quota stays up, and it falls once
  the control no longer holds orders back (its tonnes: the `held_back_t` column of the table);
- the unmet order share u = U / (U + R): U the tonnes the consumers ordered that have waited
  more than `unmet_after_days` (still open at a supplier, or held by a policy such as a licence
  queue), R the tonnes they received over the last `unmet_window_days`;
- the share c of the day an export control covers the commodity into the region;
- the share L of the region's capacity to make the commodity that is lost: plants of the region
  making it whose feed is cut off (no supplier of an input may ship to them, or can ship at all)
  or that are out of action (outage), by capacity (only with `capacity_loss_flexibility` > 0);
and steps the price law of `sim.model.prices` with unmet-demand fraction max(shortfall, u·(1 − c))
(orders a control leaves unmet count towards the premium, not twice) and lost share L. The price in USD/kg is the commodity's
`reference_usd_per_kg` times the index. Price-response policies read the market as listeners
called after each day's step; the run's records carry the daily index of every priced pair.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.model.node import EPS
from sim.model.prices import IndexTerms, ScarcityIndex, controls_into, covered_day

if TYPE_CHECKING:
    from sim.model.buyer import DemandPoint
    from sim.model.facility import Facility
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.policies.export_control import ExportControl

#: Share of a region's orders left waiting by an export control from which all the demand a
#: price holds back there counts as unmet (below it, in proportion) [M].
BINDING_SHARE = 0.1

PRICE_COLUMNS = [
    "commodity",
    "region",
    "day",
    "index",
    "price_usd_per_kg",
    "unmet_share",
    "held_back_t",
]


class Quote:
    """The price of one commodity in one region: its consumers, inputs and daily history."""

    def __init__(
        self,
        commodity: str,
        region: str,
        points: list[DemandPoint],
        consumers: list[Node],
        terms: IndexTerms,
        reference: float,
    ) -> None:
        self.commodity = commodity
        self.region = region
        self.points = points
        self.consumers = consumers  # every node of the region that orders the commodity
        self.index = ScarcityIndex(terms)
        self.reference = reference  # USD/kg at index 1 (nan: index only)
        self.seen = [(0.0, 0.0) for _ in points]  # cumulative demand, shortage at the last step
        self.received: list[float] = []  # cumulative tonnes received by the consumers, per day
        self.controls: list[ExportControl] = []
        self.producers: list[Facility] = []  # plants of the region making the commodity
        self.nominal: dict[Facility, float] = {}  # last capacity seen outside an outage, t/day
        self.history: list[float] = []
        self.unmet_history: list[float] = []
        self.held_history: list[float] = []  # tonnes of demand a price held back, per day
        self.bound_share = 0.0  # share of the region's orders a control leaves waiting

    @property
    def price(self) -> float:
        """USD/kg at the end of the last whole day (nan without a reference price)."""
        return self.reference * self.index.value

    def shortfall(self, now: float, binding: float = 0.0) -> float:
        """Buyers' unmet demand ÷ demand since the last step (0 without buyers), the share
        `binding` of the demand price responses held back counted as demanded and unmet (its
        tonnes: `held_history`)."""
        demand = short = held_back = 0.0
        for i, point in enumerate(self.points):
            point.advance(now)
            d0, s0 = self.seen[i]
            day, unmet = point.cum_demand - d0, point.cum_shortage - s0
            m = point.price_factor  # constant since the last step: set just after it
            if binding > 0.0 and 0.0 < m < 1.0:
                held = (day / m - day) * binding
                day, unmet, held_back = day + held, unmet + held, held_back + held
            demand += day
            short += unmet
            self.seen[i] = (point.cum_demand, point.cum_shortage)
        self.held_history.append(held_back)
        return min(short / demand, 1.0) if demand > 0 else 0.0

    def lost_share(
        self, network: Network, now: float, cut: dict[Facility, bool] | None = None
    ) -> float:
        """Share of the producers' capacity (t/day, at nameplate × ramp × growth) that is out
        of action or whose feed is cut off (0 without producers). `cut` keeps whether each
        plant's feed is cut at `now`, for the other quotes of the same day."""
        cut = {} if cut is None else cut
        total = lost = 0.0
        for fac in self.producers:
            rate = fac.capacity_rate(self.commodity, now)
            if fac.outage_factor > 0.0:
                self.nominal[fac] = rate / fac.outage_factor
            nominal = self.nominal.get(fac, rate)
            total += nominal
            is_cut = cut.get(fac)
            if is_cut is None:
                is_cut = cut[fac] = feed_cut(network, fac, now)
            lost += nominal if is_cut else nominal - rate
        return lost / total if total > EPS else 0.0

    def unmet_share(self, held: dict[tuple[str, str], float], before: float, window: int) -> float:
        """U / (U + R): orders waiting since before `before` and held shipments (`held`, by
        buyer id and commodity) against tonnes received over the last `window` days. Keeps in
        `bound_share` the same share counting only held shipments and orders waiting at the
        exporter of an export control in force into the region."""
        c = self.commodity
        waiting = bound = 0.0
        total = 0.0
        exporters = {p.exporter for p in self.controls if p.active}
        for node in self.consumers:
            stock = node.stocks.get(c)
            total += (stock if stock is not None else node.stock(c)).received
            if held:
                kept = held.get((node.id, c), 0.0)
                waiting += kept
                bound += kept
            sourcing = node.sourcing.get(c)
            if sourcing is None:
                continue
            for supplier, orders in sourcing.open_orders.items():
                controlled = supplier.country in exporters
                for o in orders:  # in time order: stop at the first placed too recently
                    if o.placed >= before:
                        break
                    if o.remaining > EPS:
                        waiting += o.remaining
                        if controlled:
                            bound += o.remaining
        self.received.append(total)
        past = self.received[-1 - window] if len(self.received) > window else 0.0
        got = total - past
        self.bound_share = bound / (waiting + got) if bound > EPS else 0.0
        return waiting / (waiting + got) if waiting > EPS else 0.0


class Market:
    """Every priced commodity × region of one replication (`network.market`)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.terms = IndexTerms.draw(network)
        spec = network.scenario.prices
        assert spec is not None
        v = network.params.value
        self.reference = {
            c: v(x, f"prices.reference_usd_per_kg.{c}")
            for c, x in sorted(spec.reference_usd_per_kg.items())
        }
        self.quotes: dict[tuple[str, str], Quote] = {}
        self.listeners: list[Callable[[], None]] = []
        self.window = max(1, round(self.terms.unmet_window))
        self.started = False

    def priced(self) -> list[str]:
        """Commodities with a price: `prices.commodities`, else demanded or with a reference."""
        spec = self.network.scenario.prices
        assert spec is not None
        if spec.commodities is not None:
            return list(spec.commodities)
        demanded = {c for b in self.network.buyers.values() for c in b.points}
        return sorted(demanded | set(self.reference))

    def _build(self) -> None:
        net = self.network
        for commodity in self.priced():
            regions: dict[str, tuple[list[DemandPoint], list[Node]]] = {}
            for b in net.buyers.values():
                if commodity in b.points:
                    pts, nodes = regions.setdefault(b.country, ([], []))
                    pts.append(b.points[commodity])
                    nodes.append(b)
            makers: dict[str, list[Facility]] = {}
            for f in net.facilities.values():
                if commodity in f.inputs:
                    regions.setdefault(f.country, ([], []))[1].append(f)
                if commodity in f.outputs:
                    makers.setdefault(f.country, []).append(f)
            for region, (pts, nodes) in sorted(regions.items()):
                q = Quote(
                    commodity,
                    region,
                    pts,
                    nodes,
                    self.terms,
                    self.reference.get(commodity, math.nan),
                )
                q.controls = controls_into(net, commodity, nodes)
                if self.terms.flexibility > 0.0:
                    q.producers = makers.get(region, [])
                self.quotes[(commodity, region)] = q

    def quote(self, commodity: str, region: str) -> Quote | None:
        """The price of `commodity` in `region`, if it is priced there."""
        return self.quotes.get((commodity, region))

    def index(self, commodity: str, region: str) -> float:
        """The index at the end of the last whole day (1 before the first day ends, and where
        the commodity is not priced)."""
        q = self.quotes.get((commodity, region))
        return 1.0 if q is None else q.index.value

    def start(self) -> None:
        """Start stepping (once, when policies are scheduled: all of them exist by then)."""
        if self.started:
            return
        self.started = True
        self._build()
        self.network.ctx.env.process(self._loop())

    def _held(self) -> dict[tuple[str, str], float]:
        """Tonnes held by policies longer than `unmet_after_days`, by buyer id and commodity."""
        now = float(self.network.ctx.env.now)
        before = now - self.terms.unmet_after
        out: dict[tuple[str, str], float] = {}
        # taken into custody in time order: the shipments held long enough come first
        for s, since in self.network.custody.since.items():
            if since >= before:
                break
            key = (s.buyer.id, s.commodity)
            out[key] = out.get(key, 0.0) + s.quantity
        return out

    def step(self, now: float) -> None:
        """End of a day: measure every region and step its index."""
        held = self._held()
        before = now - self.terms.unmet_after
        cut: dict[Facility, bool] = {}  # whether a plant's feed is cut off today
        for q in self.quotes.values():
            u = q.unmet_share(held, before, self.window)
            f = q.shortfall(now, min(1.0, q.bound_share / BINDING_SHARE))
            c = covered_day(q.controls, now) if q.controls else 0.0
            lost = q.lost_share(self.network, now, cut) if q.producers else 0.0
            # orders a control leaves unmet raise the premium; other unmet orders, scarcity
            q.history.append(q.index.step(max(f, u * (1.0 - c)), c, u, lost))
            q.unmet_history.append(u)

    def _loop(self) -> Generator[Any, Any, None]:
        env = self.network.ctx.env
        while True:
            yield env.timeout(1.0)
            self.step(float(env.now))
            for listener in self.listeners:
                listener()

    def table(self, days: int) -> pd.DataFrame:
        """Daily index, USD/kg price and unmet share of every priced commodity × region (days
        the run did not reach repeat the last value; index 1 before the first step)."""
        frames = []
        for (commodity, region), q in sorted(self.quotes.items()):
            index = daily(q.history, days, 1.0)
            frames.append(
                pd.DataFrame(
                    {
                        "commodity": commodity,
                        "region": region,
                        "day": np.arange(days, dtype=np.int64),
                        "index": index,
                        "price_usd_per_kg": q.reference * index,
                        "unmet_share": daily(q.unmet_history, days, 0.0),
                        "held_back_t": daily(q.held_history, days, 0.0),
                    }
                )
            )
        if not frames:
            return pd.DataFrame({c: [] for c in PRICE_COLUMNS})
        return pd.concat(frames, ignore_index=True)


def delivered_index(
    network: Network, commodity: str, buyer: Node, supplier: Node, now: float
) -> float:
    """Price index of `commodity` from `supplier` delivered to `buyer`: the scarcity part of
    the index in the supplier's country (1 where it is not priced) times the premium of the
    buyer's region while an export control of the supplier's country covers the commodity into
    it (1 without a market)."""
    market = network.market
    if market is None or not market.quotes:
        return 1.0
    home = market.quotes.get((commodity, supplier.country))
    log_index = home.index.s if home is not None else 0.0
    dest = market.quotes.get((commodity, buyer.country))
    if dest is not None and dest.index.q and supplier.country != buyer.country:
        if any(p.active and p.exporter == supplier.country for p in dest.controls):
            log_index += dest.index.q
    return math.exp(log_index)


def feed_cut(network: Network, fac: Facility, now: float) -> bool:
    """Whether some input of `fac`'s recipe has no supplier (preferred, or qualified
    alternate) that may ship it to `fac` now and can ship at all; inputs without a sourcing
    entry are not modelled as supplied and never count as cut."""
    for commodity, per in fac.inputs.items():
        sourcing = fac.sourcing.get(commodity)
        if per <= 0.0 or sourcing is None:
            continue
        qualified = sourcing.qualified
        allowance = network.allowance
        for s in chain(sourcing.preferred, [a for a in sourcing.alternates if a in qualified]):
            if s.can_ship() and s.available(now) and allowance(s, fac, commodity) > 0.0:
                break  # as `network.admits`
        else:
            return True
    return False


def daily(history: list[float], days: int, first: float) -> np.ndarray:
    """Value at the end of each day 0..days-1 (history[d] ends day d)."""
    out = np.full(days, first)
    n = min(len(history), days)
    out[:n] = history[:n]
    if 0 < n < days:
        out[n:] = history[n - 1]
    return out
