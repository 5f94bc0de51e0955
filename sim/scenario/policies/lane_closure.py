"""`lane_closure`: no shipment from an origin to a destination between two dates."""

from __future__ import annotations

from typing import Literal

from sim.scenario.policies.base import Found, PolicyBase, World, unknown


class LaneClosure(PolicyBase):
    """No shipment leaves `origin` for `destination` between `start` and `end`."""

    type: Literal["lane_closure"]
    origin: str
    destination: str

    def check_references(self, w: World, path: str) -> Found:
        if self.origin not in w.origins:
            yield f"{path}.origin", unknown("origin", self.origin, w.origins)
        if self.destination not in w.destinations:
            yield f"{path}.destination", unknown("destination", self.destination, w.destinations)
