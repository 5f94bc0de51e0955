"""`facility_outage`: a facility halted (or slowed) between two dates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    Fraction,
)
from sim.scenario.policies.base import Found, PolicyBase, World, unknown


class FacilityOutage(PolicyBase):
    """A facility neither produces nor ships between `start` and `end`."""

    type: Literal["facility_outage"]
    facility: str
    capacity_factor: Fraction = Field(
        default=0.0, description="Remaining share of capacity (0 = full halt, no shipments)."
    )

    def check_references(self, w: World, path: str) -> Found:
        if self.facility not in w.s.facilities:
            yield f"{path}.facility", unknown("facility", self.facility, w.s.facilities)
