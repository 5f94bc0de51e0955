"""Domains of scenario values: what a number may be, checked in validation and at every draw.

A scenario number is a plain float or a distribution (`distributions.Number`). A domain bounds it:
a plain value must lie within the bounds, and so must every value a distribution can draw (the
low/high of uniform and triangular; a truncated normal draws values down to 0, a lognormal values
above 0). NaN and infinities are refused everywhere (`allow_inf_nan=False` on every model).

Upper bounds catch values that are surely a typo, not values that are merely unlikely:

- days: at most `MAX_DAYS` (100 years), and so is the horizon; the period of a repeating process
  (reviews, demand noise, quota periods, policy checks) at least `MIN_PERIOD_DAYS` (2.4 hours:
  the model steps by days, and a period of 1e-6 days would be millions of wake-ups a day);
- tonnes and tonnes per year: at most `MAX_TONNES` (1 Gt; world rare-earth mine output is
  about 0.4 Mt/yr, so 1 Gt still serves as "unlimited");
- US dollars: at most `MAX_USD` (10 trillion); prices at most `MAX_USD_PER_KG`;
- growth: more than −1 per year (−100 %) and at most `MAX_GROWTH` (+1,000 % per year);
- rates per year, coefficients of variation, multipliers and elasticities: see each type.

For distributions without an upper limit (normal, lognormal) the upper bound is compared with the
mean. `Domain.check` is also applied to every sampled value (`sim.model.params`), so a draw that
falls outside (e.g. an overflow to infinity) is an error naming its key path.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from sim.scenario.distributions import Fixed, Lognormal, Normal, Number, Triangular, Uniform
from sim.scenario.text import show

MAX_DAYS = 36_500.0
MIN_PERIOD_DAYS = 0.1
MAX_TONNES = 1e9
MAX_USD = 1e13
MAX_USD_PER_KG = 1e6
MAX_GROWTH = 10.0
MAX_PER_YEAR = 365.0
MAX_CV = 10.0
MAX_MULTIPLIER = 100.0


@dataclass(frozen=True)
class Domain:
    """Bounds of a number: `gt`/`ge` below, `le` above (None = unbounded)."""

    gt: float | None = None
    ge: float | None = None
    le: float | None = None
    hard_le: bool = False  # `le` is a limit of meaning (a probability), not a typo bound

    def violation(self, value: float, shown: str | None = None) -> str | None:
        """Why `value` (written `shown`) is outside the domain, or None."""
        got = show(value) if shown is None else shown
        if not math.isfinite(value):
            return f"must be a finite number (got {got})"
        if self.gt is not None and not value > self.gt:
            return f"must be > {show(self.gt)} (got {got})"
        if self.ge is not None and not value >= self.ge:
            return f"must be >= {show(self.ge)} (got {got})"
        if self.le is not None and not value <= self.le:
            return f"must be <= {show(self.le)} (got {got})"
        return None

    def draw_violation(self, value: float) -> str | None:
        """Why a drawn `value` is outside the domain, or None; typo bounds do not apply (a
        lognormal may draw far into its tail)."""
        return Domain(self.gt, self.ge, self.le if self.hard_le else None).violation(value)

    def check(self, x: Number) -> Number:
        """`x` if every value it can take lies in the domain; else `ValueError` saying why."""
        if isinstance(x, int | float | Fixed):
            if (
                why := self.violation(float(x if not isinstance(x, Fixed) else x.value))
            ) is not None:
                raise ValueError(why)
            return x
        for label, value in self._extremes(x):
            if (why := self.violation(value, f"{label}={show(value)}")) is not None:
                raise ValueError(why)
        return x

    def _extremes(self, x: Any) -> Iterator[tuple[str, float]]:
        """(label, value) of the smallest and largest values `x` can draw."""
        if isinstance(x, Uniform | Triangular):
            yield "low", x.low
            yield "high", x.high
        elif isinstance(x, Normal | Lognormal):
            floor = self.gt if self.gt is not None else self.ge
            if floor is not None and floor > 0:
                raise ValueError(
                    f"must be {'>' if self.gt is not None else '>='} {show(floor)}, and a "
                    f"{x.dist} can draw values down to 0: use uniform or triangular"
                )
            if self.hard_le:
                raise ValueError(
                    f"must be <= {show(self.le)}, and a {x.dist} can draw any large value: "
                    "use a number, or a fixed, uniform or triangular distribution"
                )
            yield "mean", x.mean()  # a normal with a mean > 0 draws values > 0

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # Bounds at the level of the union apply to its number branch only (JSON Schema
        # numeric keywords ignore objects); distributions are checked by the loader.
        out = dict(handler(schema))
        if self.gt is not None:
            out["exclusiveMinimum"] = self.gt
        if self.ge is not None:
            out["minimum"] = self.ge
        if self.le is not None:
            out["maximum"] = self.le
        return out


def domain_of(annotation: Any) -> Domain | None:
    """The `Domain` in an annotation (`Annotated[Number, Domain(...)]`, possibly `| None`)."""
    if get_origin(annotation) is Annotated:
        return next((m for m in get_args(annotation)[1:] if isinstance(m, Domain)), None)
    for arg in get_args(annotation):
        if (found := domain_of(arg)) is not None:
            return found
    return None


#: Days where zero is meaningless: periods, review and transit times.
PositiveDays = Annotated[Number, Domain(gt=0, le=MAX_DAYS)]
#: The period of a repeating process: reviews, demand noise, quota periods, policy checks.
PeriodDays = Annotated[Number, Domain(ge=MIN_PERIOD_DAYS, le=MAX_DAYS)]
#: Days that may be zero: delays, cover, validity.
NonNegativeDays = Annotated[Number, Domain(ge=0, le=MAX_DAYS)]
#: A capacity or demand rate, t/yr, strictly positive.
PositiveTonnesPerYear = Annotated[Number, Domain(gt=0, le=MAX_TONNES)]
#: A rate or cap, t/yr or t/day, that may be zero.
NonNegativeTonnesPerYear = Annotated[Number, Domain(ge=0, le=MAX_TONNES)]
#: A stock or amount, t.
NonNegativeTonnes = Annotated[Number, Domain(ge=0, le=MAX_TONNES)]
#: Tonnes, strictly positive (a rate or cap of 0 would make its policy do nothing).
PositiveTonnes = Annotated[Number, Domain(gt=0, le=MAX_TONNES)]
#: Tonnes of one commodity per tonne of activity (recipes, baskets).
PositivePerTonne = Annotated[Number, Domain(gt=0, le=MAX_TONNES)]
#: US dollars that may be zero.
NonNegativeUsd = Annotated[Number, Domain(ge=0, le=MAX_USD)]
#: A reference price, USD/kg.
PositiveUsdPerKg = Annotated[Number, Domain(gt=0, le=MAX_USD_PER_KG)]
#: Growth, fraction per year: more than −1 (a shrinking capacity or demand cannot go below 0).
GrowthPerYear = Annotated[Number, Domain(gt=-1, le=MAX_GROWTH)]
#: Decisions (e.g. licence applications) per week: at least 0.02 (about one a year; a rate
#: below that decides nothing within a horizon), at most a million.
PositiveDecisionsPerWeek = Annotated[Number, Domain(ge=0.02, le=1e6)]
#: Events or shares per year (outage rates, substitution rates), at most daily.
NonNegativePerYear = Annotated[Number, Domain(ge=0, le=MAX_PER_YEAR)]
#: A coefficient of variation.
NonNegativeCv = Annotated[Number, Domain(ge=0, le=MAX_CV)]
#: A factor on a rate or index (demand multipliers, elasticities, price multiples).
NonNegativeMultiplier = Annotated[Number, Domain(ge=0, le=MAX_MULTIPLIER)]
#: A factor of at least 1 (an index under complete shortfall).
AtLeastOne = Annotated[Number, Domain(ge=1, le=MAX_MULTIPLIER * 10)]
#: A probability: a number or a bounded distribution within [0, 1].
Probability = Annotated[Number, Domain(ge=0, le=1, hard_le=True)]
#: A plain fraction in [0, 1] (mass fractions, capacity factors, ramp steps).
Fraction = Annotated[float, Domain(ge=0, le=1)]
#: A share in (0, 1] (quota shares, offtake shares, origin mixes).
Share = Annotated[float, Domain(gt=0, le=1)]
#: A positive weight (supplier shares, normalised to 1).
Weight = Annotated[float, Domain(gt=0, le=MAX_TONNES)]


def sum_at_most_one(shares: dict[str, float]) -> dict[str, float]:
    """`shares` if they sum to at most 1 (a little rounding allowed)."""
    if (total := sum(shares.values())) > 1 + 1e-9:
        raise ValueError(f"must sum to at most 1 (got {total:g})")
    return shares


def sum_to_one(shares: dict[str, float]) -> dict[str, float]:
    """`shares` if they sum to 1 (a little rounding allowed)."""
    if shares and abs((total := sum(shares.values())) - 1) > 1e-6:
        raise ValueError(f"must sum to 1 (got {total:g})")
    return shares
