"""Mass balance of a finished run: every stock, lane, process and demand point must add up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.network import Network

REL_TOL = 1e-9


class ConservationError(AssertionError):
    """Raised when a run's books do not balance; lists every failing place."""

    def __init__(self, violations: list[str]) -> None:
        super().__init__("mass balance violated:\n  " + "\n  ".join(violations))
        self.violations = violations


def _off(value: float, scale: float) -> bool:
    return abs(value) > REL_TOL * max(1.0, abs(scale))


def check(network: Network) -> list[str]:
    """Every violation found, as `place commodity: what (error t)`; empty when balanced."""
    bad: list[str] = []
    for node in network.nodes.values():
        for c, s in node.stocks.items():
            scale = s.initial + s.received + s.produced
            if _off(s.imbalance(), scale):
                bad.append(f"{node.id} {c}: stock ledger off by {s.imbalance():.6g} t")
            if s.level < -REL_TOL * max(1.0, scale):
                bad.append(f"{node.id} {c}: negative stock {s.level:.6g} t")
        for c, sourcing in node.sourcing.items():
            open_qty = sum(o.remaining for orders in sourcing.open_orders.values() for o in orders)
            transit = sum(
                sh.quantity
                for lane in network.lanes.values()
                if lane.destination is node
                for sh in lane.in_transit
                if sh.commodity == c
            )
            err = node.on_order.get(c, 0.0) - open_qty - transit
            if _off(err, node.ordered.get(c, 0.0)):
                bad.append(f"{node.id} {c}: on-order book off by {err:.6g} t")
    for (o, d), lane in network.lanes.items():
        in_transit = sum(sh.quantity for sh in lane.in_transit)
        err = lane.shipped - lane.delivered - in_transit
        if _off(err, lane.shipped):
            bad.append(f"lane {o}->{d}: shipped − delivered − in transit = {err:.6g} t")
    for fac in network.facilities.values():
        activity = sum(a for _, _, a, _ in fac.activity_log)
        wip = {c: q for c, q, _ in fac.wip}
        if any(a > cap * (1 + REL_TOL) + REL_TOL for _, _, a, cap in fac.activity_log):
            bad.append(f"{fac.id}: produced above its capacity")
        for c, per in fac.outputs.items():
            made = fac.stock(c).produced + wip.get(c, 0.0)
            if _off(made - activity * per, made):
                bad.append(f"{fac.id} {c}: produced {made:.6g} t ≠ activity × yield")
        for c, per in fac.inputs.items():
            used = fac.stock(c).consumed
            if _off(used - activity * per, used):
                bad.append(f"{fac.id} {c}: consumed {used:.6g} t ≠ activity × recipe")
    for buyer in network.buyers.values():
        for c, point in buyer.points.items():
            err = point.cum_demand - point.stock.consumed - point.cum_shortage
            if _off(err, point.cum_demand):
                bad.append(f"{buyer.id} {c}: demand − consumed − shortage = {err:.6g} t")
    return bad
