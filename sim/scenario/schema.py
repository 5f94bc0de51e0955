"""The scenario schema: frozen, strict pydantic models. Entries live in `core.py`, each policy
kind in `policies/<kind>.py` (found, not listed); cross-references are checked in `references.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias, Union

from pydantic import Field

from sim.scenario.core import (
    DEFAULT_STAGES,
    SCHEMA_VERSION,
    Buyer,
    Commodity,
    CommodityKind,
    Country,
    Demand,
    Element,
    Facility,
    Horizon,
    Id,
    Key,
    Lane,
    Ordering,
    Recipe,
    Sourcing,
    Stage,
    Strict,
)
from sim.scenario.domains import (
    AtLeastOne,
    NonNegativeDays,
    NonNegativeMultiplier,
    PositiveDays,
    PositiveUsdPerKg,
)
from sim.scenario.levers import Lever
from sim.scenario.policies import specs
from sim.scenario.policies.base import PolicyBase
from sim.scenario.risk import RiskSpec

__all__ = [
    "DEFAULT_STAGES",
    "SCHEMA_VERSION",
    "Buyer",
    "Commodity",
    "CommodityKind",
    "Country",
    "Demand",
    "Element",
    "Facility",
    "Horizon",
    "Id",
    "Key",
    "Lane",
    "Ordering",
    "Policy",
    "PolicyBase",
    "Prices",
    "Recipe",
    "Scenario",
    "Sourcing",
    "Stage",
    "Strict",
]

if TYPE_CHECKING:
    Policy: TypeAlias = PolicyBase
else:
    #: Every policy kind of `sim.scenario.policies`, told apart by `type:`.
    Policy = Annotated[Union[specs()], Field(discriminator="type")]  # noqa: UP007


class Prices(Strict):
    """Market prices per commodity and region (buyer or plant country): a reference price in
    USD/kg times an index that starts at 1 — a scarcity part driven by unmet demand and an
    ex-exporter premium while an export control covers the commodity into the region."""

    commodities: list[str] | None = Field(
        default=None,
        description="Commodities priced (if unset: those buyers demand and those with a "
        "reference price).",
    )
    reference_usd_per_kg: dict[str, PositiveUsdPerKg] = Field(
        default_factory=dict,
        description="Price at index 1 (before any shock), USD/kg, per commodity; commodities "
        "without one have an index only.",
    )
    shortage_multiple: AtLeastOne = Field(
        default=10.0,
        description="Index the scarcity part tends to under complete shortfall (shortage = "
        "demand); a shortfall fraction f gives shortage_multiple^f.",
    )
    rise_days: PositiveDays = Field(default=60.0, description="Time constant of the rise.")
    half_life_days: PositiveDays = Field(
        default=365.0, description="Half-life of the decline once supply recovers."
    )
    controlled_premium: AtLeastOne = Field(
        default=2.5,
        description="Index multiple outside the exporter while an export control covers the "
        "commodity into that region and all of the region's orders are unmet; an unmet share u "
        "gives controlled_premium^u.",
    )
    premium_days: PositiveDays = Field(
        default=30.0, description="Time constant of the premium's rise."
    )
    premium_half_life_days: PositiveDays | None = Field(
        default=None,
        description="Half-life of the premium's decline once orders are met again (if unset: "
        "premium_days × ln 2, the rise's time constant).",
    )
    unmet_after_days: NonNegativeDays = Field(
        default=14.0,
        description="An order (or a shipment held by a policy) counts as unmet demand once it "
        "has waited this many days.",
    )
    unmet_window_days: PositiveDays = Field(
        default=30.0,
        description="Unmet share = unmet tonnes / (unmet tonnes + tonnes received in this many "
        "past days), per region.",
    )
    capacity_loss_flexibility: NonNegativeMultiplier = Field(
        default=0.0,
        description="Price flexibility φ (1 / short-run price elasticity of demand) with which "
        "a region's price answers capacity it lost: a share L of the region's capacity to make "
        "the commodity cut off from its feed or out of action gives the scarcity part a target "
        "(1 − L)^−φ (at most shortage_multiple), the price at which demand falls to the "
        "capacity left; 0: lost capacity is seen only through unmet orders.",
    )


class Scenario(Strict):
    """A world to simulate: materials, facilities, buyers, lanes, dated policies."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: Id
    description: str = ""
    extends: str | None = Field(default=None, description="Base scenario file, relative path.")
    horizon: Horizon
    seed: int = Field(default=0, ge=0)
    stages: list[Id | Stage] = Field(
        default_factory=lambda: list(DEFAULT_STAGES),
        min_length=1,
        description="Stages of the chain in order, from raw material to product: a name, or "
        "`{name, sets_origin}`. Default: rare earths' mine (sets origin), separation (sets "
        "origin), metal, magnet, recycling (sets origin).",
    )
    initial_pipeline: bool = Field(
        default=True,
        description="Start with lanes carrying what steady ordering keeps in transit (each "
        "node's use × supplier share × mean transit time, landing evenly over the transit time); "
        "false starts with empty lanes.",
    )
    elements: dict[Key, Element]
    commodities: dict[Key, Commodity]
    facilities: dict[Key, Facility] = Field(default_factory=dict)
    buyers: dict[Key, Buyer]
    lanes: list[Lane] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    prices: Prices | None = Field(
        default=None,
        description="Optional market prices (USD/kg and index), reported in the timeseries and "
        "followed during the run by price_response policies.",
    )
    risk: RiskSpec | None = Field(
        default=None,
        description="Grid and levels of the risk metrics (risk.csv, minsim risk, the report); "
        "defaults as documented for each key when unset.",
    )
    levers: dict[Id, Lever] = Field(
        default_factory=dict,
        description="Values the workshop page offers to change (`minsim workshop`), by name.",
    )
