"""The market and what it moves: the price law in closed form, one composition of demand
modifiers on a buyer, and exporters shipping less than their quota once demand falls."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.prices import IndexTerms, ScarcityIndex
from sim.runner import run_one, simulate
from tests.policy_world import (
    buyer,
    day,
    departures,
    held_from_cn,
    stockist,
    validate,
    world,
)

TERMS = IndexTerms(
    multiple=10.0,
    rise_days=20.0,
    half_life=100.0,
    premium=3.0,
    premium_days=15.0,
    premium_half_life=40.0,
    unmet_after=14.0,
    unmet_window=30.0,
)


def test_law_rises_under_a_constant_shortage_and_decays_with_its_half_life():
    """f = 1 and u = 1 under a control for 60 days, then supply returns (f = u = 0):
    s(n) = log 10·(1 − e^(−n/20)), q(n) = log 3·(1 − e^(−n/15)), then each halves every
    100 and 40 days."""
    index = ScarcityIndex(TERMS)
    index.step(0.0, 1.0, 0.0)  # day 0: in equilibrium without unmet orders (q = 0)
    s_top, q_top = math.log(10.0), math.log(3.0)
    for n in range(1, 61):
        index.step(1.0, 1.0, 1.0)
        assert index.s == pytest.approx(s_top * (1 - math.exp(-n / 20.0)), rel=1e-12)
        assert index.q == pytest.approx(q_top * (1 - math.exp(-n / 15.0)), rel=1e-12)
    s60, q60 = index.s, index.q
    for j in range(1, 200):
        value = index.step(0.0, 1.0, 0.0)
        assert index.s == pytest.approx(s60 * 0.5 ** (j / 100.0), rel=1e-12)
        assert index.q == pytest.approx(q60 * 0.5 ** (j / 40.0), rel=1e-12)
        assert value == pytest.approx(math.exp(index.s + index.q), rel=1e-15)


def test_premium_needs_a_control_and_scales_with_the_unmet_share():
    """Without a control (c = 0) unmet orders move only the scarcity part; with one, the
    premium tends to premium^(c·u)."""
    free, half = ScarcityIndex(TERMS), ScarcityIndex(TERMS)
    for _ in range(2000):
        free.step(0.0, 0.0, 1.0)
        half.step(0.0, 1.0, 0.5)
    assert free.value == 1.0
    assert half.value == pytest.approx(3.0**0.5, rel=1e-9)


def test_demand_modifiers_compose_as_one_product_in_any_order():
    """A demand shock (× 0.5, days 10–40) over a price response (× index^−1 = 1/3 from day 0)
    on one buyer: the rate is the base rate times the product of the policies' factors, and
    ending one policy removes only its own factor."""
    held = held_from_cn()
    response = {
        "id": "pr",
        "type": "price_response",
        "start": day(0),
        "elasticity": 1.0,
        "adjust_days": 1e-9,
        "floor": 0.01,
    }
    shock = {
        "id": "shock",
        "type": "demand_shock",
        "multiplier": 0.5,
        "start": day(10),
        "end": day(40),
    }
    prices = {"controlled_premium": 3.0, "shortage_multiple": 1.0, "unmet_after_days": 0.0}
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", 5.0)],
        [held, shock, response],
        days=60,
        prices=prices,
    )
    net = simulate(validate(doc), 0, 1)
    point = net.buyers["oem"].points["magnet"]
    assert point.modifiers == {"pr": pytest.approx(1 / 3, rel=1e-9)}
    demand = run_one(validate(doc), 0, 1).buyers["demand_t"].to_numpy()
    assert list(demand[1:10]) == pytest.approx([10.0 / 3] * 9, rel=1e-9)
    assert list(demand[10:40]) == pytest.approx([10.0 / 6] * 30, rel=1e-9)
    assert list(demand[40:]) == pytest.approx([10.0 / 3] * 20, rel=1e-9)
    # the same factors set in the other order give the same rate; 1 removes a factor
    point.set_modifier("b", 0.5, 60.0)
    point.set_modifier("a", 0.8, 60.0)
    assert point.rate == pytest.approx(10.0 / 3 * 0.4, rel=1e-12)
    point.set_modifier("b", 1.0, 60.0)
    assert set(point.modifiers) == {"pr", "a"}
    with pytest.raises(ValueError, match="demand modifier of c"):
        point.set_modifier("c", -0.1, 60.0)


def quota_world(*extra_policies: dict[str, object]) -> dict[str, object]:
    """China ships magnets to Japan under a quota of 240 t per 30 days (8 t/day) while the
    buyer wants 10 t/day: the quota binds unless demand falls."""
    quota = {
        "id": "quota",
        "type": "export_control",
        "exporter": "CN",
        "commodities": ["magnet"],
        "mode": "quota",
        "quota": {"tonnes": 240.0, "period_days": 30.0},
        "start": day(0),
    }
    return world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0}, review=7.0)},
        [("CN", "JP", 5.0)],
        [quota, *extra_policies],
        days=720,
        prices={"controlled_premium": 3.0, "rise_days": 30.0, "half_life_days": 180.0},
    )


def shipped_per_period(doc: dict[str, object]) -> tuple[np.ndarray, float]:
    """Tonnes leaving China in each 30-day period (loads booked after the end in the last),
    and the buyer's demand rate at the end, t/day."""
    net = simulate(validate(doc), 0, 1)
    out = np.zeros(24)
    for t, q in departures(net, "maker", "oem"):
        out[min(int(t // 30), 23)] += q
    return out, net.buyers["oem"].points["magnet"].rate


QUOTA = 240.0  # t per 30-day period
ORDER = 7.0 * 10.0  # a weekly order at the full 10 t/day


def within_the_quota(shipped: np.ndarray) -> bool:
    """Departures by the end of each period never exceed the quota granted by then (a quota
    counts tonnes when they are let go; their daily loads leave over the following week)."""
    granted = QUOTA * np.arange(1, 24)
    return bool((np.cumsum(shipped[:23]) <= granted + 1e-6).all())


def test_take_up_falls_below_the_quota_when_prices_cut_demand():
    """Without a demand response China ships its whole quota each period. With buyers
    substituting while the price index is above 1.5 (40 %/yr, up to 40 %, substitutes kept),
    demand falls below 8 t/day and China ships its buyer's demand, well below its quota —
    nobody sets that."""
    flat, rate = shipped_per_period(quota_world())
    assert within_the_quota(flat)
    assert flat[1:23].mean() == pytest.approx(QUOTA, rel=0.01)
    # a period gains or loses at most the loads of one order across each of its two ends
    assert np.abs(flat[1:23] - QUOTA).max() < ORDER
    assert rate == pytest.approx(10.0)
    substitution = {
        "id": "substitution",
        "type": "demand_response",
        "start": day(0),
        "trigger": "price",
        "price_above": 1.5,
        "lag_days": 30.0,
        "rate_per_year": 0.4,
        "max_share": 0.4,
        "decay_per_year": 0.0,
    }
    cut, rate = shipped_per_period(quota_world(substitution))
    assert within_the_quota(cut)
    assert 6.0 - 1e-9 <= rate < 0.9 * QUOTA / 30.0  # substituted at most 40 %, below the quota
    # weekly orders: compare the half year before the last period (rate × 180 days)
    assert cut[-7:-1].sum() == pytest.approx(rate * 180, rel=0.05)
    assert cut[-7:-1].sum() < 0.9 * 6 * QUOTA


def test_thrift_lowers_a_plants_use_per_magnet_and_keeps_the_mass_balance():
    """A Japanese magnet plant runs out of Dy once its supplier halts for good: its Dy per
    magnet falls by 50 %/yr of the scenario's recipe (checked weekly) down to 60 % of it and
    stays there (no decay); every batch is booked with the recipe in force (the run's mass
    balance is checked by `simulate`)."""
    plant = {
        "stage": "magnet",
        "country": "JP",
        "recipe": {"inputs": {"Dy_oxide": 0.01}},
        "capacity": {"magnet": 3650.0},
        "inventory": {"Dy_oxide": 0.5, "magnet": 100.0},
        "sourcing": {"Dy_oxide": {"suppliers": {"dy": 1.0}}},
    }
    outage = {"id": "dy_out", "type": "facility_outage", "facility": "dy", "start": day(0)}
    thrift = {
        "id": "thrift",
        "type": "demand_response",
        "start": day(0),
        "recipes": ["plant"],
        "commodities": ["Dy_oxide"],
        "lag_days": 0.0,
        "rate_per_year": 0.5,
        "max_share": 0.4,
        "decay_per_year": 0.0,
    }
    doc = world(
        {"dy": stockist("CN", "Dy_oxide"), "plant": plant},
        {"oem": buyer("JP", {"plant": 1.0})},
        [("CN", "JP", 5.0), ("JP", "JP", 1.0)],
        [outage, thrift],
        days=400,
    )
    net = simulate(validate(doc), 0, 1)
    fac = net.facilities["plant"]
    assert fac.base_inputs == {"Dy_oxide": 0.01}
    assert fac.inputs["Dy_oxide"] == pytest.approx(0.01 * 0.6, rel=1e-12)
    steps = [p for _, c, p in fac.recipe_changes if c == "Dy_oxide"]
    assert steps == sorted(steps, reverse=True)  # only down: substitutes are kept
    assert steps[0] == pytest.approx(0.01 * (1 - 0.5 * 7 / 365), rel=1e-12)


def test_a_binding_quota_holds_the_price_that_clears_it_and_releases_it_when_lifted():
    """The buyer wants 10 t/day, China may ship 8; demand follows the index with elasticity
    0.5. While the quota binds, the demand a price holds back counts as unmet, so the index
    settles near the price that clears the quota, (10/8)^(1/0.5) = 1.5625, with demand held at
    8 t/day and nobody running out (without that, the index would fall back as soon as demand
    fell, and demand would rise again). Once the quota ends nothing is held back, the index
    decays and demand returns towards 10 t/day."""
    rationing = {
        "id": "rationing",
        "type": "price_response",
        "start": day(0),
        "elasticity": 0.5,
        "adjust_days": 30.0,
        "floor": 0.3,
    }
    doc = quota_world(rationing)
    doc["policies"][0]["end"] = day(360)
    result = run_one(validate(doc), 0, 1)
    prices, buyers = result.prices, result.buyers
    assert prices is not None
    bound = prices[(prices["day"] >= 200) & (prices["day"] < 360)]
    use = buyers[(buyers["day"] >= 200) & (buyers["day"] < 360)]
    assert bound["index"].mean() == pytest.approx(1.5625, rel=0.15)
    assert use["demand_t"].mean() == pytest.approx(QUOTA / 30.0, rel=0.05)
    assert use["delivered_t"].mean() == pytest.approx(QUOTA / 30.0, rel=0.02)  # quota taken up
    assert use["shortage_t"].sum() < 0.01 * use["demand_t"].sum()
    assert bound["held_back_t"].mean() > 0.2  # t/day: the rationed demand the price holds
    free = prices[prices["day"] > 360]
    assert (free["held_back_t"] == 0.0).all()
    index = prices.set_index("day")["index"]
    assert index[539] < 0.85 * index[359]
    assert buyers[buyers["day"] >= 690]["demand_t"].mean() > 9.0
