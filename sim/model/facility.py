"""Facilities: produce in batches per review period from their inputs, up to capacity."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.model.node import EPS, Node
from sim.model.ordering import OrderingRule
from sim.model.stock import Origin, blend

if TYPE_CHECKING:
    from sim.model.network import Network


class Facility(Node):
    """A plant with one process: `inputs` and `outputs` per tonne of activity.

    At a stage that `sets_origin` (e.g. mining, separation) the output takes the plant's country
    as its origin; otherwise the origin mix of the inputs passes through (a Japanese magnet made
    of Chinese Dy has Chinese-origin Dy)."""

    kind = "facility"

    def __init__(
        self,
        network: Network,
        node_id: str,
        country: str,
        stage: str,
        *,
        sets_origin: bool,
        inputs: dict[str, float],
        outputs: dict[str, float],
        capacity: dict[str, float],
        ordering: OrderingRule,
        output_cover_days: float,
        growth_per_year: float = 0.0,
        online_day: float | None = None,
        ramp: tuple[float, ...] = (1.0,),
    ) -> None:
        super().__init__(network, node_id, country)
        self.stage = stage
        self.sets_origin = sets_origin
        self.inputs = inputs  # per unit of activity, now (thrift policies may lower them)
        self.base_inputs = dict(inputs)  # the scenario's recipe
        # thrift factors per input by policy id, and (batch index, input, new use per unit)
        # for each change: batches from that index on use the new recipe
        self.input_factors: dict[str, dict[str, float]] = {}
        self.recipe_changes: list[tuple[int, str, float]] = []
        self.outputs = outputs
        self.capacity = capacity  # t/yr per output
        # activity per day at nameplate: the tightest output
        self.activity_per_day = min(capacity[c] / outputs[c] for c in capacity) / 365.0
        self.ordering = ordering
        self.output_cover_days = output_cover_days
        self.growth_per_year = growth_per_year
        self.online_day = online_day
        self.ramp = ramp
        self.outage_factor = 1.0
        # weight of each input in the origin mix of the output: its value per kg when every
        # input has one (origin shares are then shares of value), else its mass
        self.input_weights: dict[str, float] = {}
        self.wip: list[tuple[str, float, Origin]] = []
        # (start, days, activity, capacity available for the period) per production batch
        self.activity_log: list[tuple[float, float, float, float]] = []

    # --- capacity ------------------------------------------------------------------------
    def capacity_factor(self, day: float) -> float:
        """Share of nameplate available at `day`: ramp-up × growth × outages."""
        f = self.outage_factor
        if self.online_day is not None:
            if day < self.online_day:
                return 0.0
            year = int((day - self.online_day) // 365)
            f *= self.ramp[min(year, len(self.ramp) - 1)]
        if self.growth_per_year:
            f *= (1.0 + self.growth_per_year) ** (day / 365.0)
        return f

    def available(self, now: float) -> bool:
        """Whether the facility has come online by `now`."""
        return self.online_day is None or now >= self.online_day

    def capacity_rate(self, commodity: str, now: float) -> float:
        """Tonnes per day of `commodity` the facility can make at `now`."""
        per = self.outputs.get(commodity, 0.0)
        return self.activity_per_day * self.capacity_factor(now) * per if per else 0.0

    def use_per_day(self, commodity: str, now: float) -> float:
        """Tonnes of input `commodity` used per day at `now`, at the available capacity."""
        return self.activity_per_day * self.capacity_factor(now) * self.inputs.get(commodity, 0.0)

    def can_ship(self) -> bool:
        """Whether an outage leaves the facility able to ship."""
        return self.outage_factor > 0.0

    def set_input_factor(self, policy_id: str, commodity: str, factor: float) -> None:
        """Scale the recipe's use of input `commodity` per unit made by `factor` for policy
        `policy_id` (thrift); the factors of several policies multiply, 1 removes one. Applies
        to production batches started from now on."""
        factors = self.input_factors.setdefault(commodity, {})
        if factor == 1.0:
            factors.pop(policy_id, None)
        else:
            factors[policy_id] = factor
        per = self.base_inputs[commodity] * math.prod(factors[k] for k in sorted(factors))
        if per != self.inputs[commodity]:
            self.inputs[commodity] = per
            self.recipe_changes.append((len(self.activity_log), commodity, per))

    # --- process -------------------------------------------------------------------------
    def process(self) -> Generator[Any, Any, None]:
        """The facility's SimPy process: produce and order every review period."""
        env = self.network.ctx.env
        review = self.ordering.review_days
        while True:
            self._complete()
            self._replenish()
            self._start(review)
            yield env.timeout(review)

    def _complete(self) -> None:
        for commodity, qty, origin in self.wip:
            self.stock(commodity).produce(qty, origin)
        self.wip = []
        for commodity in self.outputs:
            self.fill(commodity)

    def _replenish(self) -> None:
        now = self.network.ctx.now
        rate = self.activity_per_day * self.capacity_factor(now)
        for commodity, per in self.inputs.items():
            sourcing = self.sourcing.get(commodity)
            if sourcing is None:
                continue
            self.check_suppliers(sourcing)
            qty = self.ordering.order_quantity(self.position(commodity), rate * per)
            self.place_orders(commodity, self.ordering.lot(qty, rate * per))

    def _start(self, days: float) -> None:
        now = self.network.ctx.now
        factor = self.capacity_factor(now)
        capacity = self.activity_per_day * factor * days
        activity = capacity
        for commodity, per in self.inputs.items():
            if per > 0:
                activity = min(activity, self.stock(commodity).level / per)
        need = 0.0
        for commodity in self.capacity:
            target = self.output_cover_days * factor * self.capacity[commodity] / 365.0
            gap = target + self.backlog_qty(commodity) - self.stock(commodity).level
            need = max(need, gap / self.outputs[commodity])
        activity = min(activity, need)
        if activity <= EPS:
            return
        origin: Origin = {self.country: 1.0}
        if not self.sets_origin and self.inputs:
            mixed: Origin = {}
            total = 0.0
            for commodity, per in self.inputs.items():
                s = self.stock(commodity)
                weight = activity * per * self.input_weights.get(commodity, 1.0)
                mixed = blend(mixed, total, s.origin, weight)
                total += weight
            origin = mixed or origin
        for commodity, per in self.inputs.items():
            self.stock(commodity).consume(activity * per)
        self.wip = [(c, activity * per, origin) for c, per in self.outputs.items()]
        self.activity_log.append((now, days, activity, capacity))


def online_day(online: dt.date | None, start: dt.date) -> float | None:
    """The day a facility comes online (None: online from the start)."""
    return None if online is None else float((online - start).days)
