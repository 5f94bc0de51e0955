"""`price_response`: demand that follows its country's price index."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    NonNegativeMultiplier,
    PositiveDays,
    Probability,
)
from sim.scenario.policies.base import Found, PolicyBase, World, sign, unknown


class PriceResponse(PolicyBase):
    """Demand relaxes towards max(floor, index^−ε) of its country's price index (`prices:`)."""

    type: Literal["price_response"]
    buyers: list[str] | None = Field(
        default=None, min_length=1, description="Buyer ids (all if unset)."
    )
    commodities: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Commodities, each with a price index (all indexed if unset).",
    )
    elasticity: NonNegativeMultiplier = Field(
        description="ε ≥ 0 in demand × index^−ε (a price elasticity of demand of −ε)."
    )
    adjust_days: PositiveDays = Field(
        default=90.0, description="Time constant of the adjustment towards the target, days."
    )
    floor: Probability = Field(default=0.5, description="Smallest demand multiplier.")

    def check_references(self, w: World, path: str) -> Found:
        prices = w.s.prices
        for j, b in enumerate(self.buyers or []):
            yield from w.buyer(f"{path}.buyers.{j}", b)
        if prices is None:
            yield (
                f"{path}.type",
                "a price_response needs a `prices:` section (the index it follows)",
            )
        for j, c in enumerate(self.commodities or []):
            cp = f"{path}.commodities.{j}"
            if c not in w.s.commodities:
                yield cp, unknown("commodity", c, w.s.commodities)
            elif (
                prices is not None
                and prices.commodities is not None
                and c not in prices.commodities
            ):
                yield cp, f"'{c}' has no price index; add it to prices.commodities"
        yield from sign(f"{path}.elasticity", self.elasticity, strict=False)
        yield from sign(f"{path}.adjust_days", self.adjust_days)
