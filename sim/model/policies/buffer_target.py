"""Precautionary stocking: a dated rise of buyers' cover targets.

While active, each covered buyer's cover target for each covered commodity (the days of demand
its `cover` ordering rule orders up to) is `extra_cover_days` higher, so its reviews order the
extra stock on top of its demand. When the policy ends the target falls back by the same days;
nothing is sold back: the buyer destocks by ordering less (nothing while its inventory position
is above the target) until consumption brings its stock down. Overlapping buffers add up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.scenario.policies.buffer_target import BufferTarget as BufferTargetSpec

if TYPE_CHECKING:
    from sim.model.buyer import Buyer
    from sim.model.network import Network


class BufferTarget(PolicyRuntime):
    policy_type = "buffer_target"

    def __init__(self, network: Network, spec: BufferTargetSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        path = f"policies.{spec.id}"
        self.extra = network.params.value(spec.extra_cover_days, f"{path}.extra_cover_days")
        # names and the cover rule are checked when the scenario is validated
        self.targets: list[tuple[Buyer, str]] = [
            (buyer, c)
            for bid, buyer in network.buyers.items()
            if spec.buyers is None or bid in spec.buyers
            for c in buyer.points
            if spec.commodities is None or c in spec.commodities
        ]

    def describe(self) -> str:
        return f"cover target +{self.extra:.4g} d on {len(self.targets)} demand points"

    def _shift(self, days: float) -> None:
        for buyer, c in self.targets:
            buyer.cover_days[c] += days

    def activate(self) -> None:
        self._shift(self.extra)

    def deactivate(self) -> None:
        self._shift(-self.extra)
