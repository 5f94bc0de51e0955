"""Funding windows: a budget funds projects from a pipeline; funded projects become facilities.

Projects are chosen when the window opens or closes (`decide_at`), greedily in the order of the
selection rule, skipping those that no longer fit the remaining budget. Costs and budget are
sampled per replication; ranking uses expected capacities. A funded project succeeds with its
probability (drawn from stream `policy:<id>:project:<pid>`); on success it becomes a facility
after its lead time, online from that day with its ramp, its process started, and joins the
sourcing of its offtakers (preferred with a share, or as an already qualified alternate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime
from sim.model.sourcing import Sourcing
from sim.scenario.distributions import mean_of
from sim.scenario.policies.funding_window import FundingWindow as FundingSpec
from sim.scenario.policies.funding_window import Offtake, Project

if TYPE_CHECKING:
    from sim.model.facility import Facility
    from sim.model.network import Network


def scarcest_element(network: Network) -> str | None:
    """The element group with the largest share of buyers' demand unmet so far."""
    sc = network.scenario
    demand: dict[str, float] = {}
    short: dict[str, float] = {}
    for buyer in network.buyers.values():
        for c, point in buyer.points.items():
            point.advance(network.ctx.now)
            for g, frac in sc.commodities[c].contains.items():
                demand[g] = demand.get(g, 0.0) + point.cum_demand * frac
                short[g] = short.get(g, 0.0) + point.cum_shortage * frac
    ranked = [g for g in sc.elements if demand.get(g, 0.0) > 0]
    if not ranked:
        return None
    return max(ranked, key=lambda g: short.get(g, 0.0) / demand[g])  # first wins ties


def element_capacity(network: Network, project: Project, element: str) -> float:
    """Expected t/yr of `element` in the project's nameplate outputs."""
    coms = network.scenario.commodities
    return sum(
        mean_of(cap) * coms[c].contains.get(element, 0.0)
        for c, cap in project.facility.capacity.items()
        if c in coms
    )


class FundingWindow(PolicyRuntime):
    policy_type = "funding_window"

    def __init__(self, network: Network, spec: FundingSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.spec = spec
        self.decided = False
        self.path = f"policies.{spec.id}"

    def describe(self) -> str:
        return f"funding window, {len(self.spec.projects)} candidate projects"

    def activate(self) -> None:
        if self.spec.decide_at == "open":
            self.decide()

    def deactivate(self) -> None:
        if self.spec.decide_at == "close" and not self.in_window:
            self.decide()

    def decide(self) -> None:
        if self.decided:
            return
        self.decided = True
        net, v = self.network, self.network.params.value
        ctx = net.ctx
        budget = v(self.spec.budget_usd, f"{self.path}.budget_usd")
        costs = {
            p.id: v(p.cost_usd, f"{self.path}.projects.{p.id}.cost_usd") for p in self.spec.projects
        }
        order = list(self.spec.projects)
        if self.spec.selection == "capacity_per_dollar":
            element = self.spec.element or scarcest_element(net)
            if element is not None:
                order.sort(
                    key=lambda p: -element_capacity(net, p, element) / max(costs[p.id], 1e-12)
                )
            ctx.recorder.event(ctx.now, "funding_target", self.id, f"element {element}")
        for project in order:
            cost = costs[project.id]
            if cost > budget:
                ctx.recorder.event(
                    ctx.now, "project_not_funded", project.id, f"cost {cost:.4g} > {budget:.4g}"
                )
                continue
            budget -= cost
            pp = f"{self.path}.projects.{project.id}"
            lead = max(0.0, v(project.lead_time_days, f"{pp}.lead_time_days"))
            p_ok = v(project.success_probability, f"{pp}.success_probability")
            ok = bool(ctx.streams(f"policy:{self.id}:project:{project.id}").random() < p_ok)
            ctx.recorder.event(
                ctx.now, "project_funded", project.id, f"by {self.id}, cost {cost:.4g} USD"
            )
            ctx.at(ctx.now + lead, lambda p=project, ok=ok: self._complete(p, ok))

    def _complete(self, project: Project, ok: bool) -> None:
        ctx = self.network.ctx
        if not ok:
            ctx.recorder.event(ctx.now, "project_failed", project.id, f"by {self.id}")
            return
        spec = project.facility.model_copy(update={"online": ctx.calendar.date(ctx.now)})
        fac = self.network.add_facility(project.id, spec, f"{self.path}.projects.{project.id}")
        for offtake in project.offtake:
            self._offtake(fac, offtake)
        ctx.recorder.event(
            ctx.now,
            "project_completed",
            project.id,
            f"{spec.stage} {spec.country} {', '.join(sorted(spec.capacity))}",
        )

    def _offtake(self, fac: Facility, offtake: Offtake) -> None:
        node = self.network.nodes[offtake.node]
        c = offtake.commodity
        sourcing = node.sourcing.get(c)
        if sourcing is None:
            node.sourcing[c] = Sourcing(c, {fac: 1.0}, [], qualification=0.0, patience=30.0)
            node.on_order.setdefault(c, 0.0)
            return
        if offtake.role == "preferred":
            share = offtake.share or 0.0
            rest = {s: w * (1.0 - share) for s, w in sourcing.preferred.items()}
            sourcing.preferred = {**rest, fac: share}
        else:
            sourcing.alternates.append(fac)
            sourcing.qualify(fac)
