"""Export quotas: tonnes of covered commodities per period, pooled or shared by destination.

Periods start at the control's start date. Each period's quota is issued in dated tranches
(`tranches`: days after the period start, share of the tonnes; by default all on day 0). With
`pace: even` (default) a tranche accrues evenly from its issue to the end of the period, so what
exporters may have shipped by time t of a period of length P is

    tonnes × Σ_k share_k × clip((t − day_k) / (P − 1 − day_k), 0, 1)

(in full on the period's last day: the allocation is shipped across the period, not first come,
first served); with `upfront`
a tranche can be shipped as soon as it is issued. The quota is a ceiling: what is shipped is
what buyers order within it. `pooled`: one quota across destinations; `shares`: each
destination key (node id or country; `other` for the rest) has its own part. Unused quota does
not carry over. Orders blocked by the quota wait at the supplier and are served as the quota
accrues (at the supplier's next fill) and when the next period starts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.scenario.policies.export_control import Quota

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
        self.even = spec.pace == "even"
        self.tranches = [(min(t.day, self.period), t.share) for t in spec.tranches]
        # an even tranche is issued in full on the period's last day, when blocked orders are
        # woken, so nothing lapses for want of a last fill
        self.full = self.period - 1.0 if self.period > 1.0 else self.period
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

    def issued(self, t: float) -> float:
        """Share of a period's tonnes that may have been shipped `t` days into the period."""
        out = 0.0
        for day, share in self.tranches:
            if t < day:
                continue
            if not self.even or day >= self.full:
                out += share
            else:
                out += share * min(1.0, (t - day) / (self.full - day))
        return out

    def remaining(self, buyer: Node) -> float:
        """Tonnes a shipment to `buyer` may still take now."""
        self._roll()
        pool = self.pool(buyer)
        if pool is None:
            return 0.0
        assert self.index is not None
        t = self.control.network.ctx.now - self.control.start_day - self.index * self.period
        cap = self.tonnes * (1.0 if self.shares is None else self.shares[pool]) * self.issued(t)
        return max(0.0, cap - self.used.get(pool, 0.0))

    def use(self, buyer: Node, qty: float) -> None:
        """Book `qty` t shipped to `buyer` against its quota."""
        self._roll()
        pool = self.pool(buyer)
        if pool is not None:
            self.used[pool] = self.used.get(pool, 0.0) + qty

    def start(self) -> None:
        """Wake blocked orders at every period start while the control is active."""
        self._run += 1
        run = self._run
        ctx = self.control.network.ctx

        def wake() -> None:
            if run != self._run:
                return
            for node in list(self.control.network.nodes.values()):
                node.fill_all()

        def next_start() -> None:
            if run != self._run:
                return
            self._roll()
            wake()
            schedule()

        def schedule() -> None:
            assert self.index is not None
            begin = self.control.start_day + self.index * self.period
            now = ctx.now
            wakes = {day for day, _ in self.tranches if 0 < day < self.period}
            if self.even:
                wakes.add(self.full)
            for day in sorted(wakes):  # tranches issued, last day of an even period
                if now < begin + day < ctx.calendar.days:
                    ctx.at(begin + day, wake)
            at = begin + self.period
            if at < ctx.calendar.days:
                ctx.at(at, next_start)

        self._roll()
        schedule()

    def stop(self) -> None:
        self._run += 1
