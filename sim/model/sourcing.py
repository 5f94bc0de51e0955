"""Which suppliers a node orders one commodity from, and switching when one cannot ship.

A preferred supplier whose oldest open order from us is older than `patience` days is marked
failing: our open orders there are cancelled, its share goes to qualified alternates, and the
alternates not yet qualified start a qualification of `qualification` days. A failing supplier
is tried again after another `patience` days. A qualification succeeds with probability
`success` (drawn when it ends, from the sourcing's own stream); an alternate that failed it
starts again the next time a supplier of the commodity is marked failing. A supplier that is not yet online gets no share
(the others are renormalised) and is not counted as failing.

With `split = "capacity"` each supplier's weight is its share times its capacity for the
commodity at the time of the order, so ramping plants take a growing part of the orders.

With a price elasticity η > 0 each weight is further multiplied by p^−η, p the supplier's
delivered price index (`price`, see `sim.model.market.delivered_index`): with base weights w_i
the share of supplier i is w_i·p_i^−η / Σ_j w_j·p_j^−η, so buyers shift toward cheaper supply
(η = 0: prices do not matter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from sim.model.node import Node
    from sim.model.orders import Order


@dataclass(eq=False)
class Sourcing:
    commodity: str
    preferred: dict[Node, float]
    alternates: list[Node]
    qualification: float
    patience: float
    split: str = "shares"
    success: float = 1.0
    rng: np.random.Generator | None = None  # draws qualification outcomes when success < 1
    price_elasticity: float = 0.0
    price: Callable[[Node, float], float] | None = None  # delivered index of a supplier, now
    qualified: set[Node] = field(default_factory=set)
    qualifying: set[Node] = field(default_factory=set)
    failing_until: dict[Node, float] = field(default_factory=dict)
    open_orders: dict[Node, list[Order]] = field(default_factory=dict)

    # the weights while no supplier has ever failed and every preferred one is online, for
    # the `preferred` dict they were computed from (funding policies replace it)
    _steady: dict[Node, float] | None = field(default=None, init=False, repr=False)
    _steady_of: dict[Node, float] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        total = sum(self.preferred.values())
        self.preferred = {s: w / total for s, w in self.preferred.items()}

    def suppliers(self) -> list[Node]:
        return [*self.preferred, *self.alternates]

    def late_suppliers(self, now: float) -> list[Node]:
        """Active suppliers holding an order of ours for longer than `patience` days."""
        late = []
        oldest = now - self.patience
        for supplier, orders in self.open_orders.items():
            if self.failing_until.get(supplier, -1.0) > now:
                continue
            for o in orders:  # placed in time order: the first still open is the oldest
                if o.remaining > 0:
                    if o.placed < oldest:
                        late.append(supplier)
                    break
        return late

    def mark_failing(self, supplier: Node, now: float) -> list[Node]:
        """Mark a supplier failing; returns the alternates that start qualifying."""
        self.failing_until[supplier] = now + self.patience
        start = [a for a in self.alternates if a not in self.qualified | self.qualifying]
        self.qualifying.update(start)
        return start

    def qualify(self, supplier: Node) -> bool:
        """End `supplier`'s qualification; returns whether it passed."""
        self.qualifying.discard(supplier)
        if self.success < 1.0 and (self.rng is None or self.rng.random() >= self.success):
            return False
        self.qualified.add(supplier)
        return True

    def weights(self, now: float) -> dict[Node, float]:
        """Share of a new order for each supplier, given who is failing now (the dict may be
        shared between calls: read it, do not change it).

        With split by shares, no price elasticity, no supplier ever marked failing and every
        preferred supplier online (online stays online), the weights depend on `preferred`
        alone: they are computed once per `preferred` dict."""
        steady = (
            not self.failing_until
            and self.split == "shares"
            and not (self.price_elasticity > 0.0 and self.price is not None)
        )
        if steady:
            if self._steady_of is self.preferred and self._steady is not None:
                return self._steady
            if not all(s.available(now) for s in self.preferred):
                steady = False
        failing = {s for s, t in self.failing_until.items() if t > now}
        weights = {s: w for s, w in self.preferred.items() if s not in failing and s.available(now)}
        lost = sum(w for s, w in self.preferred.items() if s in failing)
        backups = [
            a
            for a in self.alternates
            if a in self.qualified and a not in failing and a.available(now)
        ]
        if lost > 0 and backups:
            for a in backups:
                weights[a] = weights.get(a, 0.0) + lost / len(backups)
        if self.split == "capacity":
            weights = {s: w * s.capacity_rate(self.commodity, now) for s, w in weights.items()}
        if self.price_elasticity > 0.0 and self.price is not None:
            eta, price = self.price_elasticity, self.price
            weights = {s: w * price(s, now) ** -eta for s, w in weights.items()}
        total = sum(weights.values())
        if total <= 0:  # nobody else can ship: keep asking the preferred suppliers
            out = dict(self.preferred)
        else:
            out = {s: w / total for s, w in weights.items()}
        if steady:
            self._steady, self._steady_of = out, self.preferred
        return out
