"""`stockpile`: a stock released to eligible buyers, and refilled."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sim.scenario.core import Country, Sourcing, Strict
from sim.scenario.domains import (
    NonNegativeDays,
    NonNegativeTonnes,
    NonNegativeTonnesPerYear,
    PeriodDays,
    PositiveTonnes,
    Share,
    sum_to_one,
)
from sim.scenario.policies.base import (
    Found,
    PolicyBase,
    World,
    cover_order,
    has_lane,
    no_lane,
    sign,
    unknown,
)


class Refill(Strict):
    """How a stockpile buys back to its size."""

    rule: Literal["none", "when_calm", "always"] = Field(
        default="when_calm",
        description="when_calm: only at checks where no eligible buyer is triggered.",
    )
    rate_t_per_year: NonNegativeTonnesPerYear
    sourcing: Sourcing


class Stockpile(PolicyBase):
    """A government or private stock released to eligible buyers in priority order."""

    type: Literal["stockpile"]
    holder: Country = Field(description="Country holding the stock (lanes start there).")
    commodity: str
    size_t: NonNegativeTonnes = Field(description="Initial stock and refill target, t.")
    origin: Annotated[dict[Country, Share], AfterValidator(sum_to_one)] | None = Field(
        default=None, description="Origin mix of the stock (default: the holder)."
    )
    eligible: list[str] = Field(
        min_length=1,
        description="Buyer ids, or ids of facilities using the commodity as an input (e.g. "
        "magnet makers for Dy/Tb oxide), in priority order (e.g. defense first).",
    )
    trigger: Literal["cover", "shortage"] = Field(
        default="cover",
        description="cover: a buyer below `trigger_cover_days`; shortage: a buyer short since "
        "the last check.",
    )
    trigger_cover_days: NonNegativeDays = 15.0
    target_cover_days: NonNegativeDays = Field(
        default=30.0, description="Releases top cover up to this."
    )
    max_release_t_per_day: PositiveTonnes
    refill: Refill | None = None
    check_days: PeriodDays = Field(default=7.0, description="Days between checks.")

    def check_references(self, w: World, path: str) -> Found:
        yield from cover_order(path, self.trigger_cover_days, self.target_cover_days, "a release")
        s = w.s
        if self.id in w.nodes:
            yield (
                f"{path}.id",
                f"id '{self.id}' is also a facility or buyer; a stockpile is a node too",
            )
        yield from w.commodity(f"{path}.commodity", self.commodity)
        for j, b in enumerate(self.eligible):
            fac = s.facilities.get(b)
            if fac is None:
                yield from w.buyer(f"{path}.eligible.{j}", b, self.commodity)
            elif self.commodity not in fac.recipe.inputs:
                yield f"{path}.eligible.{j}", f"facility '{b}' has no input '{self.commodity}'"
        yield from sign(f"{path}.size_t", self.size_t, strict=False)
        yield from sign(f"{path}.max_release_t_per_day", self.max_release_t_per_day)
        yield from sign(f"{path}.check_days", self.check_days)
        for j, b in enumerate(self.eligible):
            node = s.buyers.get(b) or s.facilities.get(b)
            if node is not None and not has_lane(w.lanes, self.id, self.holder, b, node.country):
                yield f"{path}.eligible.{j}", no_lane(self.id, self.holder, b, node.country)
        if self.refill is not None:
            for sid in [*self.refill.sourcing.suppliers, *self.refill.sourcing.alternates]:
                if sid not in s.facilities:
                    yield f"{path}.refill.sourcing", unknown("facility", sid, s.facilities)
            yield from sign(f"{path}.refill.rate_t_per_year", self.refill.rate_t_per_year, False)
