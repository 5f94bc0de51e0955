"""Demand response (substitution growing with a lag, decaying after), demand shocks, and random
outages arriving as a Poisson process from their own streams."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim.runner import run_one, simulate
from tests.policy_world import buyer, day, events, stockist, validate, world


def cn_to_jp(*policies: dict[str, Any], days: int) -> dict[str, Any]:
    return world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", 5.0)],
        list(policies),
        days=days,
    )


def test_substitution_grows_after_the_lag_and_decays_after_recovery():
    rate, decay, lag = 0.10, 0.05, 30.0
    ban = {
        "id": "ban",
        "type": "export_control",
        "exporter": "CN",
        "commodities": ["magnet"],
        "mode": "ban",
        "start": day(0),
        "end": day(300),
    }
    response = {
        "id": "subst",
        "type": "demand_response",
        "start": day(0),
        "lag_days": lag,
        "rate_per_year": rate,
        "max_share": 0.3,
        "decay_per_year": decay,
        "check_days": 1,
    }
    res = run_one(validate(cn_to_jp(ban, response, days=700)), 0, 1)
    demand = res.buyers["demand_t"].to_numpy()
    step = 10.0 * rate / 365  # t/day of demand substituted per daily check
    # stock (200 t at 10 t/day) runs out on day 20; the response starts lag days later
    assert list(demand[:50]) == pytest.approx([10.0] * 50, abs=1e-12)
    starts = [e for e in res.events.itertuples() if e.kind == "demand_response_start"]
    assert [e.day for e in starts] == [20.0 + lag]
    # growth until supply returns (first arrival at 300 + 5), one step per daily check
    peak = 10.0 - demand.min()
    assert peak == pytest.approx(step * (305 - 50 + 1), abs=step)
    assert demand[100] - demand[101] == pytest.approx(step, rel=1e-9)
    # then decay at decay_per_year
    assert demand[600] - demand[400] == pytest.approx(10.0 * decay * 200 / 365, rel=1e-9)


def test_demand_shocks_multiply_where_they_overlap():
    shocks = [
        {"id": "a", "type": "demand_shock", "start": day(50), "end": day(100), "multiplier": 2.0},
        {"id": "b", "type": "demand_shock", "start": day(80), "end": day(120), "multiplier": 1.5},
    ]
    res = run_one(validate(cn_to_jp(*shocks, days=150)), 0, 1)
    demand = res.buyers["demand_t"].to_numpy()
    expected = [10.0] * 50 + [20.0] * 30 + [30.0] * 20 + [15.0] * 20 + [10.0] * 30
    assert list(demand) == pytest.approx(expected, rel=1e-12)


def random_outages(facilities: list[str], days: int) -> dict[str, Any]:
    mine = {"stage": "mine", "country": "AU", "capacity": {"NdPr_oxide": 3650.0}}
    doc = world(
        {f: dict(mine) for f in facilities},
        {"oem": buyer("JP", {f: 1.0 for f in facilities}, commodity="NdPr_oxide")},
        [("AU", "JP", 10.0)],
        [
            {
                "id": "trips",
                "type": "random_outages",
                "start": day(0),
                "facilities": facilities,
                "rate_per_year": 12.0,
                "duration_days": 5.0,
                "capacity_factor": 0.0,
            }
        ],
        days=days,
    )
    return doc


@pytest.mark.slow
def test_random_outages_poisson_count_zero_capacity_and_own_streams():
    days = 3650
    net = simulate(validate(random_outages(["m1"], days)), 0, 1)
    starts = [t for t, f, _ in events(net, "outage_start")]
    expected = 12.0 * days / 365
    assert abs(len(starts) - expected) <= 4 * math.sqrt(expected)
    ends = [t for t, f, _ in events(net, "outage_end")]
    down = list(zip(starts, [t + 5.0 for t in starts], strict=True))
    assert ends == [b for _, b in down if b < days]
    for start, _, _, capacity in net.facilities["m1"].activity_log:
        if any(a <= start < b for a, b in down):
            assert capacity == 0.0
    # adding a facility does not shift the outages of the first (one stream per facility)
    both = simulate(validate(random_outages(["m1", "m2"], days)), 0, 1)
    assert [t for t, f, _ in events(both, "outage_start") if f == "m1"] == starts
