"""Price response: demand relaxes towards index^−ε (or the floor) with its time constant, the
market's running index is the post-run `price_index` column, events mark a cut above 1 %."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sim.model.observe import observe
from sim.model.policies.price_response import THRESHOLD
from sim.runner import run_one, simulate
from tests.policy_world import buyer, day, events, held_from_cn, stockist, validate, world

PREMIUM = 4.0
#: A ban holding every shipment from the start, lanes empty at the start and orders unmet at
#: once: every order is unmet from day 0 (u = 1), so the index is the premium on every day.
HELD = held_from_cn()
FIXED_PRICES = {
    "controlled_premium": PREMIUM,
    "shortage_multiple": 1.0,  # premium only: the buyer runs out of stock, the index stays
    "unmet_after_days": 0.0,
}


def response(**terms: Any) -> dict[str, Any]:
    return {"id": "pr", "type": "price_response", "start": day(0), **terms}


def fixed_index(*policies: dict[str, Any], days: int = 200) -> dict[str, Any]:
    return world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", 5.0)],
        [HELD, *policies],
        days=days,
        prices=FIXED_PRICES,
    )


def expected(target: float, tau: float, days: int) -> list[float]:
    """10 t/day relaxing to 10·target from day 0, the index first known at the end of day 0."""
    return [10.0 * (target + (1.0 - target) * math.exp(-d / tau)) for d in range(days)]


def test_demand_converges_to_index_power_minus_elasticity_with_its_time_constant():
    eps, tau = 0.5, 30.0
    policy = response(elasticity=eps, adjust_days=tau, floor=0.1)
    res = run_one(validate(fixed_index(policy)), 0, 1)
    assert list(res.buyers["price_index"]) == pytest.approx([PREMIUM] * 200, rel=1e-12)
    demand = res.buyers["demand_t"].to_numpy()
    assert list(demand) == pytest.approx(expected(PREMIUM**-eps, tau, 200), rel=1e-12)
    assert demand[-1] == pytest.approx(10.0 * 0.5, rel=1e-2)  # 4^-0.5 after ~7 time constants


def test_floor_caps_the_cut_and_ending_restores_demand():
    policy = response(elasticity=2.0, adjust_days=10.0, floor=0.25, end=day(100))
    res = run_one(validate(fixed_index(policy, days=150)), 0, 1)
    demand = res.buyers["demand_t"].to_numpy()
    assert list(demand[:100]) == pytest.approx(expected(0.25, 10.0, 100), rel=1e-12)
    assert list(demand[100:]) == pytest.approx([10.0] * 50, rel=1e-12)


def test_events_mark_a_cut_above_the_threshold():
    eps, tau = 0.5, 30.0
    net = simulate(
        validate(fixed_index(response(elasticity=eps, adjust_days=tau, end=day(80)))), 0, 1
    )
    # the cut 1 − m(t) first exceeds the threshold at the first daily update after t* below
    target = PREMIUM**-eps
    t_star = -tau * math.log(1.0 - THRESHOLD / (1.0 - target))
    assert events(net, "price_response_start") == [(float(math.ceil(t_star)), "oem", "magnet")]
    assert events(net, "price_response_end") == [(80.0, "oem", "magnet")]


def test_responses_on_one_point_multiply():
    a = response(elasticity=0.5, adjust_days=1e-9, floor=0.1)
    b = {**response(elasticity=1.0, adjust_days=1e-9, floor=0.1), "id": "pr2"}
    res = run_one(validate(fixed_index(a, b, days=20)), 0, 1)
    demand = res.buyers["demand_t"].to_numpy()
    assert list(demand[1:]) == pytest.approx([10.0 * PREMIUM**-1.5] * 19, rel=1e-12)


def test_running_index_is_the_post_run_column_under_shortage():
    """A 60-day outage with a control holding shipments from day 30: scarcity and premium both
    move, demand with them; the market's daily index is the column of the records."""
    outage = {
        "id": "halt",
        "type": "facility_outage",
        "facility": "maker",
        "start": day(0),
        "end": day(60),
    }
    control = held_from_cn(30, end=day(120))
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0}), "oem2": buyer("JP", {"maker": 1.0}, rate_per_day=5.0)},
        [("CN", "JP", 5.0)],
        [outage, control, response(elasticity=0.3, adjust_days=20.0, buyers=["oem"])],
        days=300,
        prices={"rise_days": 20.0, "half_life_days": 60.0, "controlled_premium": 3.0},
    )
    net = simulate(validate(doc), 0, 1)
    assert net.market is not None
    quote = net.market.quote("magnet", "JP")
    assert quote is not None
    running = np.array(quote.history)
    table = observe(net, 0).buyers
    for name in ("oem", "oem2"):  # one index for the country: both buyers see it
        column = table[table["buyer"] == name].sort_values("day")["price_index"].to_numpy()
        assert len(running) == len(column) - 1  # the last day ends at the horizon
        assert running == pytest.approx(column[:-1], rel=1e-9)
    assert running.max() > 5.0  # the shortage did move the index
    demand = table[table["buyer"] == "oem2"]["demand_t"].to_numpy()
    assert list(demand) == pytest.approx([5.0] * 300)  # oem2 is not covered
