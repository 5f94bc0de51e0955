"""The running model: nodes, lanes and policies built from a validated scenario."""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

from sim.engine.context import Context
from sim.model.buyer import Buyer, DemandPoint
from sim.model.custody import Custody
from sim.model.facility import Facility, online_day
from sim.model.lanes import Lane, LaneTable
from sim.model.market import Market, delivered_index
from sim.model.node import EPS, Node
from sim.model.ordering import OrderingRule
from sim.model.orders import Shipment
from sim.model.params import Params
from sim.model.pipeline import seed_pipelines
from sim.model.policies.base import PolicyRuntime
from sim.model.policies.registry import build_policy
from sim.model.sourcing import Sourcing
from sim.model.stock import Origin
from sim.scenario.distributions import mean_of
from sim.scenario.schema import Buyer as BuyerSpec
from sim.scenario.schema import Facility as FacilitySpec
from sim.scenario.schema import Ordering, Scenario
from sim.scenario.schema import Sourcing as SourcingSpec
from sim.scenario.stages import origin_stages

if TYPE_CHECKING:
    from sim.model.policies.licensing import LicenceRegister

DEFAULT_FACILITY_SAFETY_DAYS = 30.0
DEFAULT_LOT_REVIEWS = 2.0  # cover rule: the largest order is two review periods of use


class Network:
    """Builds and holds every simulated object of one replication."""

    def __init__(self, scenario: Scenario, ctx: Context) -> None:
        self.scenario = scenario
        self.ctx = ctx
        self.params = Params(ctx.streams, scenario)
        self.nodes: dict[str, Node] = {}
        self.facilities: dict[str, Facility] = {}
        self.buyers: dict[str, Buyer] = {}
        self.lanes: dict[tuple[str, str], Lane] = {}
        self._lane_table = LaneTable(list(scenario.lanes))
        self.policies: list[PolicyRuntime] = []
        self._gates: list[PolicyRuntime] = []
        self._interceptors: list[PolicyRuntime] = []
        # (supplier, buyer, commodity) -> the gates / interceptors that can act on it at all
        self._gates_on: _Acting = {}
        self._interceptors_on: _Acting = {}
        self.custody = Custody(self)
        self.origin_stages = origin_stages(scenario)  # output takes the plant's country
        self.licensing: dict[str, LicenceRegister] = {}  # exporter -> licensing authority
        # prices of the scenario's `prices:` section, stepped daily once the run starts
        self.market = Market(self) if scenario.prices is not None else None
        self._build()

    # --- services to nodes ---------------------------------------------------------------
    def lane(self, origin: Node, destination: Node) -> Lane:
        """The lane from `origin` to `destination` (created on first use)."""
        key = (origin.id, destination.id)
        lane = self.lanes.get(key)
        if lane is None:
            spec = self._lane_table.find(
                origin.id, origin.country, destination.id, destination.country
            )
            cap = self.params.value(
                spec.capacity_t_per_year, f"lanes.{origin.id}->{destination.id}"
            )
            lane = Lane(
                origin,
                destination,
                spec.transit_days,
                self.ctx.streams(f"lane:{origin.id}->{destination.id}"),
                capacity_per_day=cap / 365.0 if cap else None,
                end=float(self.ctx.calendar.days),
            )
            self.lanes[key] = lane
        return lane

    def ship(self, shipment: Shipment) -> None:
        """Dispatch step: an active policy may take the shipment into `custody` (e.g. a licence
        queue); otherwise it leaves on its lane."""
        s = shipment
        if self._interceptors:
            for policy in _acting(
                self._interceptors, self._interceptors_on, s.supplier, s.buyer, s.commodity
            ):
                if (
                    policy.active
                    and policy.id not in shipment.cleared
                    and policy.intercept(shipment)
                ):
                    return
        lane = s.supplier.lanes_to.get(s.buyer)
        if lane is None:
            lane = s.supplier.lanes_to[s.buyer] = self.lane(s.supplier, s.buyer)
        lane.dispatch(self.ctx, s)

    def deliver(self, supplier: Node, buyer: Node, commodity: str, qty: float) -> Shipment:
        """An unsolicited shipment (stockpile release, emergency supply): it leaves the
        supplier's stock now and counts as on order at the buyer until it arrives."""
        stock = supplier.stock(commodity)
        stock.ship(qty)
        buyer.on_order[commodity] = buyer.on_order.get(commodity, 0.0) + qty
        buyer.ordered[commodity] = buyer.ordered.get(commodity, 0.0) + qty
        shipment = Shipment(supplier, buyer, commodity, qty, dict(stock.origin), self.ctx.now)
        shipment.paced = False  # a consignment of its own, not a call-off of an order
        self.ship(shipment)
        return shipment

    @property
    def gated(self) -> bool:
        """Are there policies that may limit shipments?"""
        return bool(self._gates)

    def admits(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        """May `supplier` ship `commodity` to `buyer` now (every gate allows some)?"""
        return self.allowance(supplier, buyer, commodity) > 0.0

    def allowance(self, supplier: Node, buyer: Node, commodity: str) -> float:
        """Tonnes of `commodity` that active policies let `supplier` ship to `buyer` now."""
        allowed = math.inf
        if not self._gates:
            return allowed
        gates = self._gates_on.get((supplier, buyer, commodity))
        if gates is None:
            gates = self.gates_on(supplier, buyer, commodity)
        for gate in gates:
            if gate.active:
                allowed = min(allowed, gate.allowance(supplier, buyer, commodity))
        return allowed

    def gates_on(self, supplier: Node, buyer: Node, commodity: str) -> tuple[PolicyRuntime, ...]:
        """The gates that can limit `commodity` from `supplier` to `buyer` at all (the others
        always allow it), found once per triple."""
        return _acting(self._gates, self._gates_on, supplier, buyer, commodity)

    def refuse(self, supplier: Node, buyer: Node, commodity: str) -> None:
        """`supplier` could ship nothing of `commodity` to `buyer`: each active gate that
        blocked it applies its rule for blocked orders (e.g. cancel them)."""
        for gate in self.gates_on(supplier, buyer, commodity):
            if gate.active and gate.allowance(supplier, buyer, commodity) <= EPS:
                gate.refuse(supplier, buyer, commodity)

    # --- construction --------------------------------------------------------------------
    def _rule(self, spec: Ordering, path: str, cover_default: float) -> OrderingRule:
        v = self.params.value
        review = v(spec.review_days, f"{path}.review_days")
        return OrderingRule(
            rule=spec.rule,
            review_days=review,
            max_lot_days=v(
                spec.max_lot_days,
                f"{path}.max_lot_days",
                DEFAULT_LOT_REVIEWS * review if spec.rule == "cover" else math.inf,
            ),
            delivery_days=v(
                spec.delivery_days,
                f"{path}.delivery_days",
                review if spec.rule == "cover" else 0.0,
            ),
            cover_days=v(spec.cover_days, f"{path}.cover_days", cover_default),
            level_t=v(spec.level_t, f"{path}.level_t"),
            reorder_point_t=v(spec.reorder_point_t, f"{path}.reorder_point_t"),
            order_up_to_t=v(spec.order_up_to_t, f"{path}.order_up_to_t"),
        )

    def _mean_transit(self, node_id: str, country: str, spec: SourcingSpec) -> float:
        total = sum(spec.suppliers.values())
        days = 0.0
        for sid, share in spec.suppliers.items():
            s_country = self.scenario.facilities[sid].country
            lane = self._lane_table.find(sid, s_country, node_id, country)
            days += mean_of(lane.transit_days) * share / total
        return days

    def _supply_origin(self, spec: SourcingSpec) -> Origin:
        total = sum(spec.suppliers.values())
        origin: Origin = {}
        for sid, share in spec.suppliers.items():
            c = self.scenario.facilities[sid].country
            origin[c] = origin.get(c, 0.0) + share / total
        return origin

    def _add_facility(self, fid: str, f: FacilitySpec, path: str) -> Facility:
        """Build a facility from its scenario entry (numbers sampled under `path`)."""
        sc = self.scenario
        v = self.params.value
        start = sc.horizon.start
        inputs = {c: v(x, f"{path}.recipe.inputs.{c}") for c, x in f.recipe.inputs.items()}
        capacity = {c: v(x, f"{path}.capacity.{c}") for c, x in f.capacity.items()}
        if f.recipe.outputs is not None:
            outputs = {c: v(x, f"{path}.recipe.outputs.{c}") for c, x in f.recipe.outputs.items()}
        elif len(inputs) == 1 and sc.commodities[next(iter(inputs))].basket:
            basket = sc.commodities[next(iter(inputs))].basket or {}
            outputs = dict(basket)
        else:
            # each output at the capacity written for it: one tonne of activity makes the
            # largest output and the others in proportion
            largest = max(capacity.values())
            outputs = {c: cap / largest for c, cap in capacity.items()}
        review = v(f.ordering.review_days, f"{path}.ordering.review_days")
        transit = max(
            (self._mean_transit(fid, f.country, s) for s in f.sourcing.values()), default=0.0
        )
        rule = self._rule(
            f.ordering, f"{path}.ordering", DEFAULT_FACILITY_SAFETY_DAYS + review + transit
        )
        fac = Facility(
            self,
            fid,
            f.country,
            f.stage,
            sets_origin=f.stage in self.origin_stages,
            inputs=inputs,
            outputs=outputs,
            capacity=capacity,
            ordering=rule,
            output_cover_days=v(f.output_cover_days, f"{path}.output_cover_days"),
            growth_per_year=v(f.growth_per_year, f"{path}.growth_per_year"),
            online_day=online_day(f.online, start),
            ramp=tuple(f.ramp),
        )
        values = {c: sc.commodities[c].value_usd_per_kg for c in inputs}
        if inputs and all(x is not None for x in values.values()):
            fac.input_weights = {
                c: v(x, f"commodities.{c}.value_usd_per_kg") for c, x in values.items()
            }
        for c, x in f.inventory.items():
            s = fac.stock(c)
            s.level = s.initial = v(x, f"{path}.inventory.{c}")
            spec = f.sourcing.get(c)
            s.origin = self._supply_origin(spec) if spec else {f.country: 1.0}
        self.facilities[fid] = fac
        self.nodes[fid] = fac
        return fac

    def _build(self) -> None:
        sc = self.scenario
        v = self.params.value
        for fid, f in sc.facilities.items():
            self._add_facility(fid, f, f"facilities.{fid}")
        for bid, b in sc.buyers.items():
            path = f"buyers.{bid}"
            safety = v(b.safety_stock_days, f"{path}.safety_stock_days")
            rule = self._rule(b.ordering, f"{path}.ordering", 0.0)
            buyer = Buyer(self, bid, b.country, b.sector, rule)
            for c, d in b.demand.items():
                dpath = f"{path}.demand.{c}"
                rate = v(d.rate_t_per_year, f"{dpath}.rate_t_per_year") / 365.0
                point = DemandPoint(
                    buyer,
                    c,
                    rate_per_day=rate,
                    growth_per_year=v(d.growth_per_year, f"{dpath}.growth_per_year"),
                    noise_cv=v(d.noise_cv, f"{dpath}.noise_cv"),
                    noise_period=v(d.noise_period_days, f"{dpath}.noise_period_days", 7.0),
                    rng=self.ctx.streams(f"demand:{bid}:{c}"),
                )
                buyer.points[c] = point
                s = buyer.stock(c)
                init = b.inventory.get(c)
                s.level = s.initial = (
                    v(init, f"{path}.inventory.{c}") if init is not None else safety * rate
                )
                spec = b.sourcing.get(c)
                s.origin = self._supply_origin(spec) if spec else {b.country: 1.0}
                transit = self._mean_transit(bid, b.country, spec) if spec else 0.0
                buyer.cover_days[c] = v(
                    b.ordering.cover_days,
                    f"{path}.ordering.cover_days",
                    safety + rule.review_days + transit,
                )
            self.buyers[bid] = buyer
            self.nodes[bid] = buyer
        specs: list[tuple[str, FacilitySpec | BuyerSpec]] = [
            *sc.facilities.items(),
            *sc.buyers.items(),
        ]
        for nid, node_spec in specs:
            node = self.nodes[nid]
            for c, spec in node_spec.sourcing.items():
                self.link_sourcing(node, c, spec)
        for policy in sc.policies:
            runtime = build_policy(self, policy)
            self.policies.append(runtime)
            if runtime.gates:
                self._gates.append(runtime)
            if runtime.intercepts:
                self._interceptors.append(runtime)

    def link_sourcing(self, node: Node, commodity: str, spec: SourcingSpec) -> None:
        """Give `node` its sourcing of `commodity` from a scenario entry."""
        v = self.params.value
        path = f"{node.id}.sourcing.{commodity}"
        success = v(spec.qualification_success, f"{path}.qualification_success", 1.0)
        node.sourcing[commodity] = Sourcing(
            commodity=commodity,
            preferred={self.nodes[k]: w for k, w in spec.suppliers.items()},
            alternates=[self.nodes[a] for a in spec.alternates],
            qualification=v(spec.qualification_days, f"{path}.qualification_days"),
            patience=v(spec.patience_days, f"{path}.patience_days"),
            split=spec.split,
            success=success,
            rng=self.ctx.streams(f"qualification:{node.id}:{commodity}") if success < 1 else None,
            price_elasticity=v(spec.price_elasticity, f"{path}.price_elasticity"),
            price=partial(delivered_index, self, commodity, node),
        )
        node.on_order.setdefault(commodity, 0.0)

    def add_facility(self, fid: str, spec: FacilitySpec, path: str) -> Facility:
        """A facility created during the run (a funded project): built, linked and started."""
        fac = self._add_facility(fid, spec, path)
        for c, s in spec.sourcing.items():
            self.link_sourcing(fac, c, s)
        self.ctx.env.process(fac.process())
        return fac

    def start(self) -> None:
        """Schedule policies and start every process."""
        env = self.ctx.env
        for p in self.policies:
            p.schedule()
        if self.market is not None:
            self.market.start()
        if self.scenario.initial_pipeline:
            seed_pipelines(self)
        for fac in self.facilities.values():
            env.process(fac.process())
        for buyer in self.buyers.values():
            for point in buyer.points.values():
                if point.noise_cv > 0:
                    if point.noise_period == buyer.ordering.review_days:
                        point.noise_with_review = True
                    else:
                        env.process(point.noise_process())
            env.process(buyer.process())

    def finish(self) -> None:
        """Close the books at the horizon: account buyers' consumption up to the end."""
        horizon = float(self.ctx.calendar.days)
        for buyer in self.buyers.values():
            buyer.finish(horizon)


_Acting = dict[tuple[Node, Node, str], tuple[PolicyRuntime, ...]]


def _acting(
    policies: list[PolicyRuntime], found: _Acting, supplier: Node, buyer: Node, commodity: str
) -> tuple[PolicyRuntime, ...]:
    """Those of `policies` that can act on `commodity` from `supplier` to `buyer` (kept in
    `found`, by triple, once looked up)."""
    key = (supplier, buyer, commodity)
    acting = found.get(key)
    if acting is None:
        acting = found[key] = tuple(p for p in policies if p.acts_on(supplier, buyer, commodity))
    return acting
