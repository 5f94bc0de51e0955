"""The scenario schema: frozen, strict pydantic models; cross-references live in `references.py`."""

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
    AtLeastOne,
    Fraction,
    GrowthPerYear,
    NonNegativeCv,
    NonNegativeDays,
    NonNegativeMultiplier,
    NonNegativePerYear,
    NonNegativeTonnes,
    NonNegativeTonnesPerYear,
    NonNegativeUsd,
    PeriodDays,
    PositiveDays,
    PositiveDecisionsPerWeek,
    PositivePerTonne,
    PositiveTonnesPerYear,
    PositiveUsdPerKg,
    Probability,
    Share,
    Weight,
    sum_at_most_one,
    sum_to_one,
)
from sim.scenario.levers import Lever
from sim.scenario.risk import RiskSpec
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
        if self.rule == "s_S" and _below(big_s, s):
            raise ValueError(
                f"order_up_to_t ({show(big_s)}) must be at least reorder_point_t ({show(s)})"
            )
        return self


def _below(a: Number | None, b: Number | None) -> bool:
    """True when `a` and `b` are plain numbers and `a < b` (distributions are not compared)."""
    plain = [x.value if isinstance(x, Fixed) else x for x in (a, b)]
    x, y = plain
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
    capacity_factor: Fraction = Field(
        default=0.0, description="Remaining share of capacity (0 = full halt, no shipments)."
    )


class LaneClosure(PolicyBase):
    """No shipment leaves `origin` for `destination` between `start` and `end`."""

    type: Literal["lane_closure"]
    origin: str
    destination: str


class AllBut(Strict):
    """Every destination except those listed."""

    all_but: list[str] = Field(min_length=1, description="Country codes or node ids excluded.")


class LicenseRule(Strict):
    """Licence terms for matching shipments; the first matching rule of a control wins."""

    destinations: list[str] | None = Field(
        default=None, description="Buyer countries or node ids the rule applies to (all if unset)."
    )
    sectors: list[str] | None = Field(
        default=None, description="Buyer sectors (end uses) the rule applies to (all if unset)."
    )
    approval_rate: Probability | None = Field(
        default=None, description="Probability that an application is approved."
    )
    validity_days: NonNegativeDays | None = Field(
        default=None, description="Days an approval covers later shipments of the same pair."
    )
    review_days: PositiveDays | None = Field(
        default=None, description="Review time of an application, sampled per application."
    )


class License(Strict):
    """Licensing: every covered shipment waits for a licence, unless its supplier→buyer pair
    holds a valid one."""

    review_days: PositiveDays = Field(
        default=63.0,
        description="Review time, sampled per application (45 working days ≈ 63 calendar days).",
    )
    approval_rate: Probability = Field(
        default=1.0, description="Probability that an application is approved."
    )
    validity_days: NonNegativeDays = Field(
        default=0.0,
        description="An approval covers later shipments of the same supplier→buyer pair for this "
        "many days (general licence, e.g. 365; temporary, 182); 0 = one licence per shipment.",
    )
    rules: list[LicenseRule] = Field(
        default_factory=list,
        description="Terms by destination and end use; the first matching rule overrides the "
        "defaults above (e.g. sector defense refused).",
    )
    applications: Literal["contract", "shipment"] = Field(
        default="contract",
        description="contract: one application per supplier→buyer pair covers the shipments of "
        "the pair held within `contract_days` of filing; shipment: one application per shipment.",
    )
    contract_days: NonNegativeDays = Field(
        default=30.0,
        description="Days after filing during which held shipments of the pair join the same "
        "contract application; a later one files a new application.",
    )
    capacity_per_week: PositiveDecisionsPerWeek | None = Field(
        default=None,
        description="Decisions the licensing authority makes per week at most (drawn once per "
        "replication); of the applications whose review time is over, the earliest filed is "
        "decided at the next free slot. Unset: no limit.",
    )


class QuotaTranche(Strict):
    """One batch of a quota period: issued `day` days after the period starts."""

    day: Annotated[float, Field(ge=0, le=36_500)] = Field(
        description="Days after the period start."
    )
    share: Share = Field(description="Share of the period's tonnes in this batch.")


class Quota(Strict):
    """A cap on covered exports per period; unused quota does not carry over."""

    tonnes: NonNegativeTonnes = Field(description="Tonnes of covered commodities per period.")
    period_days: PeriodDays = Field(default=365.0, description="Length of a quota period.")
    pace: Literal["even", "upfront"] = Field(
        default="even",
        description="even: each tranche accrues evenly from its issue to the end of the period, "
        "so exporters ship across the period; upfront: a tranche can be shipped at once (first "
        "come, first served).",
    )
    tranches: list[QuotaTranche] = Field(
        default_factory=lambda: [QuotaTranche(day=0.0, share=1.0)],
        description="Dated batches of the quota: days after the period start and share of the "
        "period's tonnes; shares sum to at most 1.",
    )
    allocation: Literal["pooled", "shares"] = Field(
        default="pooled",
        description="pooled: one quota, first come first served across destinations; shares: "
        "each destination gets a fixed share of the quota.",
    )
    shares: dict[str, Share] = Field(
        default_factory=dict,
        description="allocation shares: destination country or node id → share; the key `other` "
        "covers destinations not listed (otherwise they get nothing).",
    )

    @model_validator(mode="after")
    def _shares(self) -> Quota:
        if self.allocation == "shares" and not self.shares:
            raise ValueError("allocation shares needs `shares`")
        if sum(self.shares.values()) > 1 + 1e-9:
            raise ValueError(f"shares must sum to at most 1 (got {sum(self.shares.values()):g})")
        total = sum(t.share for t in self.tranches)
        if total > 1 + 1e-9:
            raise ValueError(f"tranche shares must sum to at most 1 (got {total:g})")
        return self


class Extraterritorial(Strict):
    """Products made outside the exporter that carry exporter-origin content need the same
    treatment (e.g. MOFCOM Ann. 61: ≥ 0.1 % China-origin rare-earth value)."""

    threshold: Fraction = Field(
        default=0.001,
        description="Minimum share of exporter-origin material in the shipped stock (its origin "
        "mix, value-weighted through the chain where inputs have prices, else mass-weighted).",
    )
    only: bool = Field(
        default=False,
        description="Cover only shipments made outside the exporter (a rule such as Ann. 61 "
        "on its own, on top of controls that already cover the exporter's direct exports).",
    )


class ExportControl(PolicyBase):
    """An exporter restricts covered commodities to some destinations: ban, quota or licence."""

    type: Literal["export_control"]
    exporter: Country
    elements: list[str] = Field(
        default_factory=list,
        description="Covered elements: chemical symbols or element-group ids; a commodity that "
        "contains a covered group is covered (a magnet with Dy/Tb by a Dy/Tb control).",
    )
    commodities: list[str] = Field(default_factory=list, description="Covered commodities.")
    kinds: list[CommodityKind] | None = Field(
        default=None, description="Only commodities of these kinds are covered (all if unset)."
    )
    destinations: Literal["all"] | list[str] | AllBut = Field(
        default="all", description="`all`, a list of countries/node ids, or `{all_but: [...]}`."
    )
    mode: Literal["ban", "quota", "license"] = Field(
        description="ban: nothing covered leaves; quota: at most `quota.tonnes` per period; "
        "license: each covered shipment needs a licence (see `license`)."
    )
    quota: Quota | None = Field(default=None, description="Required with mode quota.")
    license: License | None = Field(
        default=None, description="Licence terms with mode license (defaults if unset)."
    )
    on_denied: Literal["hold", "cancel", "resource"] = Field(
        default="hold",
        description="Blocked or refused shipments. hold: wait (a ban keeps the order open at the "
        "supplier; a refused licence keeps the shipment in custody) until the control lifts; "
        "cancel: the order is cancelled and the material stays with the supplier; resource: "
        "cancel, and the buyer drops the supplier at once and qualifies its alternates.",
    )
    extraterritorial: Extraterritorial | None = None
    on_end: Literal["drain", "release"] = Field(
        default="drain",
        description="When the control lifts. drain: applications still pending keep being "
        "reviewed (under the terms of a later control of the same exporter that covers them, if "
        "one is active) and held shipments leave only when decided; orders waiting at suppliers "
        "are served as stock allows. release: everything held leaves at once (customs lifting a "
        "ban).",
    )

    @model_validator(mode="after")
    def _scope(self) -> ExportControl:
        if not self.elements and not self.commodities:
            raise ValueError("name covered `elements` or `commodities` (or both)")
        if self.mode == "quota" and self.quota is None:
            raise ValueError("mode quota needs `quota`")
        if self.mode != "quota" and self.quota is not None:
            raise ValueError(f"`quota` is only used with mode quota (mode is {self.mode})")
        if self.mode != "license" and self.license is not None:
            raise ValueError(f"`license` is only used with mode license (mode is {self.mode})")
        return self


ExpiryOutcome = Literal["snap_back", "renew"]


class Suspension(PolicyBase):
    """Named policies are suspended from `start` to `end`; at expiry they snap back or the
    suspension is renewed (fixed, or drawn per replication)."""

    type: Literal["suspension"]
    policies: list[str] = Field(min_length=1, description="Ids of the suspended policies.")
    at_expiry: ExpiryOutcome | dict[ExpiryOutcome, Annotated[float, Field(ge=0, le=1)]] = Field(
        default="snap_back",
        description="snap_back, renew, or probabilities of each (e.g. {renew: 0.6, snap_back: "
        "0.4}), drawn at each expiry.",
    )
    renewal_days: PositiveDays = Field(default=365.0, description="Length of a renewal.")
    max_renewals: int = Field(default=1, ge=0, description="Renewals at most; then snap back.")

    @model_validator(mode="after")
    def _expiry(self) -> Suspension:
        if self.end is None:
            raise ValueError("a suspension needs an `end` (its expiry date)")
        if isinstance(self.at_expiry, dict):
            total = sum(self.at_expiry.values())
            if abs(total - 1.0) > 1e-9:
                raise ValueError(f"at_expiry probabilities must sum to 1 (got {total:g})")
        return self


class Offtake(Strict):
    """A node that buys from a funded facility once it is built."""

    node: str = Field(description="Buyer or facility id.")
    commodity: str
    role: Literal["preferred", "alternate"] = Field(
        default="alternate",
        description="preferred: joins the preferred suppliers with `share` (the others are "
        "scaled down to make room); alternate: joins the alternates, already qualified.",
    )
    share: Share | None = None

    @model_validator(mode="after")
    def _share(self) -> Offtake:
        if self.role == "preferred" and self.share is None:
            raise ValueError("role preferred needs a `share`")
        return self


class Project(Strict):
    """A candidate project: a facility to build, what it costs and how likely it succeeds."""

    id: Id = Field(description="Id of the facility once built.")
    facility: Facility = Field(
        description="The facility: stage (one of the scenario's `stages`), country, "
        "capacity, recipe, ramp (fractions of nameplate per year after completion), sourcing."
    )
    cost_usd: NonNegativeUsd
    lead_time_days: NonNegativeDays = Field(description="Days from funding to first output.")
    success_probability: Probability = 1.0
    offtake: list[Offtake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _online(self) -> Project:
        if self.facility.online is not None:
            raise ValueError("facility.online is set when the project completes; remove it")
        return self


class FundingWindow(PolicyBase):
    """A budget funds projects from a pipeline; funded projects become facilities when built."""

    type: Literal["funding_window"]
    budget_usd: NonNegativeUsd
    projects: list[Project] = Field(min_length=1)
    selection: Literal["priority", "capacity_per_dollar"] = Field(
        default="priority",
        description="priority: in pipeline order; capacity_per_dollar: most capacity of "
        "`element` (default: the scarcest element at decision time) per dollar first. Projects "
        "that do not fit the remaining budget are skipped.",
    )
    element: str | None = Field(default=None, description="Element group for capacity_per_dollar.")
    decide_at: Literal["open", "close"] = Field(
        default="close", description="Projects are chosen when the window opens or closes."
    )

    @model_validator(mode="after")
    def _window(self) -> FundingWindow:
        if self.decide_at == "close" and self.end is None:
            raise ValueError("decide_at close needs an `end` (when the window closes)")
        return self


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
    max_release_t_per_day: NonNegativeTonnes
    refill: Refill | None = None
    check_days: PeriodDays = Field(default=7.0, description="Days between checks.")


class DemandResponse(PolicyBase):
    """While a shortage (or a high price) persists, buyers substitute or thrift a growing share
    of demand — or plants use less of an input per unit made (`recipes:`)."""

    type: Literal["demand_response"]
    buyers: list[str] | None = Field(
        default=None, description="Buyer ids (all if unset; none when `recipes` is set)."
    )
    recipes: list[str] | None = Field(
        default=None,
        description="Plant ids whose recipe inputs among `commodities` shrink by the share "
        "(thrift: e.g. less Dy/Tb per magnet); the policy then acts on these recipes, not on "
        "buyers' demand.",
    )
    commodities: list[str] | None = Field(default=None, description="All if unset.")
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


class PriceResponse(PolicyBase):
    """Demand relaxes towards max(floor, index^−ε) of its country's price index (`prices:`)."""

    type: Literal["price_response"]
    buyers: list[str] | None = Field(default=None, description="Buyer ids (all if unset).")
    commodities: list[str] | None = Field(
        default=None, description="Commodities, each with a price index (all indexed if unset)."
    )
    elasticity: NonNegativeMultiplier = Field(
        description="ε ≥ 0 in demand × index^−ε (a price elasticity of demand of −ε)."
    )
    adjust_days: PositiveDays = Field(
        default=90.0, description="Time constant of the adjustment towards the target, days."
    )
    floor: Probability = Field(default=0.5, description="Smallest demand multiplier.")


class DemandShock(PolicyBase):
    """Demand of the named buyers and commodities is multiplied between `start` and `end`."""

    type: Literal["demand_shock"]
    buyers: list[str] | None = Field(default=None, description="Buyer ids (all if unset).")
    commodities: list[str] | None = Field(default=None, description="All if unset.")
    multiplier: NonNegativeMultiplier = Field(description="Factor on the demand rate, ≥ 0.")


class RandomOutages(PolicyBase):
    """Outages arrive at each named facility as a Poisson process while the policy is active."""

    type: Literal["random_outages"]
    facilities: list[str] = Field(min_length=1)
    rate_per_year: NonNegativePerYear = Field(description="Expected outages per facility per year.")
    duration_days: PositiveDays = Field(description="Duration of each outage, sampled per outage.")
    capacity_factor: Fraction = Field(
        default=0.0, description="Remaining share of capacity during an outage."
    )


class BufferTarget(PolicyBase):
    """Precautionary stocking: while active, the named buyers' cover target (the `cover`
    ordering rule's days of demand) is raised by `extra_cover_days`; when it ends the target
    falls back and buyers destock by ordering less until their stock is back at it."""

    type: Literal["buffer_target"]
    buyers: list[str] | None = Field(default=None, description="Buyer ids (all if unset).")
    commodities: list[str] | None = Field(default=None, description="All if unset.")
    extra_cover_days: NonNegativeDays = Field(
        description="Days of demand added to each covered buyer's cover target while active."
    )


Policy = Annotated[
    FacilityOutage
    | LaneClosure
    | ExportControl
    | Suspension
    | FundingWindow
    | RapidResponse
    | Stockpile
    | DemandResponse
    | PriceResponse
    | DemandShock
    | BufferTarget
    | RandomOutages,
    Field(discriminator="type"),
]


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
