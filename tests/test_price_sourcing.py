"""Prices that steer sourcing, and a price that answers lost capacity: the supplier split
under a price elasticity, the scarcity target under a capacity loss (closed forms), and a
closed feed lane seen by the market of a real run."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest

from sim.model.market import feed_cut
from sim.model.node import Node
from sim.model.prices import ScarcityIndex
from sim.model.sourcing import Sourcing
from sim.runner import simulate
from sim.scenario.loader import load_scenario
from tests.test_market import TERMS as MARKET_TERMS

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "apr2025_licensing.yaml"

TERMS = replace(MARKET_TERMS, flexibility=5.0)  # the closed-form law of test_market, φ = 5


class _Supplier:
    """Just what `Sourcing.weights` asks of a supplier."""

    def __init__(self, name: str) -> None:
        self.id = name

    def available(self, now: float) -> bool:
        return True

    def capacity_rate(self, commodity: str, now: float) -> float:
        return 1.0


def _sourcing(eta: float, prices: dict[str, float]) -> tuple[Sourcing, Node, Node]:
    a, b = cast(Node, _Supplier("a")), cast(Node, _Supplier("b"))
    by = {a: prices["a"], b: prices["b"]}
    s = Sourcing("X", {a: 0.8, b: 0.2}, [], qualification=0.0, patience=30.0)
    s.price_elasticity = eta
    s.price = lambda supplier, now: by[supplier]
    return s, a, b


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.0])
def test_price_elasticity_scales_each_share_by_its_price_to_minus_eta(eta: float) -> None:
    """w_i·p_i^−η / Σ w_j·p_j^−η: shares 0.8 / 0.2 at prices 5 and 1."""
    s, a, b = _sourcing(eta, {"a": 5.0, "b": 1.0})
    w = s.weights(0.0)
    expected = 0.8 * 5.0**-eta / (0.8 * 5.0**-eta + 0.2)
    assert w[a] == pytest.approx(expected, rel=1e-12)
    assert w[a] + w[b] == pytest.approx(1.0, rel=1e-12)


def test_without_elasticity_or_with_equal_prices_the_shares_stay() -> None:
    for eta, prices in ((0.0, {"a": 5.0, "b": 1.0}), (2.0, {"a": 3.0, "b": 3.0})):
        s, a, b = _sourcing(eta, prices)
        assert s.weights(0.0) == {a: pytest.approx(0.8), b: pytest.approx(0.2)}


def test_lost_capacity_sets_a_constant_elasticity_target() -> None:
    """Loss L held: s(n) = −φ·log(1 − L)·(1 − e^(−n/τ)); the index tends to (1 − L)^−φ."""
    index = ScarcityIndex(TERMS)
    index.step(0.0, 0.0, 0.0)
    loss = 0.08
    top = -5.0 * math.log(1.0 - loss)
    for n in range(1, 61):
        index.step(0.0, 0.0, 0.0, loss)
        assert index.s == pytest.approx(top * (1 - math.exp(-n / 20.0)), rel=1e-12)
    for _ in range(2000):
        index.step(0.0, 0.0, 0.0, loss)
    assert index.value == pytest.approx((1.0 - loss) ** -5.0, rel=1e-9)


def test_loss_target_is_capped_and_the_larger_of_loss_and_shortfall() -> None:
    capped, shortfall = ScarcityIndex(TERMS), ScarcityIndex(TERMS)
    for _ in range(3000):
        capped.step(0.0, 0.0, 0.0, 0.9)  # (0.1)^−5 = 1e5, above the 10x of complete shortfall
        shortfall.step(0.5, 0.0, 0.0, 0.01)  # 10^0.5 > 0.99^−5
    assert capped.value == pytest.approx(10.0, rel=1e-9)
    assert shortfall.value == pytest.approx(10.0**0.5, rel=1e-9)


@pytest.mark.slow
def test_a_closed_feed_lane_cuts_the_plant_off_and_the_market_sees_it() -> None:
    """apr2025_licensing to 1 Jul 2025: once MP stops shipping to China (15 Apr, day 104) the
    plant separating US concentrate has no supplier left; its share of China's NdPr capacity
    is the lost share L, and the NdPr index in China tends to (1 − L)^−φ with the rise's time
    constant (nothing lost, index ~1, before the closure)."""
    scenario = load_scenario(SCENARIO)
    horizon = scenario.horizon.model_copy(update={"end": dt.date(2025, 7, 1)})
    net = simulate(scenario.model_copy(update={"horizon": horizon}), 0, 1)
    market = net.market
    assert market is not None
    quote = market.quote("NdPr_oxide", "CN")
    assert quote is not None
    now = float(net.ctx.env.now)
    plant = net.facilities["cn_sep_imported"]
    assert feed_cut(net, plant, now)
    assert not any(feed_cut(net, f, now) for f in quote.producers if f is not plant)
    share = plant.capacity_rate("NdPr_oxide", now) / sum(
        f.capacity_rate("NdPr_oxide", now) for f in quote.producers
    )
    assert quote.lost_share(net, now) == pytest.approx(share, rel=1e-9)
    assert 0.06 < share < 0.09  # MP: 7-9 % of China's NdPr feed (Adamas)
    assert quote.history[100] == pytest.approx(1.0, abs=0.02)
    phi = market.terms.flexibility
    tau = market.terms.rise_days
    expected = (1.0 - share) ** (-phi * (1.0 - math.exp(-60.0 / tau)))
    assert quote.history[104 + 60] == pytest.approx(expected, rel=0.03)
