"""What policies share: activation on dated windows, and gates on shipments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node


class PolicyRuntime:
    """A policy in a running model. Subclasses override `activate` / `deactivate`, and
    `admits` when they can stop shipments."""

    def __init__(self, network: Network, policy_id: str, start: dt.date, end: dt.date | None):
        self.network = network
        self.id = policy_id
        self.start_day = network.ctx.calendar.day(start)
        self.end_day = None if end is None else network.ctx.calendar.day(end)
        self.active = False

    def schedule(self) -> None:
        ctx = self.network.ctx
        horizon = float(ctx.calendar.days)
        if self.end_day is not None and self.end_day <= 0:
            return
        if self.start_day < horizon:
            ctx.at(max(0.0, self.start_day), self._on)
        if self.end_day is not None and self.end_day < horizon:
            ctx.at(self.end_day, self._off)

    def _on(self) -> None:
        self.active = True
        self.network.ctx.recorder.event(
            self.network.ctx.now, "policy_start", self.id, self.describe()
        )
        self.activate()

    def _off(self) -> None:
        self.active = False
        self.network.ctx.recorder.event(
            self.network.ctx.now, "policy_end", self.id, self.describe()
        )
        self.deactivate()

    def describe(self) -> str:
        return type(self).__name__

    def activate(self) -> None:
        """Called when the policy takes effect."""

    def deactivate(self) -> None:
        """Called when the policy ends."""

    def admits(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        """May `supplier` ship `commodity` to `buyer` now? Only consulted while active."""
        return True


def matches(node: Node, ref: str) -> bool:
    """A policy reference names a node id or a country code."""
    return node.id == ref or node.country == ref
