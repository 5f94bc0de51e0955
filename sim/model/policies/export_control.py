"""Export controls: an exporter bans, caps (quota) or licenses covered commodities.

Where a control acts:
- at the supplier (`allowance`): a ban lets nothing covered leave, a quota only what is left of
  the period's quota; blocked orders wait in the supplier's backlog and are served again when
  the control lifts or a new quota period starts;
- at dispatch (`intercept`): under a licence, a covered shipment without a valid licence for its
  supplier→buyer pair is held in custody while its application is reviewed (`licensing.py`).

A shipment is covered when its commodity is covered, it crosses a border to a covered
destination, and either it leaves the exporter's country or (extraterritorial rule) it leaves a
third country with at least `threshold` of exporter-origin material in its origin mix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.policies.base import PolicyRuntime, matches
from sim.model.policies.licensing import LicenceOffice
from sim.model.policies.quota import QuotaBook
from sim.model.stock import Origin
from sim.scenario.policies.export_control import AllBut, License
from sim.scenario.policies.export_control import ExportControl as ExportControlSpec
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.model.network import Network
    from sim.model.node import Node
    from sim.model.orders import Shipment


def element_groups(scenario: Scenario, names: list[str]) -> set[str]:
    """Element-group ids named directly or containing a named chemical symbol."""
    wanted = set(names)
    return {g for g, el in scenario.elements.items() if g in wanted or wanted & set(el.members)}


def covered_commodities(scenario: Scenario, spec: ExportControlSpec) -> set[str]:
    """Commodities named, plus those (of the covered kinds) containing a covered element."""
    groups = element_groups(scenario, spec.elements)
    out = set(spec.commodities)
    for cid, com in scenario.commodities.items():
        if spec.kinds is not None and com.kind not in spec.kinds:
            continue
        if any(com.contains.get(g, 0.0) > 0 for g in groups):
            out.add(cid)
    return out


def to_destination(spec: ExportControlSpec, node: Node) -> bool:
    """Is `node` a destination the control applies to?"""
    dest = spec.destinations
    if dest == "all":
        return True
    if isinstance(dest, AllBut):
        return not any(matches(node, ref) for ref in dest.all_but)
    return any(matches(node, ref) for ref in dest)


class ExportControl(PolicyRuntime):
    policy_type = "export_control"
    gates = intercepts = True

    def __init__(self, network: Network, spec: ExportControlSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.spec = spec
        self.exporter = spec.exporter
        self.covered = covered_commodities(network.scenario, spec)
        ext = spec.extraterritorial
        self.threshold = None if ext is None else ext.threshold
        self.third_country_only = ext is not None and ext.only
        self.quota = QuotaBook(self, spec.quota) if spec.quota is not None else None
        self._acts: dict[tuple[Node, Node, str], bool] = {}  # `acts_on`, by triple
        self.office = (
            LicenceOffice(self, spec.license or License()) if spec.mode == "license" else None
        )

    def describe(self) -> str:
        return f"{self.exporter} {self.spec.mode} on {', '.join(sorted(self.covered))}"

    def acts_on(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        """Whether some origin mix makes shipments of `commodity` from `supplier` to `buyer`
        covered (worked out once per triple: it depends on the nodes and the spec alone)."""
        key = (supplier, buyer, commodity)
        acts = self._acts.get(key)
        if acts is None:
            acts = self._acts[key] = self._acts_on(supplier, buyer, commodity)
        return acts

    def _acts_on(self, supplier: Node, buyer: Node, commodity: str) -> bool:
        if commodity not in self.covered or supplier.country == buyer.country:
            return False
        if not to_destination(self.spec, buyer):
            return False
        if supplier.country == self.exporter:
            return not self.third_country_only
        return self.threshold is not None

    def covers(self, supplier: Node, buyer: Node, commodity: str, origin: Origin) -> bool:
        if not self.acts_on(supplier, buyer, commodity):
            return False
        if supplier.country == self.exporter:
            return True
        share = origin.get(self.exporter, 0.0)
        return share > 0 and self.threshold is not None and share >= self.threshold

    # --- at the supplier -----------------------------------------------------------------
    def allowance(self, supplier: Node, buyer: Node, commodity: str) -> float:
        """Tonnes the control lets `supplier` ship to `buyer` now (a pure query)."""
        if not self.covers(supplier, buyer, commodity, supplier.stock(commodity).origin):
            return float("inf")
        if self.quota is not None:
            return self.quota.remaining(buyer)
        if self.office is not None:
            return float("inf")
        return 0.0

    def refuse(self, supplier: Node, buyer: Node, commodity: str) -> None:
        """A ban blocked the buyer's orders at `supplier`: apply `on_denied` (hold: they wait;
        cancel: they are void; resource: the buyer also drops the supplier)."""
        if self.spec.mode != "ban" or self.spec.on_denied == "hold":
            return
        sourcing = buyer.sourcing.get(commodity)
        if sourcing is None or supplier not in sourcing.suppliers():
            return
        if self.spec.on_denied == "resource":
            buyer.drop_supplier(sourcing, supplier)
            return
        cancelled = buyer.cancel_orders(sourcing, supplier)
        if cancelled > 0:
            self.network.ctx.recorder.event(
                self.network.ctx.now,
                "orders_cancelled",
                buyer.id,
                f"{supplier.id} {commodity} {cancelled:.6g} t by {self.id}",
            )

    # --- at dispatch ---------------------------------------------------------------------
    def intercept(self, shipment: Shipment) -> bool:
        s = shipment
        if not self.covers(s.supplier, s.buyer, s.commodity, s.origin):
            return False
        if self.quota is not None:
            self.quota.use(s.buyer, s.quantity)
            s.cleared.add(self.id)
            return False
        if self.office is not None:
            return self.office.screen(s)
        return False

    # --- switching -----------------------------------------------------------------------
    def activate(self) -> None:
        if self.quota is not None:
            self.quota.start()

    def deactivate(self) -> None:
        if self.quota is not None:
            self.quota.stop()
        if self.office is not None:
            self.office.lifted(release=self.spec.on_end == "release")
        for node in list(self.network.nodes.values()):
            node.fill_all()
