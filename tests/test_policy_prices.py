"""Market price index: rise under shortfall and half-life decay, an ex-exporter premium that
rises while a control leaves orders unmet and decays with its half-life, presence in the run's
timeseries."""

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
    """A 30-day outage, stock 200 t at 10 t/day, transit 5: complete shortfall on days 20–34
    (orders count as unmet only after 1,000 days here, so the buyers' shortfall drives it)."""
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
        prices={**PRICES, "unmet_after_days": 1000.0},
    )
    index = index_of(run_one(validate(doc), 0, 1), "oem")
    assert list(index[:20]) == [1.0] * 20
    for n in range(1, 16):  # end of day 19 + n
        assert index[19 + n] == pytest.approx(10.0 ** (1 - math.exp(-n / 20.0)), rel=1e-12)
    peak = math.log(index[34])
    for j in (1, 50, 100, 200):
        assert math.log(index[34 + j]) == pytest.approx(peak * 0.5 ** (j / 100.0), rel=1e-12)


def test_no_premium_while_a_control_covers_but_every_order_is_met():
    """A quota nobody reaches: the control covers Dy into Japan, no order waits, no premium."""
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
    assert list(index_of(res, "oem")) == [1.0] * 300


def test_premium_rises_while_orders_are_held_and_decays_with_its_half_life():
    """A ban on Japan holding every shipment from day 100 to 200 (released at its end). With
    receipts counted over 10 days (transit 5 days), from day 113 every order is unmet (u = 1),
    so the premium
    q = log(index) follows q* + (q − q*)·exp(−t/15) towards q* = log 3; once the held shipments
    leave and orders are met (u = 0) it halves every 40 days. China keeps index 1."""
    ban = {
        "id": "ban",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "destinations": ["JP"],
        "mode": "ban",
        "on_denied": "hold",
        "start": day(100),
        "end": day(200),
    }
    prices = {
        **PRICES,
        "shortage_multiple": 1.0,  # premium only
        "premium_half_life_days": 40.0,
        "unmet_after_days": 0.0,
        "unmet_window_days": 10.0,
    }
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0}), "cn_oem": buyer("CN", {"maker": 1.0})},
        [("CN", "JP", 5.0), ("CN", "CN", 1.0)],
        [ban],
        days=400,
        prices=prices,
    )
    res = run_one(validate(doc), 0, 1)
    assert list(index_of(res, "cn_oem")) == [1.0] * 400
    jp = np.log(index_of(res, "oem"))
    assert list(jp[:100]) == [0.0] * 100
    top = math.log(3.0)
    for k in (114, 130, 170, 198):
        expected = top + (jp[113] - top) * math.exp(-(k - 113) / 15.0)
        assert jp[k] == pytest.approx(expected, rel=1e-12)
    assert jp[198] > 0.99 * top
    for j in (1, 40, 80, 150):
        assert jp[201 + j] == pytest.approx(jp[201] * 0.5 ** (j / 40.0), rel=1e-12)
    prices_table = res.prices
    jp_rows = prices_table[prices_table["region"] == "JP"].sort_values("day")
    assert jp_rows["unmet_share"].iloc[113:199].eq(1.0).all()
    assert jp_rows["unmet_share"].iloc[210:].eq(0.0).all()


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
