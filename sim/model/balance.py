"""Mass balance of a finished run: every stock, lane, process and demand point must add up."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.facility import Facility
    from sim.model.network import Network
    from sim.model.node import Node

REL_TOL = 1e-9


class ConservationError(AssertionError):
    """Raised when a run's books do not balance; lists every failing place."""

    def __init__(self, violations: list[str]) -> None:
        super().__init__("mass balance violated:\n  " + "\n  ".join(violations))
        self.violations = violations


def _off(value: float, scale: float) -> bool:
    """The books are off by `value` t (relative to `scale`); any NaN or infinity is off."""
    if not (math.isfinite(value) and math.isfinite(scale)):
        return True
    return abs(value) > REL_TOL * max(1.0, abs(scale))


def ledger(node: Node, commodity: str) -> list[str]:
    """The order ledger of `node` for `commodity`: every tonne ordered was received, was
    withdrawn (order void) or is still on order — never two of these."""
    ordered = node.ordered.get(commodity, 0.0)
    err = ordered - node.received.get(commodity, 0.0) - node.withdrawn.get(commodity, 0.0)
    err -= node.on_order.get(commodity, 0.0)
    if _off(err, ordered):
        return [f"{node.id} {commodity}: ordered − received − withdrawn − on order = {err:.6g} t"]
    return []


def check(network: Network) -> list[str]:
    """Every violation found, as `place commodity: what (error t)`; empty when balanced."""
    bad: list[str] = []
    pending: dict[tuple[int, str], float] = {}  # (id of buyer node, commodity) -> t on the way
    for lane in network.lanes.values():
        for sh in lane.in_transit:
            key = (id(sh.buyer), sh.commodity)
            pending[key] = pending.get(key, 0.0) + sh.quantity
    for sh in network.custody.held:
        key = (id(sh.buyer), sh.commodity)
        pending[key] = pending.get(key, 0.0) + sh.quantity
    for node in network.nodes.values():
        for c, s in node.stocks.items():
            scale = s.initial + s.received + s.produced
            if _off(s.imbalance(), scale):
                bad.append(f"{node.id} {c}: stock ledger off by {s.imbalance():.6g} t")
            if not math.isfinite(s.level) or s.level < -REL_TOL * max(1.0, scale):
                bad.append(f"{node.id} {c}: negative or non-finite stock {s.level:.6g} t")
        for c, sourcing in node.sourcing.items():
            open_qty = sum(o.remaining for orders in sourcing.open_orders.values() for o in orders)
            on_the_way = pending.get((id(node), c), 0.0)  # in transit or held by a policy
            err = node.on_order.get(c, 0.0) - open_qty - on_the_way
            if _off(err, node.ordered.get(c, 0.0)):
                bad.append(f"{node.id} {c}: on-order book off by {err:.6g} t")
            bad += ledger(node, c)
    bad += _dispatch(network)
    for (o, d), lane in network.lanes.items():
        in_transit = sum(sh.quantity for sh in lane.in_transit)
        err = lane.shipped + lane.seeded - lane.delivered - in_transit
        if _off(err, lane.shipped + lane.seeded):
            bad.append(f"lane {o}->{d}: shipped + seeded − delivered − in transit = {err:.6g} t")
    for fac in network.facilities.values():
        activity = sum(a for _, _, a, _ in fac.activity_log)
        wip = {c: q for c, q, _ in fac.wip}
        if any(a > cap * (1 + REL_TOL) + REL_TOL for _, _, a, cap in fac.activity_log):
            bad.append(f"{fac.id}: produced above its capacity")
        for c, per in fac.outputs.items():
            made = fac.stock(c).produced + wip.get(c, 0.0)
            if _off(made - activity * per, made):
                bad.append(f"{fac.id} {c}: produced {made:.6g} t ≠ activity × yield")
        for c in fac.inputs:
            used = fac.stock(c).consumed
            if _off(used - _recipe_use(fac, c), used):
                bad.append(f"{fac.id} {c}: consumed {used:.6g} t ≠ activity × recipe")
    for buyer in network.buyers.values():
        for c, point in buyer.points.items():
            err = point.cum_demand - point.stock.consumed - point.cum_shortage
            if _off(err, point.cum_demand):
                bad.append(f"{buyer.id} {c}: demand − consumed − shortage = {err:.6g} t")
    return bad


def _recipe_use(fac: Facility, commodity: str) -> float:
    """Σ activity × use per unit over the batches, each with the recipe in force when it
    started (the scenario's, then each recorded change from its batch on)."""
    per = fac.base_inputs[commodity]
    changes = [(i, p) for i, c, p in fac.recipe_changes if c == commodity]
    total = 0.0
    k = 0
    for i, (_, _, activity, _) in enumerate(fac.activity_log):
        while k < len(changes) and changes[k][0] <= i:
            per = changes[k][1]
            k += 1
        total += activity * per
    return total


def _dispatch(network: Network) -> list[str]:
    """Every tonne a node shipped left on a lane, is held in custody, or came back to it."""
    bad: list[str] = []
    out: dict[tuple[str, str], float] = {}
    for (o, _), lane in network.lanes.items():
        for q, c in zip(lane.departures.values[1::2], lane.commodities, strict=True):
            out[(o, c)] = out.get((o, c), 0.0) + q
    for sh in network.custody.held:
        key = (sh.supplier.id, sh.commodity)
        out[key] = out.get(key, 0.0) + sh.quantity
    for key, q in network.custody.returned.items():
        out[key] = out.get(key, 0.0) + q
    for node in network.nodes.values():
        for c, s in node.stocks.items():
            err = s.shipped - out.pop((node.id, c), 0.0)
            if _off(err, s.shipped):
                bad.append(f"{node.id} {c}: shipped − on lanes − held − returned = {err:.6g} t")
    for (nid, c), q in out.items():
        if _off(q, q):
            bad.append(f"{nid} {c}: {q:.6g} t dispatched that its stock never shipped")
    custody = network.custody
    err = custody.intercepted - custody.released - sum(custody.returned.values())
    err -= custody.held_qty()
    if _off(err, custody.intercepted):
        bad.append(f"custody: intercepted − released − returned − held = {err:.6g} t")
    return bad
