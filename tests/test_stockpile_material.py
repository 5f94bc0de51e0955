"""A stockpile holds the material itself: Dy oxide released to a magnet maker that uses it."""

from __future__ import annotations

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, dy_ban, events, stockist, validate, world

CAP = 3650.0  # t magnet/yr: 10 t/day of activity
DY_PER_T = 0.01  # t Dy oxide per t magnet: 0.1 t/day of Dy oxide at capacity
TARGET, TRIGGER = 60.0, 30.0


def maker_world(dy_stock: float):  # type: ignore[no-untyped-def]
    maker = {
        "stage": "magnet",
        "country": "JP",
        "recipe": {"inputs": {"Dy_oxide": DY_PER_T}},
        "capacity": {"magnet": CAP},
        "inventory": {"Dy_oxide": dy_stock, "magnet": 0.0},
        "sourcing": {"Dy_oxide": {"suppliers": {"cn": 1.0}}},
    }
    pile = {
        "id": "jogmec",
        "type": "stockpile",
        "start": day(0),
        "holder": "JP",
        "commodity": "Dy_oxide",
        "size_t": 100.0,
        "eligible": ["maker"],
        "trigger": "cover",
        "trigger_cover_days": TRIGGER,
        "target_cover_days": TARGET,
        "max_release_t_per_day": 1000.0,
    }
    return validate(
        world(
            {"cn": stockist("CN", "Dy_oxide"), "maker": maker},
            {"oem": buyer("US", {"maker": 1.0}, rate_per_day=1.0)},
            [("CN", "JP", 5.0), ("JP", "JP", 2.0), ("JP", "US", 10.0)],
            [dy_ban(), pile],
            days=30,
        )
    )


def test_a_magnet_maker_low_on_dy_gets_its_target_cover_of_dy_oxide() -> None:
    net = simulate(maker_world(dy_stock=0.5), 0, 1)  # 5 days of use at capacity: triggered
    first = departures(net, "jogmec", "maker")[0]
    use = CAP / 365.0 * DY_PER_T
    assert first[0] == 0.0
    # target cover at its use at capacity, less the 0.5 t it holds
    assert first[1] == pytest.approx(TARGET * use - 0.5)
    assert events(net, "stock_release")[0][2].startswith("maker Dy_oxide")


def test_a_maker_with_cover_above_the_trigger_gets_nothing() -> None:
    net = simulate(maker_world(dy_stock=0.1 * (TRIGGER + 5)), 0, 1)
    assert all(t > 0.0 for t, _ in departures(net, "jogmec", "maker"))
