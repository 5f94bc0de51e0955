"""`funding_window`: a budget that funds projects, which become facilities when built."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.core import Facility, Id, Strict
from sim.scenario.domains import (
    NonNegativeDays,
    NonNegativeUsd,
    Probability,
    Share,
)
from sim.scenario.policies.base import Found, PolicyBase, World, has_lane, no_lane, sign, unknown
from sim.scenario.policies.stockpile import Stockpile


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

    def check_references(self, w: World, path: str) -> Found:
        if self.element is not None:
            yield from w.element(f"{path}.element", self.element, symbols=False)
        yield from sign(f"{path}.budget_usd", self.budget_usd, strict=False)
        stockpiles = w.of_type(Stockpile)
        seen: set[str] = set()
        for j, pr in enumerate(self.projects):
            pp = f"{path}.projects.{j}"
            if pr.id in w.nodes or pr.id in stockpiles or pr.id in seen:
                yield f"{pp}.id", f"id '{pr.id}' is already a facility, buyer, stockpile or project"
            seen.add(pr.id)
            yield from _project(w, pp, pr)


def _project(w: World, pp: str, pr: Project) -> Found:
    s, f, fp = w.s, pr.facility, f"{pp}.facility"
    for key, names in (
        ("capacity", f.capacity),
        ("recipe.inputs", f.recipe.inputs),
        ("recipe.outputs", f.recipe.outputs or {}),
        ("inventory", f.inventory),
        ("sourcing", f.sourcing),
    ):
        for c in names:
            yield from w.commodity(f"{fp}.{key}.{c}", c)
    for c, cap in f.capacity.items():
        yield from sign(f"{fp}.capacity.{c}", cap)
    for c, src in f.sourcing.items():
        for sid in [*src.suppliers, *src.alternates]:
            sp = f"{fp}.sourcing.{c}"
            supplier = s.facilities.get(sid)
            if supplier is None:
                yield sp, unknown("facility", sid, s.facilities)
            elif not has_lane(w.lanes, sid, supplier.country, pr.id, f.country):
                yield sp, no_lane(sid, supplier.country, pr.id, f.country)
    yield from sign(f"{pp}.cost_usd", pr.cost_usd, strict=False)
    yield from sign(f"{pp}.lead_time_days", pr.lead_time_days, strict=False)
    made = set(f.capacity) | set(f.recipe.outputs or {})
    for k, off in enumerate(pr.offtake):
        op = f"{pp}.offtake.{k}"
        node = s.facilities.get(off.node) or s.buyers.get(off.node)
        if node is None:
            yield f"{op}.node", unknown("buyer or facility", off.node, w.nodes)
        elif not has_lane(w.lanes, pr.id, f.country, off.node, node.country):
            yield f"{op}.node", no_lane(pr.id, f.country, off.node, node.country)
        yield from w.commodity(f"{op}.commodity", off.commodity)
        if off.commodity in s.commodities and off.commodity not in made:
            yield f"{op}.commodity", f"project '{pr.id}' does not make '{off.commodity}'"
