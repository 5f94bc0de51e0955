"""Scarcity price index: rise under shortfall and half-life decay, ex-exporter premium while a
control covers the commodity, presence in the run's timeseries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.results.io.memory import timeseries_table
from sim.results.records import Ensemble
from sim.runner import run_one
from tests.policy_world import START, buyer, day, stockist, validate, world

PRICES = {
    "shortage_multiple": 10.0,
    "rise_days": 20.0,
    "half_life_days": 100.0,
    "controlled_premium": 3.0,
    "premium_days": 15.0,
}


def index_of(res, buyer_id: str) -> np.ndarray:
    rows = res.buyers[res.buyers["buyer"] == buyer_id].sort_values("day")
    return rows["price_index"].to_numpy()


def test_index_rises_under_shortfall_and_decays_with_its_half_life():
    """A 30-day outage, stock 200 t at 10 t/day, transit 5: complete shortfall on days 20–34."""
    outage = {
        "id": "halt",
        "type": "facility_outage",
        "facility": "maker",
        "start": day(0),
        "end": day(30),
    }
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", 5.0)],
        [outage],
        days=300,
        prices=PRICES,
    )
    index = index_of(run_one(validate(doc), 0, 1), "oem")
    assert list(index[:20]) == [1.0] * 20
    for n in range(1, 16):  # end of day 19 + n
        assert index[19 + n] == pytest.approx(10.0 ** (1 - math.exp(-n / 20.0)), rel=1e-12)
    peak = math.log(index[34])
    for j in (1, 50, 100, 200):
        assert math.log(index[34 + j]) == pytest.approx(peak * 0.5 ** (j / 100.0), rel=1e-12)


def test_premium_outside_the_exporter_while_a_control_covers():
    quota = {
        "id": "loose_quota",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "quota",
        "quota": {"tonnes": 1e9},
        "start": day(100),
        "end": day(200),
    }
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0}), "cn_oem": buyer("CN", {"maker": 1.0})},
        [("CN", "JP", 5.0), ("CN", "CN", 1.0)],
        [quota],
        days=300,
        prices=PRICES,
    )
    res = run_one(validate(doc), 0, 1)
    assert res.summary["shortage_t"].sum() == 0.0
    assert list(index_of(res, "cn_oem")) == [1.0] * 300
    jp = index_of(res, "oem")
    assert list(jp[:100]) == [1.0] * 100
    for k in (100, 120, 199):
        assert jp[k] == pytest.approx(3.0 ** (1 - math.exp(-(k - 99) / 15.0)), rel=1e-12)
    q200 = math.log(jp[199])
    assert math.log(jp[250]) == pytest.approx(q200 * math.exp(-51 / 15.0), rel=1e-12)


def test_price_index_is_in_the_timeseries_and_nan_without_prices():
    doc = world({"maker": stockist("CN")}, {"oem": buyer("JP", {"maker": 1.0})}, [("CN", "JP", 5)])
    res = run_one(validate(doc), 0, 1)
    table = timeseries_table(Ensemble("t", START, 1, (res,)))
    assert "price_index" in table.columns
    assert table["price_index"].isna().all()
    priced = run_one(validate({**doc, "prices": {"commodities": ["magnet"]}}), 0, 1)
    table = timeseries_table(Ensemble("t", START, 1, (priced,)))
    buyers = table[table["record"] == "buyer"]
    assert (buyers["price_index"] == 1.0).all()
