"""Licensing under an export control: applications queue for a review of finite throughput.

Every control in licence mode of one exporter files with the same licensing authority
(`LicenceRegister`): the licences it granted per supplier→buyer pair, the applications it has
not decided, one review queue. A covered shipment without a valid licence for its pair is held
in custody and joins an application: with `applications: contract` (default) the pair's open
application if it was filed less than `contract_days` ago, else a new one; with `shipment`, one
application per shipment.

Decisions come out never before the application's review time (sampled at filing) and at most
`capacity_per_week` a week: of the applications whose review is done, the earliest filed is
decided at the next free slot (a long review does not hold the applications filed after it), so
a backlog builds when applications outrun the capacity and drains at the capacity afterwards. An application is
decided under the terms of the exporter's active control that covers it at the decision (a
change of terms, e.g. the London framework, applies to pending and new applications alike);
when no control covers it any more the held shipments leave (`licence_lapsed`).

An approval releases the application's held shipments at the pace they were held (the first at
once, each later one as long after it as it was taken after the first), so a backlog does not
leave in one day; with `validity_days` > 0 it is a licence for the pair: later shipments pass
without review and the pair's other held shipments leave (paced the same way). A refusal follows the deciding control's `on_denied`: hold (kept in custody; filed again
when the control lifts), cancel (withdrawn: material back to the supplier's stock, the buyer's
order void) or resource (withdrawn, and the buyer drops the supplier and qualifies its
alternates). When a control lifts with `on_end: release` everything it holds leaves at once.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model.policies.base import matches
from sim.scenario.distributions import Number, mean_of, sample
from sim.scenario.policies.export_control import License

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.orders import Shipment
    from sim.model.policies.export_control import ExportControl

Pair = tuple[str, str]  # (supplier id, buyer id)


@dataclass(frozen=True)
class Terms:
    """What a decision applies: approval probability, licence validity, review time."""

    approval: float
    validity: float
    review: Number


@dataclass(eq=False, slots=True)
class Application:
    """One application to the licensing authority and the held shipments it covers."""

    office: LicenceOffice
    supplier: Node
    buyer: Node
    filed: float
    review: float
    closes: float  # held shipments of the pair join it until then
    shipments: list[Shipment] = field(default_factory=list)


class LicenceRegister:
    """One exporter's licensing authority: licences, undecided applications, the queue."""

    def __init__(self) -> None:
        self.offices: list[LicenceOffice] = []
        self.licences: dict[Pair, float] = {}  # pair -> valid until
        self.open: dict[Pair, Application] = {}  # contract application still taking shipments
        self.next_free = 0.0  # earliest time of the next decision
        self.backlog = 0  # applications filed and not decided
        # reviewed applications waiting for a decision slot: (filed, sequence, application)
        self.ready: list[tuple[float, int, Application]] = []
        self._sequence = 0
        self._serving = False  # a decision slot is scheduled

    def reviewed(self, network: Network, app: Application) -> None:
        """`app` has had its review: it waits for a decision slot (earliest filed first)."""
        self._sequence += 1
        heapq.heappush(self.ready, (app.filed, self._sequence, app))
        if not self._serving:
            self.serve(network)

    def serve(self, network: Network) -> None:
        """Decide the earliest-filed reviewed application if a slot is free now, then wait
        for the next slot (`spacing` of its office after it) while applications are ready.
        Applications whose shipments all left custody meanwhile are closed without a slot."""
        ctx = network.ctx
        now = ctx.now
        self._serving = False
        if now < self.next_free - 1e-12:
            self._serving = True
            ctx.at(self.next_free, _Serve(self, network))
            return
        while self.ready:
            app = heapq.heappop(self.ready)[2]
            custody = network.custody
            live = any(s in custody.held for s in app.shipments)
            app.office.decide(app)
            if live:
                self.next_free = now + app.office.spacing
                break
        if self.ready:
            self._serving = True
            ctx.at(self.next_free, _Serve(self, network))

    def licensed(self, pair: Pair, now: float) -> bool:
        """Does `pair` hold a valid licence at `now`?"""
        until = self.licences.get(pair)
        return until is not None and until > now

    def office_for(self, shipment: Shipment) -> LicenceOffice | None:
        """The office of the first active control that covers `shipment` now."""
        s = shipment
        for office in self.offices:
            c = office.control
            if c.active and c.covers(s.supplier, s.buyer, s.commodity, s.origin):
                return office
        return None

    def release(self, network: Network, shipment: Shipment) -> None:
        """A decision lets `shipment` go: no control of this authority stops it again."""
        if shipment in network.custody.held:  # not withdrawn by its buyer meanwhile
            shipment.cleared.update(o.control.id for o in self.offices)
            network.custody.release(shipment)

    def release_paced(self, network: Network, shipments: list[Shipment]) -> None:
        """Let a contract's held shipments go at the pace they were held: the first now, each
        later one as long after it as it was taken after the first (no backlog leaves in one
        day)."""
        since = network.custody.since
        first = min(since[s] for s in shipments)
        ctx = network.ctx
        for s in shipments:
            lag = since[s] - first
            if lag <= 0:
                self.release(network, s)
            else:
                ctx.at(ctx.now + lag, _Release(self, network, s))


def licence_register(network: Network, exporter: str) -> LicenceRegister:
    """The licensing authority of `exporter` in `network` (created on first use)."""
    reg = network.licensing.get(exporter)
    if reg is None:
        reg = network.licensing[exporter] = LicenceRegister()
    return reg


class LicenceOffice:
    """One control's licence terms, filing with its exporter's authority."""

    def __init__(self, control: ExportControl, spec: License) -> None:
        self.control = control
        net = control.network
        v = net.params.value
        path = f"policies.{control.id}.license"
        self.default = Terms(
            v(spec.approval_rate, f"{path}.approval_rate"),
            v(spec.validity_days, f"{path}.validity_days"),
            spec.review_days,
        )
        self.rules = []
        for i, rule in enumerate(spec.rules):
            rp = f"{path}.rules.{i}"
            terms = Terms(
                v(rule.approval_rate, f"{rp}.approval_rate", self.default.approval),
                v(rule.validity_days, f"{rp}.validity_days", self.default.validity),
                rule.review_days if rule.review_days is not None else self.default.review,
            )
            self.rules.append((rule.destinations, rule.sectors, terms))
        self.per_contract = spec.applications == "contract"
        self.contract_days = v(spec.contract_days, f"{path}.contract_days")
        capacity = v(spec.capacity_per_week, f"{path}.capacity_per_week", 0.0)
        self.spacing = 7.0 / capacity if capacity > 0 else 0.0  # days between decisions
        self.refused: list[Application] = []  # refused under `hold`, filed again on lifting
        self.register = licence_register(net, control.exporter)
        self.register.offices.append(self)
        self.review_rng = net.ctx.streams(f"policy:{control.id}:review")
        self.decision_rng = net.ctx.streams(f"policy:{control.id}:decision")

    @property
    def licences(self) -> dict[Pair, float]:
        """Licences of the exporter's authority: pair -> valid until."""
        return self.register.licences

    def terms(self, buyer: Node) -> Terms:
        """The terms of the first rule matching `buyer`, else the defaults."""
        sector = getattr(buyer, "sector", "")
        for destinations, sectors, terms in self.rules:
            if destinations is not None and not any(matches(buyer, d) for d in destinations):
                continue
            if sectors is not None and sector not in sectors:
                continue
            return terms
        return self.default

    def expected_review(self, buyer: Node) -> float:
        """The mean review time of an application for `buyer`, days."""
        return mean_of(self.terms(buyer).review)

    def licensed(self, supplier: Node, buyer: Node) -> bool:
        """Does the pair hold a valid licence now?"""
        return self.register.licensed((supplier.id, buyer.id), self.control.network.ctx.now)

    def screen(self, shipment: Shipment) -> bool:
        """Let a licensed shipment pass (False); hold any other under an application."""
        s = shipment
        net = self.control.network
        now = net.ctx.now
        pair = (s.supplier.id, s.buyer.id)
        if self.register.licensed(pair, now):
            return False
        # the buyer expects a decision after the mean review time (45 working days)
        net.custody.hold(s, self.control.id, now + self.expected_review(s.buyer))
        if self.per_contract:
            app = self.register.open.get(pair)
            if app is not None and now <= app.closes:
                app.shipments.append(s)
                return True
        self.file(s.supplier, s.buyer, [s])
        return True

    def file(self, supplier: Node, buyer: Node, shipments: list[Shipment]) -> None:
        """File an application for `shipments` of the pair; schedule its decision."""
        net = self.control.network
        reg = self.register
        now = net.ctx.now
        review = max(0.0, sample(self.terms(buyer).review, self.review_rng))
        closes = now + self.contract_days if self.per_contract else now
        app = Application(self, supplier, buyer, now, review, closes, shipments)
        if self.per_contract:
            reg.open[(supplier.id, buyer.id)] = app
        reg.backlog += 1
        net.ctx.at(now + review, _Reviewed(app) if self.spacing else _Decide(app))

    def decide(self, app: Application) -> None:
        """Decide `app` now under the terms in force for it."""
        net = self.control.network
        reg = self.register
        reg.backlog -= 1
        pair = (app.supplier.id, app.buyer.id)
        if reg.open.get(pair) is app:
            del reg.open[pair]
        custody = net.custody
        held = [s for s in app.shipments if s in custody.held]
        if not held:
            return  # withdrawn or released meanwhile
        now = net.ctx.now
        rec = net.ctx.recorder
        tonnes = sum(s.quantity for s in held)
        commodities = ",".join(sorted({s.commodity for s in held}))
        waited = now - app.filed
        detail = f"{pair[0]}->{pair[1]} {commodities} {tonnes:.6g} t after {waited:.4g} d"
        office = reg.office_for(held[0])
        if office is None:
            rec.event(now, "licence_lapsed", self.control.id, detail)
            reg.release_paced(net, held)
            return
        terms = office.terms(app.buyer)
        if bool(office.decision_rng.random() < terms.approval):
            if terms.validity > 0:
                until = now + terms.validity
                reg.licences[pair] = max(reg.licences.get(pair, until), until)
                detail += f"; licence for the pair {terms.validity:.4g} d"
            rec.event(now, "licence_approved", office.control.id, detail)
            if terms.validity > 0:  # the pair's other held shipments are covered too
                held = [
                    s
                    for s, _ in custody.held_for(app.buyer, held[0].commodity)
                    if s.supplier is app.supplier
                ]
            reg.release_paced(net, held)
            return
        rule = office.control.spec.on_denied
        rec.event(now, "licence_denied", office.control.id, f"{detail}; {rule}")
        if rule == "hold":
            office.refused.append(Application(office, app.supplier, app.buyer, now, 0.0, now, held))
            return
        for s in held:
            custody.give_back(s, refill=False)
        for c in sorted({s.commodity for s in held}):
            app.supplier.fill(c)
        if rule == "resource":
            sourcing = app.buyer.sourcing.get(held[0].commodity)
            if sourcing is not None and app.supplier in sourcing.suppliers():
                app.buyer.drop_supplier(sourcing, app.supplier)

    def lifted(self, *, release: bool) -> None:
        """The control lifts. release: what it holds leaves at once. Otherwise pending
        applications keep their place in the queue and shipments refused under `hold` are
        filed again."""
        net = self.control.network
        custody = net.custody
        refused, self.refused = self.refused, []
        if release:
            for shipment in custody.held_by(self.control.id):
                self.register.release(net, shipment)
            return
        for app in refused:
            held = [s for s in app.shipments if s in custody.held]
            if held:
                self.file(app.supplier, app.buyer, held)


class _Release:
    """Callback: a decided shipment leaves custody."""

    __slots__ = ("network", "register", "shipment")

    def __init__(self, register: LicenceRegister, network: Network, shipment: Shipment) -> None:
        self.register, self.network, self.shipment = register, network, shipment

    def __call__(self) -> None:
        self.register.release(self.network, self.shipment)


class _Reviewed:
    """Callback: an application's review is done; it joins the decision queue."""

    __slots__ = ("app",)

    def __init__(self, app: Application) -> None:
        self.app = app

    def __call__(self) -> None:
        office = self.app.office
        office.register.reviewed(office.control.network, self.app)


class _Serve:
    """Callback: the authority's next decision slot."""

    __slots__ = ("network", "register")

    def __init__(self, register: LicenceRegister, network: Network) -> None:
        self.register, self.network = register, network

    def __call__(self) -> None:
        self.register.serve(self.network)


class _Decide:
    """Callback: the authority decides an application."""

    __slots__ = ("app",)

    def __init__(self, app: Application) -> None:
        self.app = app

    def __call__(self) -> None:
        self.app.office.decide(self.app)
