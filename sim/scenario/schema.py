"""The scenario schema: frozen, strict pydantic models; cross-references live in `references.py`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.distributions import Number, mean_of

SCHEMA_VERSION = 1

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
Country = Annotated[
    str, Field(pattern=r"^[A-Z]{2,3}$", description="Country code, e.g. CN, US, JP.")
]
Share = Annotated[float, Field(gt=0, le=1)]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys rejected, immutable, optional `source:`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
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
    contains: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="Mass fraction of each element group."
    )
    basket: dict[str, Annotated[float, Field(gt=0)]] | None = Field(
        default=None, description="Co-products per tonne separated (t of each commodity)."
    )
    value_usd_per_kg: Number | None = Field(
        default=None, description="Reference price, used for content-by-value rules."
    )
    description: str = ""


class Recipe(Strict):
    """Inputs and outputs per tonne of activity (e.g. per tonne of feed separated)."""

    inputs: dict[str, Number] = Field(default_factory=dict)
    outputs: dict[str, Number] | None = Field(
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
    review_days: Number = Field(default=7.0, description="Days between reviews.")
    cover_days: Number | None = Field(
        default=None,
        description="cover rule: target inventory position in days of use "
        "(default: safety stock + review period + mean transit).",
    )
    level_t: Number | None = None
    reorder_point_t: Number | None = None
    order_up_to_t: Number | None = None

    @model_validator(mode="after")
    def _rule_fields(self) -> Ordering:
        if self.rule == "base_stock" and self.level_t is None:
            raise ValueError("rule base_stock needs level_t")
        if self.rule == "s_S" and (self.reorder_point_t is None or self.order_up_to_t is None):
            raise ValueError("rule s_S needs reorder_point_t and order_up_to_t")
        if mean_of(self.review_days) <= 0:
            raise ValueError("review_days must be > 0")
        return self


class Sourcing(Strict):
    """Where a node buys one commodity, and how it switches when a supplier cannot ship."""

    suppliers: dict[str, Annotated[float, Field(gt=0)]] = Field(
        description="Preferred suppliers and their shares (normalised to 1)."
    )
    alternates: list[str] = Field(
        default_factory=list, description="Suppliers qualified when a preferred one fails."
    )
    qualification_days: Number = Field(default=90.0, description="Delay to qualify an alternate.")
    patience_days: Number = Field(
        default=30.0, description="Days a supplier may fail to ship before alternates qualify."
    )


class Facility(Strict):
    """A mine, separation plant, metal maker, magnet maker or recycler."""

    stage: Literal["mine", "separation", "metal", "magnet", "recycling"]
    country: Country
    operator: str = ""
    capacity: dict[str, Number] = Field(description="Nameplate capacity per output, t/yr.")
    growth_per_year: Number = Field(default=0.0, description="Capacity growth, fraction per year.")
    online: dt.date | None = Field(default=None, description="First day of production.")
    ramp: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: [1.0],
        description="Fraction of nameplate in year 1, 2, … after `online` (last value held).",
    )
    recipe: Recipe = Field(default_factory=Recipe)
    inventory: dict[str, Number] = Field(default_factory=dict, description="Initial stock, t.")
    output_cover_days: Number = Field(
        default=30.0,
        description="Stop producing when output stock exceeds this many days of capacity.",
    )
    ordering: Ordering = Field(default_factory=Ordering)
    sourcing: dict[str, Sourcing] = Field(default_factory=dict)


class Demand(Strict):
    """A buyer's need for one commodity."""

    rate_t_per_year: Number
    growth_per_year: Number = 0.0
    noise_cv: Number = Field(default=0.0, description="Coefficient of variation per noise period.")
    noise_period_days: Number = 7.0


class Buyer(Strict):
    """An end user by country and sector; unmet demand is lost production (shortage)."""

    country: Country
    sector: str = ""
    demand: dict[str, Demand]
    safety_stock_days: Number = Field(default=30.0, description="Initial stock and buffer, days.")
    inventory: dict[str, Number] = Field(
        default_factory=dict, description="Initial stock, t (default: safety stock)."
    )
    ordering: Ordering = Field(default_factory=Ordering)
    sourcing: dict[str, Sourcing] = Field(default_factory=dict)


class Lane(Strict):
    """Transport between two nodes, or a default between countries (node ids win over countries)."""

    origin: str = Field(description="Facility id or country code.")
    destination: str = Field(description="Facility/buyer id or country code.")
    transit_days: Number = Field(description="Transit time, sampled per shipment.")
    capacity_t_per_year: Number | None = None


class PolicyBase(Strict):
    """Common fields of dated policies."""

    id: Id
    start: dt.date
    end: dt.date | None = None
    description: str = ""

    @model_validator(mode="after")
    def _dates(self) -> PolicyBase:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class FacilityOutage(PolicyBase):
    """A facility neither produces nor ships between `start` and `end`."""

    type: Literal["facility_outage"]
    facility: str
    capacity_factor: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.0, description="Remaining share of capacity (0 = full halt, no shipments)."
    )


class LaneClosure(PolicyBase):
    """No shipment leaves `origin` for `destination` between `start` and `end`."""

    type: Literal["lane_closure"]
    origin: str
    destination: str


Policy = Annotated[FacilityOutage | LaneClosure, Field(discriminator="type")]


class Scenario(Strict):
    """A world to simulate: materials, facilities, buyers, lanes, dated policies."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: Id
    description: str = ""
    extends: str | None = Field(default=None, description="Base scenario file, relative path.")
    horizon: Horizon
    seed: int = Field(default=0, ge=0)
    elements: dict[str, Element]
    commodities: dict[str, Commodity]
    facilities: dict[str, Facility] = Field(default_factory=dict)
    buyers: dict[str, Buyer]
    lanes: list[Lane] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
