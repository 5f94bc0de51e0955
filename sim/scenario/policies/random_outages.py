"""`random_outages`: outages arriving at facilities as a Poisson process."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    Fraction,
    NonNegativePerYear,
    PositiveDays,
)
from sim.scenario.policies.base import Found, PolicyBase, World, sign, unknown


class RandomOutages(PolicyBase):
    """Outages arrive at each named facility as a Poisson process while the policy is active."""

    type: Literal["random_outages"]
    facilities: list[str] = Field(min_length=1)
    rate_per_year: NonNegativePerYear = Field(description="Expected outages per facility per year.")
    duration_days: PositiveDays = Field(description="Duration of each outage, sampled per outage.")
    capacity_factor: Fraction = Field(
        default=0.0, description="Remaining share of capacity during an outage."
    )

    def check_references(self, w: World, path: str) -> Found:
        for j, f in enumerate(self.facilities):
            if f not in w.s.facilities:
                yield f"{path}.facilities.{j}", unknown("facility", f, w.s.facilities)
        yield from sign(f"{path}.rate_per_year", self.rate_per_year, strict=False)
        yield from sign(f"{path}.duration_days", self.duration_days, strict=False)
