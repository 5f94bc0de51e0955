"""`demand_shock`: demand multiplied between two dates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    NonNegativeMultiplier,
)
from sim.scenario.policies.base import Found, PolicyBase, World, sign


class DemandShock(PolicyBase):
    """Demand of the named buyers and commodities is multiplied between `start` and `end`."""

    type: Literal["demand_shock"]
    buyers: list[str] | None = Field(
        default=None, min_length=1, description="Buyer ids (all if unset)."
    )
    commodities: list[str] | None = Field(default=None, min_length=1, description="All if unset.")
    multiplier: NonNegativeMultiplier = Field(description="Factor on the demand rate, ≥ 0.")

    def check_references(self, w: World, path: str) -> Found:
        yield from w.buyers_and_commodities(path, self.buyers, self.commodities)
        yield from sign(f"{path}.multiplier", self.multiplier, strict=False)
