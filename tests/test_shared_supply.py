"""Buyers turning to one supplier share its output pro rata to their open orders."""

from __future__ import annotations

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, departures, validate, world

P = 7.0  # t made per weekly batch (365 t/yr)
QA, QB = 20.0, 10.0  # the buyers' orders at day 0, together more than several batches


def shared_world():  # type: ignore[no-untyped-def]
    maker = {
        "stage": "magnet",
        "country": "JP",
        "capacity": {"magnet": P * 365.0 / 7.0},
        "inventory": {"magnet": 0.0},
        "output_cover_days": 0.0,
    }
    buyers = {}
    for name, q in (("a", QA), ("b", QB)):
        b = buyer("US", {"jp": 1.0}, rate_per_day=0.001, initial=0.0)
        b["ordering"] = {"rule": "base_stock", "level_t": q, "review_days": 1000.0}
        buyers[name] = b
    return validate(world({"jp": maker}, buyers, [("JP", "US", 5.0)], days=40))


def test_each_batch_is_split_pro_rata_to_the_open_orders() -> None:
    net = simulate(shared_world(), 0, 1)
    a, b = departures(net, "jp", "a"), departures(net, "jp", "b")
    assert a and b
    batches = sorted({t for t, _ in a + b})
    assert len(batches) >= 2
    for t in batches:
        qa = sum(q for s, q in a if s == t)
        qb = sum(q for s, q in b if s == t)
        # the remaining orders stay 2:1, so every batch of P goes 2:1
        assert qa + qb == pytest.approx(P)
        assert qa == pytest.approx(P * QA / (QA + QB))
        assert qb == pytest.approx(P * QB / (QA + QB))
