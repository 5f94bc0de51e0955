"""Export quotas: tonnes of covered commodities per period, pooled or shared by destination.

Periods start at the control's start date. `pooled`: one quota, first come first served across
destinations; `shares`: each destination key (node id or country; `other` for the rest) has its
own part. Unused quota does not carry over. Orders blocked by an exhausted quota wait at the
supplier and are served when the next period starts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.scenario.schema import Quota

if TYPE_CHECKING:
    from sim.model.node import Node
    from sim.model.policies.export_control import ExportControl

_ROUND = 1e-9


class QuotaBook:
    def __init__(self, control: ExportControl, spec: Quota) -> None:
        self.control = control
        path = f"policies.{control.id}.quota"
        params = control.network.params
        self.tonnes = params.value(spec.tonnes, f"{path}.tonnes")
        self.period = params.value(spec.period_days, f"{path}.period_days")
        self.shares = dict(spec.shares) if spec.allocation == "shares" else None
        self.used: dict[str, float] = {}
        self.index: int | None = None
        self._run = 0

    def pool(self, buyer: Node) -> str | None:
        """The quota a shipment to `buyer` draws on (None: no share for it)."""
        if self.shares is None:
            return "*"
        for key in (buyer.id, buyer.country):
            if key in self.shares:
                return key
        return "other" if "other" in self.shares else None

    def _roll(self) -> None:
        k = math.floor(
            (self.control.network.ctx.now - self.control.start_day) / self.period + _ROUND
        )
        if k != self.index:
            if self.index is not None and self.used:
                used = ", ".join(f"{p} {q:.6g} t" for p, q in sorted(self.used.items()))
                self.control.network.ctx.recorder.event(
                    self.control.network.ctx.now,
                    "quota_period_end",
                    self.control.id,
                    f"period {self.index}: {used}",
                )
            self.index, self.used = k, {}

    def remaining(self, buyer: Node) -> float:
        self._roll()
        pool = self.pool(buyer)
        if pool is None:
            return 0.0
        cap = self.tonnes * (1.0 if self.shares is None else self.shares[pool])
        return max(0.0, cap - self.used.get(pool, 0.0))

    def use(self, buyer: Node, qty: float) -> None:
        self._roll()
        pool = self.pool(buyer)
        if pool is not None:
            self.used[pool] = self.used.get(pool, 0.0) + qty

    def start(self) -> None:
        """Wake blocked orders at every period start while the control is active."""
        self._run += 1
        run = self._run
        ctx = self.control.network.ctx

        def next_start() -> None:
            if run != self._run:
                return
            self._roll()
            for node in list(self.control.network.nodes.values()):
                node.fill_all()
            schedule()

        def schedule() -> None:
            assert self.index is not None
            at = self.control.start_day + (self.index + 1) * self.period
            if at < ctx.calendar.days:
                ctx.at(at, next_start)

        self._roll()
        schedule()

    def stop(self) -> None:
        self._run += 1
