"""`export_control`: an exporter's ban, quota or licensing of covered commodities."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.core import CommodityKind, Country, Strict, plain
from sim.scenario.domains import (
    Fraction,
    NonNegativeDays,
    NonNegativeTonnes,
    PeriodDays,
    PositiveDays,
    PositiveDecisionsPerWeek,
    Probability,
    Share,
)
from sim.scenario.policies.base import Found, PolicyBase, World, sign, unknown


class AllBut(Strict):
    """Every destination except those listed."""

    all_but: list[str] = Field(min_length=1, description="Country codes or node ids excluded.")


class LicenseRule(Strict):
    """Licence terms for matching shipments; the first matching rule of a control wins."""

    destinations: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Buyer countries or node ids the rule applies to (all if unset).",
    )
    sectors: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Buyer sectors (end uses) the rule applies to (all if unset).",
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

    def check_references(self, w: World, path: str) -> Found:
        if self.exporter not in w.countries:
            yield f"{path}.exporter", unknown("country", self.exporter, w.countries)
        for j, e in enumerate(self.elements):
            yield from w.element(f"{path}.elements.{j}", e)
        for j, c in enumerate(self.commodities):
            yield from w.commodity(f"{path}.commodities.{j}", c)
        if isinstance(self.destinations, AllBut):
            for j, d in enumerate(self.destinations.all_but):
                yield from w.place(f"{path}.destinations.all_but.{j}", d)
        elif isinstance(self.destinations, list):
            for j, d in enumerate(self.destinations):
                yield from w.place(f"{path}.destinations.{j}", d)
        if self.quota is not None:
            yield from sign(f"{path}.quota.tonnes", self.quota.tonnes, strict=False)
            yield from sign(f"{path}.quota.period_days", self.quota.period_days)
            period = plain(self.quota.period_days)
            for j, tranche in enumerate(self.quota.tranches):
                if isinstance(period, int | float) and tranche.day >= period:
                    yield (
                        f"{path}.quota.tranches.{j}.day",
                        f"a tranche on day {tranche.day:g} of a {period:g}-day period is never "
                        "issued: tranche days must be less than period_days",
                    )
            for key in self.quota.shares:
                if key != "other":
                    yield from w.place(f"{path}.quota.shares.{key}", key)
        if self.license is not None:
            lic = self.license
            yield from sign(f"{path}.license.review_days", lic.review_days, strict=False)
            yield from sign(f"{path}.license.validity_days", lic.validity_days, strict=False)
            for j, rule in enumerate(lic.rules):
                rp = f"{path}.license.rules.{j}"
                for k, d in enumerate(rule.destinations or []):
                    yield from w.place(f"{rp}.destinations.{k}", d)
                sectors = sorted({b.sector for b in w.s.buyers.values()})
                for k, sector in enumerate(rule.sectors or []):
                    if sector not in sectors:
                        yield f"{rp}.sectors.{k}", unknown("buyer sector", sector, sectors)
                yield from sign(f"{rp}.review_days", rule.review_days, strict=False)
                yield from sign(f"{rp}.validity_days", rule.validity_days, strict=False)
