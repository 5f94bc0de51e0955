"""A reorder larger than `max_lot_days` of use is spread over reviews, not placed in one lot."""

from __future__ import annotations

import math

import pytest

from sim.model.ordering import OrderingRule


def test_a_gap_is_closed_in_lots_of_max_lot_days_of_use() -> None:
    rule = OrderingRule("cover", review_days=7.0, cover_days=90.0, max_lot_days=14.0)
    use = 2.0  # t/day
    position = 0.0  # every order withdrawn: the whole 180 t cover is the gap
    lots = []
    while (q := rule.lot(rule.order_quantity(position, use), use)) > 0:
        lots.append(q)
        position += q
    # 180 t in lots of 28 t: six full lots and one of 12 t, ceil(180 / 28) = 7 reviews
    assert len(lots) == math.ceil(90 * use / (14 * use)) == 7
    assert lots[:6] == [pytest.approx(28.0)] * 6
    assert lots[6] == pytest.approx(180.0 - 6 * 28.0)


def test_without_a_limit_the_gap_is_one_order() -> None:
    rule = OrderingRule("base_stock", review_days=7.0, level_t=50.0)
    assert rule.lot(rule.order_quantity(5.0, 1.0), 1.0) == pytest.approx(45.0)
