"""Rapid response: partners whose days of cover fall below a trigger get emergency supply.

Every `check_days` the partners' cover (stock plus emergency supply on its way, at the current
demand rate) is compared with the trigger. The partners below it form one event: after
`response_days` each gets up to its need (`target_cover_days` of demand minus stock and
emergency supply on its way), within the per-event cap, the total cap left and what the
sources can give (facilities: stock beyond their open orders if `spare_only`; stockpiles: all).
The amount is shared by need (pro rata), equally (unused parts go to the others) or by priority
(partners in listed order), drawn from the sources in listed order and shipped on their lanes.
Emergency shipments pass export controls like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.node import EPS
from sim.model.policies.periodic import Deliveries, Periodic, cover_days
from sim.scenario.policies.rapid_response import RapidResponse as RapidResponseSpec

if TYPE_CHECKING:
    from sim.model.buyer import Buyer
    from sim.model.network import Network
    from sim.model.node import Node


def share_out(amount: float, needs: list[float], rule: str) -> list[float]:
    """Split `amount` among needs: `need` pro rata, `equal` parts (water-filling), `priority`."""
    total = sum(needs)
    if amount >= total:
        return list(needs)
    if rule == "need":
        return [amount * n / total for n in needs]
    if rule == "priority":
        out = []
        for n in needs:
            out.append(min(n, amount))
            amount -= out[-1]
        return out
    out = [0.0] * len(needs)
    open_ = [i for i, n in enumerate(needs) if n > 0]
    while amount > EPS and open_:
        part = amount / len(open_)
        for i in list(open_):
            give = min(part, needs[i] - out[i])
            out[i] += give
            amount -= give
            if needs[i] - out[i] <= EPS:
                open_.remove(i)
    return out


class RapidResponse(Periodic):
    policy_type = "rapid_response"

    def __init__(self, network: Network, spec: RapidResponseSpec) -> None:
        super().__init__(network, spec.id, spec.start, spec.end)
        self.spec = spec
        v, path = network.params.value, f"policies.{spec.id}"
        self.commodity = spec.commodity
        self.trigger = v(spec.trigger_cover_days, f"{path}.trigger_cover_days")
        self.target = v(spec.target_cover_days, f"{path}.target_cover_days")
        self.delay = v(spec.response_days, f"{path}.response_days")
        self.cap_event = v(spec.cap_per_event_t, f"{path}.cap_per_event_t")
        self.cap_left = v(spec.cap_total_t, f"{path}.cap_total_t")
        self.check_days = v(spec.check_days, f"{path}.check_days")
        self.partners: list[Buyer] = [network.buyers[b] for b in spec.partners]
        self.deliveries = Deliveries(network)
        self.pending: set[str] = set()

    def describe(self) -> str:
        return f"rapid response for {', '.join(p.id for p in self.partners)}"

    def check(self) -> None:
        if self.cap_left <= EPS:
            return
        low = [
            b
            for b in self.partners
            if b.id not in self.pending
            and self.commodity in b.points
            and cover_days(b.points[self.commodity], self._on_way(b)) < self.trigger
        ]
        if not low:
            return
        ctx = self.network.ctx
        self.pending.update(b.id for b in low)
        names = ", ".join(b.id for b in low)
        ctx.recorder.event(ctx.now, "rapid_response_triggered", self.id, names)
        ctx.at(ctx.now + self.delay, lambda: self._respond(low))

    def _on_way(self, buyer: Buyer) -> float:
        return self.deliveries.pending(buyer, self.commodity)

    def _respond(self, partners: list[Buyer]) -> None:
        self.pending.difference_update(b.id for b in partners)
        if not self.active:
            return
        c, now = self.commodity, self.network.ctx.now
        needs = []
        for b in partners:
            point = b.points[c]
            point.advance(now)
            have = max(point.stock.level, 0.0) + self._on_way(b)
            needs.append(max(0.0, self.target * point.rate - have))
        sources = [self.network.nodes[s] for s in self.spec.sources]
        available = sum(self._spare(s) for s in sources)
        amount = min(self.cap_event, self.cap_left, available, sum(needs))
        for b, qty in zip(partners, share_out(amount, needs, self.spec.sharing), strict=True):
            sent = 0.0
            for source in sources:
                if qty - sent <= EPS:
                    break
                give = min(qty - sent, self._spare(source))
                if give > EPS:
                    sent += self.deliveries.send(source, b, c, give)
            self.cap_left -= sent
            if sent > 0:
                self.network.ctx.recorder.event(
                    now, "emergency_supply", b.id, f"{c} {sent:.6g} t by {self.id}"
                )

    def _spare(self, source: Node) -> float:
        level = max(source.stock(self.commodity).level, 0.0)
        if self.spec.spare_only and source.kind == "facility":
            level -= source.backlog_qty(self.commodity)
        return max(0.0, level)
