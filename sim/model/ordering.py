"""Replenishment rules, evaluated at each review on the inventory position (stock + on order)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class OrderingRule:
    """When and how much a node orders: the rule, its review period and its parameters."""

    rule: str  # "cover" | "base_stock" | "s_S"
    review_days: float
    cover_days: float = 0.0
    level_t: float = 0.0
    reorder_point_t: float = 0.0
    order_up_to_t: float = 0.0
    max_lot_days: float = math.inf
    delivery_days: float = 0.0  # shipments to the node leave in daily loads over this span

    def lot(self, quantity: float, use_per_day: float) -> float:
        """`quantity` cut to one lot: at most `max_lot_days` of `use_per_day` (the rest is
        ordered at later reviews)."""
        if use_per_day <= 0.0:
            return quantity
        return min(quantity, self.max_lot_days * use_per_day)

    def order_quantity(
        self, position: float, use_per_day: float, cover_days: float | None = None
    ) -> float:
        """Tonnes to order now to close the rule's gap. `cover_days` overrides the rule's for
        the cover rule."""
        if self.rule == "cover":
            cover = self.cover_days if cover_days is None else cover_days
            gap = cover * use_per_day - position
        elif self.rule == "base_stock":
            gap = self.level_t - position
        elif position < self.reorder_point_t:
            gap = self.order_up_to_t - position
        else:
            return 0.0
        return max(0.0, gap)
