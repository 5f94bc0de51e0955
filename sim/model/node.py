"""What facilities and buyers share: stocks, orders to suppliers, backlogs of orders received."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.model.ordering import OrderingRule
from sim.model.orders import Load, Order, Shipment
from sim.model.sourcing import Sourcing
from sim.model.stock import Stock

if TYPE_CHECKING:
    from sim.model.lanes import Lane
    from sim.model.network import Network

EPS = 1e-9


class Node:
    """A place that holds stock: a facility or a buyer."""

    kind = "node"
    ordering: OrderingRule  # how it replenishes (set by Facility and Buyer)

    def __init__(self, network: Network, node_id: str, country: str) -> None:
        self.network = network
        self.env = network.ctx.env
        self.id = node_id
        self.country = country
        self.stocks: dict[str, Stock] = {}
        self.backlog: dict[str, deque[Order]] = {}
        self.on_order: dict[str, float] = {}
        self.ordered: dict[str, float] = {}  # total ever ordered, the scale of the on-order book
        # orders void before arrival (cancelled at the supplier, or held shipments withdrawn):
        # for every commodity, ordered − received − withdrawn − on order = 0
        self.withdrawn: dict[str, float] = {}
        self.received: dict[str, float] = {}
        self.sourcing: dict[str, Sourcing] = {}
        self.lanes_to: dict[Node, Lane] = {}  # the network's lanes from here, by destination

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id}>"

    def stock(self, commodity: str) -> Stock:
        try:
            return self.stocks[commodity]
        except KeyError:
            s = self.stocks[commodity] = Stock(commodity)
            return s

    # --- selling -------------------------------------------------------------------------
    def available(self, now: float) -> bool:
        """Can the node take orders at `now` (e.g. a plant that is online)?"""
        return True

    def capacity_rate(self, commodity: str, now: float) -> float:
        """Tonnes of `commodity` per day the node can make at `now` (0 if it makes none)."""
        return 0.0

    def use_per_day(self, commodity: str, now: float) -> float:
        """Tonnes of `commodity` the node uses per day at `now` (0 if it uses none)."""
        return 0.0

    def can_ship(self) -> bool:
        """False while the node cannot ship at all (e.g. during an outage)."""
        return True

    def take_order(self, order: Order) -> None:
        c = order.commodity
        queue = self.backlog.get(c)
        if queue is None:
            queue = self.backlog[c] = deque()
        queue.append(order)
        self.fill(c)

    def fill(self, commodity: str) -> None:
        """Ship open orders for `commodity` as far as stock allows: all of them when the stock
        covers the backlog, else each the same share of its remaining quantity (pro rata to
        open orders, so buyers turning to a supplier share its output). A share a policy does
        not let leave stays in stock for the next fill."""
        queue = self.backlog.get(commodity)
        if not queue or not self.can_ship():
            return
        stock = self.stocks.get(commodity) or self.stock(commodity)
        net = self.network
        gated = net.gated
        now = self.env.now
        refused: list[Node] = []
        total = 0.0
        for order in queue:
            total += order.remaining
        share = 1.0 if total <= stock.level else stock.level / total
        for order in list(queue):
            level = stock.level
            if level <= EPS:
                break
            remaining = order.remaining
            if remaining <= EPS:
                queue.remove(order)
                continue
            qty = remaining * share
            if remaining - qty <= EPS and remaining <= level:
                qty = remaining  # no sliver left open
            elif qty <= EPS:
                continue
            if qty > level:
                qty = level
            buyer = order.buyer
            if gated:
                allowed = net.allowance(self, buyer, commodity)
                if allowed <= EPS:
                    if buyer not in refused:
                        refused.append(buyer)
                    continue
                if allowed < qty:
                    qty = allowed
            stock.level -= qty  # stock.ship(qty), inline
            stock.shipped += qty
            order.remaining = remaining - qty
            net.ship(Shipment(self, buyer, commodity, qty, stock.origin, now))
            if order.remaining <= EPS:
                queue.remove(order)
        for buyer in refused:  # after the loop: a refusal voids orders in this queue
            net.refuse(self, buyer, commodity)

    def fill_all(self) -> None:
        for commodity in list(self.backlog):
            self.fill(commodity)

    def backlog_qty(self, commodity: str) -> float:
        queue = self.backlog.get(commodity)
        return sum(o.remaining for o in queue) if queue else 0.0

    def cancel(self, order: Order) -> None:
        queue = self.backlog.get(order.commodity)
        if queue is not None and order in queue:
            queue.remove(order)

    # --- buying --------------------------------------------------------------------------
    def receive(self, load: Load) -> None:
        """A shipment (or one load of one) arrives: stock up, on-order down."""
        c, q = load.commodity, load.quantity  # as `book_receipt`, inline
        stock = self.stocks.get(c) or self.stock(c)
        stock.receive(q, load.origin)
        self.on_order[c] -= q
        received = self.received
        received[c] = received.get(c, 0.0) + q

    def book_receipt(self, stock: Stock, load: Load) -> None:
        """Book `load` into `stock` (of its commodity) and off the on-order book."""
        c, q = load.commodity, load.quantity
        stock.receive(q, load.origin)
        self.on_order[c] -= q
        self.received[c] = self.received.get(c, 0.0) + q

    def withdraw(self, commodity: str, qty: float) -> None:
        """`qty` t on order will never come (order cancelled, held shipment withdrawn)."""
        self.on_order[commodity] = self.on_order.get(commodity, 0.0) - qty
        self.withdrawn[commodity] = self.withdrawn.get(commodity, 0.0) + qty

    def position(self, commodity: str) -> float:
        """Inventory position: stock + on order (held shipments included until they arrive or
        are withdrawn)."""
        return self.stock(commodity).level + self.on_order.get(commodity, 0.0)

    def check_suppliers(self, sourcing: Sourcing) -> None:
        """Give up on late suppliers and start qualifying alternates. A supplier is late when
        an order of ours has waited longer than the sourcing's patience, or a shipment of ours
        held by a policy is that much later than expected (a licence review takes its
        statutory time)."""
        now = self.network.ctx.env.now
        late = sourcing.late_suppliers(now)
        custody = self.network.custody
        if custody.held:
            for shipment, due in custody.held_for(self, sourcing.commodity):
                s = shipment.supplier
                if (
                    now - due > sourcing.patience
                    and (s in sourcing.preferred or s in sourcing.alternates)
                    and s not in late
                    and sourcing.failing_until.get(s, -1.0) <= now
                ):
                    late.append(s)
        for supplier in late:
            self.drop_supplier(sourcing, supplier)

    def cancel_orders(self, sourcing: Sourcing, supplier: Node) -> float:
        """Cancel our open orders of `sourcing.commodity` at `supplier`; returns the tonnes."""
        cancelled = 0.0
        for order in sourcing.open_orders.pop(supplier, []):
            if order.remaining > EPS:
                supplier.cancel(order)
                self.withdraw(order.commodity, order.remaining)
                cancelled += order.remaining
                order.remaining = 0.0
        return cancelled

    def withdraw_held(self, commodity: str, supplier: Node) -> float:
        """Withdraw our shipments from `supplier` that policies hold (material back to the
        supplier, order void); returns the tonnes."""
        custody = self.network.custody
        out = 0.0
        for shipment, _ in custody.held_for(self, commodity):
            if shipment.supplier is supplier:
                out += shipment.quantity
                custody.give_back(shipment, refill=False)
        if out > 0.0:
            supplier.fill(commodity)
        return out

    def drop_supplier(self, sourcing: Sourcing, supplier: Node) -> None:
        """Give up on `supplier`: cancel our open orders there, mark it failing, start
        qualifying alternates. Our shipments from it held by policies stay on order until we
        can order elsewhere; then they are withdrawn (`switch_away`)."""
        now = self.network.ctx.now
        self.cancel_orders(sourcing, supplier)
        starting = sourcing.mark_failing(supplier, now)
        self.switch_away(sourcing)
        rec = self.network.ctx.recorder
        rec.event(now, "supplier_failing", self.id, f"{supplier.id} {sourcing.commodity}")
        for alt in starting:
            rec.event(now, "qualification_started", self.id, f"{alt.id} {sourcing.commodity}")
            self.network.ctx.at(now + sourcing.qualification, _Qualify(self, sourcing, alt))

    def switch_away(self, sourcing: Sourcing) -> None:
        """Where new orders go elsewhere, withdraw what failing suppliers still hold for us
        (orders and held shipments), so nothing is on order twice."""
        now = self.network.ctx.now
        weights = sourcing.weights(now)
        for supplier, until in list(sourcing.failing_until.items()):
            if until > now and supplier not in weights:
                self.cancel_orders(sourcing, supplier)
                self.withdraw_held(sourcing.commodity, supplier)

    def place_orders(self, commodity: str, quantity: float) -> None:
        """Split `quantity` across the current suppliers and send the orders."""
        if quantity <= EPS:
            return
        sourcing = self.sourcing[commodity]
        now = self.network.ctx.now
        for supplier, share in sourcing.weights(now).items():
            q = quantity * share
            if q <= EPS:
                continue
            self.on_order[commodity] = self.on_order.get(commodity, 0.0) + q
            self.ordered[commodity] = self.ordered.get(commodity, 0.0) + q
            order = Order(self, supplier, commodity, q, now)
            orders = sourcing.open_orders.setdefault(supplier, [])
            orders[:] = [o for o in orders if o.remaining > EPS]
            orders.append(order)
            supplier.take_order(order)


class _Qualify:
    """Callback: an alternate supplier finishes qualification."""

    def __init__(self, node: Node, sourcing: Sourcing, supplier: Node) -> None:
        self.node, self.sourcing, self.supplier = node, sourcing, supplier

    def __call__(self) -> None:
        ctx = self.node.network.ctx
        detail = f"{self.supplier.id} {self.sourcing.commodity}"
        if not self.sourcing.qualify(self.supplier):
            ctx.recorder.event(ctx.now, "qualification_failed", self.node.id, detail)
            return
        self.node.switch_away(self.sourcing)
        ctx.recorder.event(ctx.now, "supplier_qualified", self.node.id, detail)
