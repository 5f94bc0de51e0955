"""What policies share: activation on dated windows, suspension, and hooks on shipments."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.orders import Shipment


class PolicyRuntime:
    """A policy in a running model. Subclasses override `activate` / `deactivate`; `admits`
    or `allowance` when they can stop or cap shipments at the supplier; `intercept` when they
    take shipments into custody at dispatch (e.g. a licence queue).

    A subclass names the scenario `type:` it runs (`policy_type`) and declares what it does to
    the network: `gates` (the network asks its `allowance` before a supplier ships),
    `intercepts` (the network offers it every dispatched shipment), `modifies_demand` (it
    scales buyers' demand). Subclasses with a `policy_type` register themselves (see
    `sim.model.policies.registry`), so a new kind needs no list edited.

    A policy is *active* inside its dated window unless a suspension policy holds it; `spans`
    lists the [on, off] times it was active (off = None while it still is)."""

    policy_type: ClassVar[str | None] = None
    gates: ClassVar[bool] = False
    intercepts: ClassVar[bool] = False
    modifies_demand: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("policy_type"):
            register(cls)

    def __init__(self, network: Network, policy_id: str, start: dt.date, end: dt.date | None):
        self.network = network
        self.id = policy_id
        self.start_day = network.ctx.calendar.day(start)
        self.end_day = None if end is None else network.ctx.calendar.day(end)
        self.in_window = False
        self.suspended_by: set[str] = set()
        self.spans: list[list[float | None]] = []

    @property
    def active(self) -> bool:
        return self.in_window and not self.suspended_by

    def schedule(self) -> None:
        ctx = self.network.ctx
        horizon = float(ctx.calendar.days)
        if self.end_day is not None and self.end_day <= 0:
            return
        if self.start_day <= 0:
            self._on()  # in force from the start: before any process takes its first step
        elif self.start_day < horizon:
            ctx.at(self.start_day, self._on)
        if self.end_day is not None and self.end_day < horizon:
            ctx.at(self.end_day, self._off)

    def _on(self) -> None:
        was = self.active
        self.in_window = True
        self._changed(was, "policy_start", self.describe())

    def _off(self) -> None:
        was = self.active
        self.in_window = False
        self._changed(was, "policy_end", self.describe())

    def suspend(self, by: str) -> None:
        """Held by the suspension policy `by` until `resume(by)`."""
        if by not in self.suspended_by:
            was = self.active
            self.suspended_by.add(by)
            self._changed(was, "policy_suspended", f"by {by}")

    def resume(self, by: str) -> None:
        if by in self.suspended_by:
            was = self.active
            self.suspended_by.discard(by)
            self._changed(was, "policy_resumed", f"by {by}")

    def _changed(self, was: bool, kind: str, detail: str) -> None:
        """Log a state change; (de)activate if the effective state flipped."""
        now = self.network.ctx.now
        self.network.ctx.recorder.event(now, kind, self.id, detail)
        if self.active and not was:
            self.spans.append([now, None])
            self.activate()
        elif was and not self.active:
            self.spans[-1][1] = now
            self.deactivate()

    def describe(self) -> str:
        return type(self).__name__

    def activate(self) -> None:
        """Called when the policy takes effect."""

    def deactivate(self) -> None:
        """Called when the policy ends."""

    def acts_on(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        """Can the policy ever limit or intercept `commodity` from `supplier` to `buyer`?
        False only where it never does, whatever the time, state or origin mix (the network
        then leaves it out for the triple)."""
        return True

    def admits(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        """May `supplier` ship `commodity` to `buyer` now? Only consulted while active."""
        return True

    def allowance(self, supplier: Node, buyer: Node, commodity: str) -> float:
        """Tonnes `supplier` may ship to `buyer` now (inf: no limit). Only consulted while
        active; the default follows `admits`."""
        return math.inf if self.admits(supplier, buyer, commodity) else 0.0

    def refuse(self, supplier: Node, buyer: Node, commodity: str) -> None:
        """Called after `allowance` let nothing of `commodity` go from `supplier` to `buyer`:
        apply the policy's rule for blocked orders (by default they wait)."""

    def intercept(self, shipment: Shipment) -> bool:
        """Dispatch step, only while active: return True to take custody of `shipment` (it
        then must end up released or returned through `network.custody`)."""
        return False


#: Scenario policy type → the runtime class that runs it (filled as policy modules load).
REGISTRY: dict[str, type[PolicyRuntime]] = {}


def register(cls: type[PolicyRuntime], policy_type: str | None = None) -> None:
    """Register `cls` as the runtime of its `policy_type` (once per type)."""
    name = policy_type or cls.policy_type
    if not name:
        raise ValueError(f"{cls.__name__} names no policy_type")
    other = REGISTRY.get(name)
    if other is not None and other is not cls:
        raise ValueError(f"policy type {name!r} has two runtimes: {other.__name__}, {cls.__name__}")
    REGISTRY[name] = cls


def matches(node: Node, ref: str) -> bool:
    """A policy reference names a node id or a country code."""
    return node.id == ref or node.country == ref
