"""Suspensions: named policies are held from `start` until expiry; at each expiry they snap
back, or the suspension is renewed for `renewal_days` (fixed, or drawn per expiry from the
stream `policy:<id>:expiry`), at most `max_renewals` times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.scenario.policies.suspension import Suspension as SuspensionSpec

if TYPE_CHECKING:
    from sim.model.network import Network


class Suspension(PolicyRuntime):
    policy_type = "suspension"

    def __init__(self, network: Network, spec: SuspensionSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.spec = spec
        self.targets = list(spec.policies)
        self.expiry_day = self.end_day
        self.end_day = None  # the window ends at expiry only when the suspension is not renewed
        self.renewal = network.params.value(spec.renewal_days, f"policies.{spec.id}.renewal_days")
        self.renewals = 0
        self.rng = network.ctx.streams(f"policy:{spec.id}:expiry")

    def describe(self) -> str:
        return f"suspends {', '.join(self.targets)}"

    def _policies(self) -> list[PolicyRuntime]:
        return [p for p in self.network.policies if p.id in self.targets]

    def schedule(self) -> None:
        super().schedule()
        self._schedule_expiry()

    def _schedule_expiry(self) -> None:
        ctx = self.network.ctx
        if self.expiry_day is not None and 0 < self.expiry_day < ctx.calendar.days:
            ctx.at(self.expiry_day, self._expire)

    def _expire(self) -> None:
        ctx = self.network.ctx
        outcome = self._outcome()
        if outcome == "renew" and self.renewals < self.spec.max_renewals:
            self.renewals += 1
            assert self.expiry_day is not None
            self.expiry_day += self.renewal
            until = ctx.calendar.date(self.expiry_day)
            ctx.recorder.event(ctx.now, "suspension_renewed", self.id, f"until {until}")
            self._schedule_expiry()
            return
        ctx.recorder.event(ctx.now, "suspension_expired", self.id, "snap back")
        self._off()

    def _outcome(self) -> str:
        rule = self.spec.at_expiry
        u = float(self.rng.random())  # drawn at every expiry, so the stream stays aligned
        if isinstance(rule, str):
            return rule
        return "renew" if u < rule.get("renew", 0.0) else "snap_back"

    def activate(self) -> None:
        for p in self._policies():
            p.suspend(self.id)

    def deactivate(self) -> None:
        for p in self._policies():
            p.resume(self.id)
