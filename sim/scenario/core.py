"""The scenario schema's entries other than policies (nodes, materials, lanes): the shared
base `Strict` and what policy specs build on; `schema.py` assembles the `Scenario`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.scenario.distributions import Fixed, Number
from sim.scenario.domains import (
    MAX_DAYS,
    Fraction,
    GrowthPerYear,
    NonNegativeCv,
    NonNegativeDays,
    NonNegativeMultiplier,
    NonNegativeTonnes,
    PeriodDays,
    PositiveDays,
    PositivePerTonne,
    PositiveTonnesPerYear,
    PositiveUsdPerKg,
    Probability,
    Weight,
    sum_at_most_one,
)
from sim.scenario.text import show

SCHEMA_VERSION: Literal[1] = 1

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
Country = Annotated[
    str, Field(pattern=r"^[A-Z]{2,3}$", description="Country code, e.g. CN, US, JP.")
]
#: A key naming an entry (facility, buyer, commodity, element, policy): addressable by `--set`,
#: safe in figures and file names.
Key = Id


class Strict(BaseModel):
    """Base of every scenario model: unknown keys rejected, immutable, optional `source:`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )
    source: str | None = Field(
        default=None, description="Where the values of this entry come from."
    )


class Horizon(Strict):
    """Simulated period as calendar dates; the engine runs in days from `start`."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Horizon:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    @field_validator("end")
    @classmethod
    def _length(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if isinstance(start, dt.date) and (end - start).days > MAX_DAYS:
            raise ValueError(
                f"{end} is {(end - start).days:,} days after start ({start}), more than 100 "
                f"years ({MAX_DAYS:,.0f} days)"
            )
        return end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


class Element(Strict):
    """An element or a group of elements tracked together (e.g. `HREE_other` = Gd, Lu, Sc, Y)."""

    members: list[str] = Field(default_factory=list, description="Chemical symbols in the group.")
    description: str = ""


CommodityKind = Literal[
    "ore", "concentrate", "intermediate", "oxide", "metal", "alloy", "magnet", "product"
]


class Commodity(Strict):
    """A traded material, what it contains and, for mixed feeds, what separating it yields."""

    kind: CommodityKind
    contains: Annotated[dict[str, Fraction], AfterValidator(sum_at_most_one)] = Field(
        default_factory=dict, description="Mass fraction of each element group (sum <= 1)."
    )
    basket: dict[str, Annotated[float, Field(gt=0, le=1e9)]] | None = Field(
        default=None,
        min_length=1,
        description="Co-products per tonne separated (t of each commodity).",
    )
    value_usd_per_kg: PositiveUsdPerKg | None = Field(
        default=None,
        description="Reference price. When every input of a plant has one, the origin mix of "
        "its output is weighted by value (content-by-value rules such as Ann. 61's 0.1 %); "
        "otherwise by mass.",
    )
    description: str = ""


class Recipe(Strict):
    """Inputs and outputs per tonne of activity (e.g. per tonne of feed separated)."""

    inputs: dict[str, PositivePerTonne] = Field(default_factory=dict)
    outputs: dict[str, PositivePerTonne] | None = Field(
        default=None,
        description="Outputs per tonne of activity. Default: the basket of the single input, "
        "or 1.0 of the single capacity commodity.",
    )


class Ordering(Strict):
    """How a node replenishes its inputs at each review."""

    rule: Literal["cover", "base_stock", "s_S"] = Field(
        default="cover",
        description="cover: order up to `cover_days` of current use; base_stock: up to `level_t`; "
        "s_S: when position < `reorder_point_t`, order up to `order_up_to_t`.",
    )
    review_days: PeriodDays = Field(default=7.0, description="Days between reviews.")
    cover_days: NonNegativeDays | None = Field(
        default=None,
        description="cover rule: target inventory position in days of use "
        "(default: safety stock + review period + mean transit).",
    )
    level_t: NonNegativeTonnes | None = None
    reorder_point_t: NonNegativeTonnes | None = None
    order_up_to_t: NonNegativeTonnes | None = None
    max_lot_days: PositiveDays | None = Field(
        default=None,
        description="Largest order placed at one review, in days of current use (default: two "
        "review periods for the cover rule, no limit for base_stock and s_S). A gap left by "
        "refused or withdrawn orders is reordered over several reviews, not in one lot.",
    )
    delivery_days: NonNegativeDays | None = Field(
        default=None,
        description="Days over which each shipment to this node leaves its supplier, in equal "
        "daily loads: deliveries called off across the period an order covers (default: the "
        "review period for the cover rule, 0 for base_stock and s_S; 0: each shipment leaves in "
        "one load). No load is smaller than a day of use, and a supplier calls off at most one "
        "lot (max_lot_days) per delivery period on a lane. A large order, or a backlog let go "
        "at once, leaves at a daily pace instead of in one day.",
    )

    @model_validator(mode="after")
    def _rule_fields(self) -> Ordering:
        if self.rule == "base_stock" and self.level_t is None:
            raise ValueError("rule base_stock needs level_t")
        if self.rule == "s_S" and (self.reorder_point_t is None or self.order_up_to_t is None):
            raise ValueError("rule s_S needs reorder_point_t and order_up_to_t")
        s, big_s = self.reorder_point_t, self.order_up_to_t
        if self.rule == "s_S" and plainly_below(big_s, s):
            raise ValueError(
                f"order_up_to_t ({show(big_s)}) must be at least reorder_point_t ({show(s)})"
            )
        return self


def plain(x: Number | None) -> Number | None:
    """A fixed value as its number; anything else as it is."""
    return x.value if isinstance(x, Fixed) else x


def plainly_below(a: Number | None, b: Number | None) -> bool:
    """True when `a` and `b` are plain numbers (or fixed values) and `a < b`; distributions
    are not compared."""
    x, y = plain(a), plain(b)
    return isinstance(x, int | float) and isinstance(y, int | float) and x < y


class Sourcing(Strict):
    """Where a node buys one commodity, and how it switches when a supplier cannot ship."""

    suppliers: dict[str, Weight] = Field(
        min_length=1, description="Preferred suppliers and their shares (normalised to 1)."
    )
    alternates: list[str] = Field(
        default_factory=list, description="Suppliers qualified when a preferred one fails."
    )
    qualification_days: PositiveDays = Field(
        default=90.0, description="Delay to qualify an alternate."
    )
    patience_days: NonNegativeDays = Field(
        default=30.0, description="Days a supplier may fail to ship before alternates qualify."
    )
    qualification_success: Probability = Field(
        default=1.0,
        description="Probability that qualifying an alternate succeeds; one that fails is "
        "qualified again the next time a supplier of the commodity fails.",
    )
    split: Literal["shares", "capacity"] = Field(
        default="shares",
        description="shares: orders split by the shares; capacity: by share × each supplier's "
        "capacity for the commodity at the time (ramping plants take a growing part).",
    )
    price_elasticity: NonNegativeMultiplier = Field(
        default=0.0,
        description="η ≥ 0: each supplier's weight is multiplied by its delivered price index "
        "to the power −η (needs `prices:`), so orders shift toward cheaper supply; the "
        "delivered index is the scarcity part of the index in the supplier's country times the "
        "buyer region's export premium where an export control covers the supplier; 0: prices "
        "do not steer sourcing.",
    )


class Stage(Strict):
    """A step of the supply chain; every facility names the stage it belongs to."""

    name: Id
    sets_origin: bool = Field(
        default=False,
        description="Material made at this stage takes the plant's country as its origin "
        "(mining, separation); otherwise the origin mix of the inputs passes through.",
    )


#: Rare earths' chain, the default of `stages`: mine → separation → metal → magnet, and recycling.
DEFAULT_STAGES: tuple[Id | Stage, ...] = (
    Stage(name="mine", sets_origin=True),
    Stage(name="separation", sets_origin=True),
    "metal",
    "magnet",
    Stage(name="recycling", sets_origin=True),
)


class Facility(Strict):
    """A plant of one stage of the chain (a mine, refinery, metal maker, product maker, …)."""

    stage: Id = Field(description="A stage named in the scenario's `stages`.")
    country: Country
    operator: str = ""
    capacity: dict[str, PositiveTonnesPerYear] = Field(
        min_length=1, description="Nameplate capacity per output, t/yr."
    )
    growth_per_year: GrowthPerYear = Field(
        default=0.0, description="Capacity growth, fraction per year."
    )
    online: dt.date | None = Field(default=None, description="First day of production.")
    ramp: list[Fraction] = Field(
        default_factory=lambda: [1.0],
        min_length=1,
        description="Fraction of nameplate in year 1, 2, … after `online` (last value held).",
    )
    recipe: Recipe = Field(default_factory=Recipe)
    inventory: dict[str, NonNegativeTonnes] = Field(
        default_factory=dict, description="Initial stock, t."
    )
    output_cover_days: NonNegativeDays = Field(
        default=30.0,
        description="Stop producing when output stock exceeds this many days of capacity.",
    )
    ordering: Ordering = Field(default_factory=Ordering)
    sourcing: dict[str, Sourcing] = Field(default_factory=dict)


class Demand(Strict):
    """A buyer's need for one commodity."""

    rate_t_per_year: PositiveTonnesPerYear
    growth_per_year: GrowthPerYear = 0.0
    noise_cv: NonNegativeCv = Field(
        default=0.0, description="Coefficient of variation per noise period."
    )
    noise_period_days: PeriodDays = 7.0


class Buyer(Strict):
    """An end user by country and sector; unmet demand is lost production (shortage)."""

    country: Country
    sector: str = ""
    demand: dict[str, Demand] = Field(min_length=1)
    safety_stock_days: NonNegativeDays = Field(
        default=30.0, description="Initial stock and buffer, days."
    )
    inventory: dict[str, NonNegativeTonnes] = Field(
        default_factory=dict, description="Initial stock, t (default: safety stock)."
    )
    ordering: Ordering = Field(default_factory=Ordering)
    sourcing: dict[str, Sourcing] = Field(default_factory=dict)


class Lane(Strict):
    """Transport between two nodes, or a default between countries (node ids win over countries)."""

    origin: str = Field(description="Facility id or country code.")
    destination: str = Field(description="Facility/buyer id or country code.")
    transit_days: PositiveDays = Field(
        description="Transit time, sampled per shipment (per load of one leaving in loads)."
    )
    capacity_t_per_year: PositiveTonnesPerYear | None = Field(
        default=None,
        description="Throughput: a shipment waits until the lane is free, then occupies it for "
        "its tonnes / capacity, its loads leaving across that time (no limit when null).",
    )
