"""`buffer_target`: a dated rise of buyers' cover targets (precautionary stocking)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    NonNegativeDays,
)
from sim.scenario.policies.base import Found, PolicyBase, World


class BufferTarget(PolicyBase):
    """Precautionary stocking: while active, the named buyers' cover target (the `cover`
    ordering rule's days of demand) is raised by `extra_cover_days`; when it ends the target
    falls back and buyers destock by ordering less until their stock is back at it."""

    type: Literal["buffer_target"]
    buyers: list[str] | None = Field(
        default=None, min_length=1, description="Buyer ids (all if unset)."
    )
    commodities: list[str] | None = Field(default=None, min_length=1, description="All if unset.")
    extra_cover_days: NonNegativeDays = Field(
        description="Days of demand added to each covered buyer's cover target while active."
    )

    def check_references(self, w: World, path: str) -> Found:
        yield from w.buyers_and_commodities(path, self.buyers, self.commodities)
        named = self.buyers if self.buyers is not None else list(w.s.buyers)
        for j, b in enumerate(named):
            buyer = w.s.buyers.get(b)
            if buyer is not None and buyer.ordering.rule != "cover":
                where = f"{path}.buyers.{j}" if self.buyers is not None else f"{path}.buyers"
                rule = buyer.ordering.rule
                yield where, f"buyer '{b}' orders by {rule!r}; a buffer target needs the cover rule"
