"""Replenishment rules, evaluated at each review on the inventory position (stock + on order)."""

from __future__ import annotations

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

    def order_quantity(self, position: float, use_per_day: float) -> float:
        """Tonnes to order now."""
        if self.rule == "cover":
            return max(0.0, self.cover_days * use_per_day - position)
        if self.rule == "base_stock":
            return max(0.0, self.level_t - position)
        if position < self.reorder_point_t:
            return max(0.0, self.order_up_to_t - position)
        return 0.0
