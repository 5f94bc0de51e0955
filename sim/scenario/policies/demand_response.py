"""`demand_response`: substitution and thrift that grow during a shortage or high price."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.domains import (
    AtLeastOne,
    NonNegativeDays,
    NonNegativePerYear,
    PeriodDays,
    Probability,
)
from sim.scenario.policies.base import Found, PolicyBase, World, sign, unknown


class DemandResponse(PolicyBase):
    """While a shortage (or a high price) persists, buyers substitute or thrift a growing share
    of demand — or plants use less of an input per unit made (`recipes:`)."""

    type: Literal["demand_response"]
    buyers: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Buyer ids (all if unset; none when `recipes` is set).",
    )
    recipes: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Plant ids whose recipe inputs among `commodities` shrink by the share "
        "(thrift: e.g. less Dy/Tb per magnet); the policy then acts on these recipes, not on "
        "buyers' demand.",
    )
    commodities: list[str] | None = Field(default=None, min_length=1, description="All if unset.")
    trigger: Literal["shortage", "price"] = Field(
        default="shortage",
        description="What counts as a spell: a shortage (unmet demand, or a plant's input stock "
        "run out) or a market index above `price_above` in the node's country (needs `prices:`).",
    )
    price_above: AtLeastOne = Field(
        default=2.0, description="With trigger price: index above which a spell runs."
    )
    lag_days: NonNegativeDays = Field(default=90.0, description="Shortage days before a response.")
    rate_per_year: NonNegativePerYear = Field(
        default=0.10, description="Share of demand substituted per year of persistent shortage."
    )
    max_share: Probability = Field(default=0.3, description="Largest substituted share.")
    decay_per_year: NonNegativePerYear = Field(
        default=0.05, description="Share returning to demand per year once supply returns."
    )
    check_days: PeriodDays = Field(default=7.0, description="Days between checks.")

    def check_references(self, w: World, path: str) -> Found:
        if self.recipes is not None and self.buyers is not None:
            yield (
                f"{path}.buyers",
                "a response on recipes acts on plants, not buyers: give recipes or buyers, "
                "not both",
            )
        yield from w.buyers_and_commodities(path, self.buyers, self.commodities)
        for j, f in enumerate(self.recipes or []):
            if f not in w.s.facilities:
                yield f"{path}.recipes.{j}", unknown("facility", f, w.s.facilities)
        if self.trigger == "price" and w.s.prices is None:
            yield f"{path}.trigger", "trigger price needs a `prices:` section"
        yield from sign(f"{path}.price_above", self.price_above)
        for key in ("lag_days", "rate_per_year", "decay_per_year"):
            yield from sign(f"{path}.{key}", getattr(self, key), strict=False)
        yield from sign(f"{path}.check_days", self.check_days)
