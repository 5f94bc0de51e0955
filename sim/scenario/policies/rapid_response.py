"""`rapid_response`: emergency re-routing of stock to partners low on cover."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    NonNegativeDays,
    NonNegativeTonnes,
    PeriodDays,
)
from sim.scenario.policies.base import Found, PolicyBase, World, cover_order, sign, unknown
from sim.scenario.policies.stockpile import Stockpile


class RapidResponse(PolicyBase):
    """Emergency re-routing: partners below a days-of-cover trigger get supply from a pool."""

    type: Literal["rapid_response"]
    partners: list[str] = Field(min_length=1, description="Buyer ids, in priority order.")
    commodity: str
    sources: list[str] = Field(
        min_length=1,
        description="Facilities or stockpiles whose stock may be re-routed, drawn in this order.",
    )
    spare_only: bool = Field(
        default=True,
        description="Facilities give only stock beyond their open orders (stockpiles give all).",
    )
    trigger_cover_days: NonNegativeDays = Field(description="A partner triggers below this cover.")
    target_cover_days: NonNegativeDays = Field(
        description="Emergency supply tops cover up to this."
    )
    response_days: NonNegativeDays = Field(
        default=14.0, description="Delay from trigger to dispatch."
    )
    cap_per_event_t: NonNegativeTonnes
    cap_total_t: NonNegativeTonnes
    sharing: Literal["need", "equal", "priority"] = Field(
        default="need",
        description="need: in proportion to each partner's need; equal: equal parts (unused "
        "parts go to the others); priority: in `partners` order.",
    )
    check_days: PeriodDays = Field(default=7.0, description="Days between cover checks.")

    def check_references(self, w: World, path: str) -> Found:
        yield from w.commodity(f"{path}.commodity", self.commodity)
        yield from cover_order(
            path, self.trigger_cover_days, self.target_cover_days, "emergency supply"
        )
        for j, b in enumerate(self.partners):
            yield from w.buyer(f"{path}.partners.{j}", b, self.commodity)
        stockpiles = w.of_type(Stockpile)
        sources = set(w.s.facilities) | set(stockpiles)
        for j, src in enumerate(self.sources):
            sp = f"{path}.sources.{j}"
            if src not in sources:
                yield sp, unknown("facility or stockpile", src, sources)
            elif src in stockpiles and stockpiles[src].commodity != self.commodity:
                held = stockpiles[src].commodity
                yield sp, f"stockpile '{src}' holds '{held}', not '{self.commodity}'"
            elif src in w.s.facilities and self.commodity not in w.makes(src):
                yield sp, f"facility '{src}' does not make '{self.commodity}'"
        for key in ("trigger_cover_days", "target_cover_days", "cap_per_event_t", "cap_total_t"):
            yield from sign(f"{path}.{key}", getattr(self, key), strict=False)
        yield from sign(f"{path}.response_days", self.response_days, strict=False)
        yield from sign(f"{path}.check_days", self.check_days)
