"""Licensing under an export control: applications, reviews, decisions, general licences.

Each covered shipment without a valid licence for its supplier→buyer pair is held in custody
and an application is filed. After a review time (sampled per application) it is approved with
the probability of the first matching rule (by destination and buyer sector), else the default.
An approval releases the shipment to its lane; with `validity_days` > 0 it is a licence for the
pair: later shipments pass without review, and others of the pair still held are released.
A refusal follows the control's `on_denied`: hold (kept in custody until the control lifts),
cancel (material back to the supplier's stock, the buyer's order void) or resource (cancel, and
the buyer drops the supplier and qualifies its alternates).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model.policies.base import matches
from sim.scenario.distributions import Number, sample
from sim.scenario.schema import License

if TYPE_CHECKING:
    from sim.model.node import Node
    from sim.model.orders import Shipment
    from sim.model.policies.export_control import ExportControl


@dataclass(frozen=True)
class Terms:
    approval: float
    validity: float
    review: Number


class LicenceOffice:
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
        self.licences: dict[tuple[str, str], float] = {}  # (supplier, buyer) -> valid until
        self.review_rng = net.ctx.streams(f"policy:{control.id}:review")
        self.decision_rng = net.ctx.streams(f"policy:{control.id}:decision")

    def terms(self, buyer: Node) -> Terms:
        sector = getattr(buyer, "sector", "")
        for destinations, sectors, terms in self.rules:
            if destinations is not None and not any(matches(buyer, d) for d in destinations):
                continue
            if sectors is not None and sector not in sectors:
                continue
            return terms
        return self.default

    def licensed(self, supplier: Node, buyer: Node) -> bool:
        until = self.licences.get((supplier.id, buyer.id))
        return until is not None and until > self.control.network.ctx.now

    def screen(self, shipment: Shipment) -> bool:
        """Let a licensed shipment pass (False); hold any other and file an application."""
        if self.licensed(shipment.supplier, shipment.buyer):
            return False
        net = self.control.network
        net.custody.hold(shipment, self.control.id)
        terms = self.terms(shipment.buyer)
        review = max(0.0, sample(terms.review, self.review_rng))
        net.ctx.at(net.ctx.now + review, lambda: self._decide(shipment, terms, review))
        return True

    def _decide(self, shipment: Shipment, terms: Terms, review: float) -> None:
        net = self.control.network
        if net.custody.held.get(shipment) != self.control.id:
            return  # released meanwhile (control lifted, or a licence for the pair granted)
        approved = bool(self.decision_rng.random() < terms.approval)
        s = shipment
        detail = (
            f"{s.supplier.id}->{s.buyer.id} {s.commodity} {s.quantity:.6g} t after {review:.4g} d"
        )
        if approved:
            if terms.validity > 0:
                key = (s.supplier.id, s.buyer.id)
                until = net.ctx.now + terms.validity
                self.licences[key] = max(self.licences.get(key, until), until)
                detail += f"; licence for the pair {terms.validity:.4g} d"
            net.ctx.recorder.event(net.ctx.now, "licence_approved", self.control.id, detail)
            net.custody.release(s)
            if terms.validity > 0:
                for other in net.custody.held_by(self.control.id):
                    if other.supplier is s.supplier and other.buyer is s.buyer:
                        net.custody.release(other)
            return
        rule = self.control.spec.on_denied
        net.ctx.recorder.event(net.ctx.now, "licence_denied", self.control.id, f"{detail}; {rule}")
        if rule == "hold":
            return
        net.custody.give_back(s)
        if rule == "resource":
            sourcing = s.buyer.sourcing.get(s.commodity)
            if sourcing is not None and s.supplier in sourcing.suppliers():
                s.buyer.drop_supplier(sourcing, s.supplier)

    def release_all(self) -> None:
        """The control lifts: every shipment it holds continues to its lane."""
        for shipment in self.control.network.custody.held_by(self.control.id):
            self.control.network.custody.release(shipment)
