"""A shipment that fills an order leaves in equal daily loads over the buyer's `delivery_days`."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest

from sim.model import balance
from sim.runner import simulate
from tests.policy_world import buyer, day, departures, held_from_cn, stockist, validate, world

TRANSIT = 5.0
LEVEL = 70.0  # t ordered at day 0 by a base_stock buyer that never orders again


def one_order(delivery_days: float | None, **lane: Any) -> Any:
    """A buyer ordering `LEVEL` t once (base_stock, one review) from a stockist in Japan."""
    b = buyer("US", {"jp": 1.0}, rate_per_day=0.001, initial=0.0)
    b["ordering"] = {"rule": "base_stock", "level_t": LEVEL, "review_days": 1000.0}
    if delivery_days is not None:
        b["ordering"]["delivery_days"] = delivery_days
    doc = world({"jp": stockist("JP")}, {"us": b}, [("JP", "US", TRANSIT)], days=60)
    doc["lanes"][0].update(lane)
    return validate(doc)


def test_an_order_leaves_in_one_load_a_day_over_delivery_days() -> None:
    net = simulate(one_order(7.0), 0, 1)
    # 70 t over 7 days: 10 t leaving on each of days 0..6, each landing after the transit
    assert departures(net, "jp", "us") == [(float(i), pytest.approx(10.0)) for i in range(7)]
    lane = net.lanes[("jp", "us")]
    assert lane.arrivals == [(i + TRANSIT, pytest.approx(10.0)) for i in range(7)]
    assert net.buyers["us"].received["magnet"] == pytest.approx(LEVEL)
    assert balance.check(net) == []


def test_delivery_days_zero_and_the_base_stock_default_ship_in_one_load() -> None:
    for days in (0.0, None):
        net = simulate(one_order(days), 0, 1)
        assert departures(net, "jp", "us") == [(0.0, pytest.approx(LEVEL))]


def test_a_lane_of_finite_capacity_ships_no_more_than_its_capacity_a_day() -> None:
    # 3,650 t/yr = 10 t/day: 70 t occupy the lane 7 days even without a delivery schedule
    net = simulate(one_order(0.0, capacity_t_per_year=3650.0), 0, 1)
    out = departures(net, "jp", "us")
    assert sum(q for _, q in out) == pytest.approx(LEVEL)
    per_day: dict[int, float] = defaultdict(float)
    for t, q in out:
        per_day[int(t)] += q
    assert max(per_day.values()) <= 10.0 + 1e-9
    assert len(per_day) == 7
    assert balance.check(net) == []


def test_an_order_that_waited_behind_a_ban_leaves_at_the_daily_pace_when_it_lifts() -> None:
    b = buyer("US", {"cn": 1.0}, rate_per_day=0.001, initial=0.0)
    b["ordering"] = {
        "rule": "base_stock",
        "level_t": LEVEL,
        "review_days": 1000.0,
        "delivery_days": 7.0,
    }
    ban = held_from_cn(0.0, end=day(60))  # the order waits in the supplier's backlog
    doc = world({"cn": stockist("CN")}, {"us": b}, [("CN", "US", TRANSIT)], [ban], days=90)
    net = simulate(validate(doc), 0, 1)
    # nothing leaves under the ban; on lifting the 70 t leave as 10 t on each of days 60..66
    assert departures(net, "cn", "us") == [(60.0 + i, pytest.approx(10.0)) for i in range(7)]
    assert balance.check(net) == []


def test_lots_let_go_together_are_called_off_one_lot_per_delivery_period() -> None:
    # two weekly lots of 70 t (7 days of 10 t/day) wait behind a ban; when it lifts the
    # supplier calls off at most one lot (max_lot_days of use) per delivery period of 7 days
    b = buyer("US", {"cn": 1.0}, rate_per_day=10.0, initial=0.0, review=7.0)
    b["ordering"] = {
        "rule": "base_stock",
        "level_t": 140.0,
        "review_days": 7.0,
        "max_lot_days": 7.0,
        "delivery_days": 7.0,
    }
    ban = held_from_cn(0.0, end=day(30))
    doc = world({"cn": stockist("CN")}, {"us": b}, [("CN", "US", TRANSIT)], [ban], days=60)
    net = simulate(validate(doc), 0, 1)
    # 10 t/day = 70 t per 7 days: the second lot follows the first, days 30..43 (later
    # departures are the buyer's reorders after the lift)
    out = [(t, q) for t, q in departures(net, "cn", "us") if t < 44.0]
    assert out == [(30.0 + i, pytest.approx(10.0)) for i in range(14)]
    assert balance.check(net) == []


def test_no_load_is_smaller_than_a_day_of_use() -> None:
    b = buyer("US", {"jp": 1.0}, rate_per_day=10.0, initial=0.0)
    b["ordering"] = {
        "rule": "base_stock",
        "level_t": 25.0,
        "review_days": 1000.0,
        "delivery_days": 7.0,
    }
    doc = world({"jp": stockist("JP")}, {"us": b}, [("JP", "US", TRANSIT)], days=30)
    net = simulate(validate(doc), 0, 1)
    # 25 t = 2.5 days of use: three loads (ceil 2.5) spread across the 7 days
    out = departures(net, "jp", "us")
    assert [t for t, _ in out] == pytest.approx([0.0, 7.0 / 3.0, 14.0 / 3.0])
    assert [q for _, q in out] == [pytest.approx(25.0 / 3.0)] * 3


def test_a_lot_let_go_after_its_buyer_stopped_using_it_leaves_over_the_delivery_days() -> None:
    """A lot let go after its buyer's use fell to almost nothing (a demand shock of 1e-80 while
    the lot waited behind a ban) is paced as for a buyer using nothing: daily loads over the
    delivery period (called off at that use it would take ~1e80 days, one load a day)."""
    b = buyer("US", {"cn": 1.0}, rate_per_day=10.0, initial=0.0, review=7.0)
    b["ordering"] = {
        "rule": "base_stock",
        "level_t": LEVEL,
        "review_days": 1000.0,
        "max_lot_days": 7.0,
        "delivery_days": 7.0,
    }
    shock = {"id": "stop", "type": "demand_shock", "start": day(10), "multiplier": 1e-80}
    ban = held_from_cn(0.0, end=day(30))
    doc = world({"cn": stockist("CN")}, {"us": b}, [("CN", "US", TRANSIT)], [ban, shock], days=60)
    net = simulate(validate(doc), 0, 1)
    assert departures(net, "cn", "us") == [(30.0 + i, pytest.approx(10.0)) for i in range(7)]
    assert balance.check(net) == []


def test_a_lane_of_almost_no_capacity_books_loads_past_the_end_and_the_run_completes() -> None:
    """At 1e-6 t/yr a lane is busy for ~1e10 days with its first lot; later lots are booked after
    that, and the use they are paced at is read at the end of the run, not 1e10 days ahead,
    where a plant whose capacity grows 10 %/yr overflows."""
    maker = {
        "stage": "magnet",
        "country": "US",
        "capacity": {"magnet": 3650.0},
        "growth_per_year": 0.1,
        "recipe": {"inputs": {"NdPr_oxide": 0.3}},
        "sourcing": {"NdPr_oxide": {"suppliers": {"jp": 1.0}}},
    }
    doc = world(
        {"jp": stockist("JP", "NdPr_oxide"), "maker": maker},
        {"us": buyer("US", {"maker": 1.0}, rate_per_day=10.0, initial=0.0)},
        [("JP", "US", TRANSIT), ("US", "US", 1.0)],
        days=60,
    )
    doc["lanes"][0]["capacity_t_per_year"] = 1e-6
    net = simulate(validate(doc), 0, 1)
    within = [t for t, _ in departures(net, "jp", "maker") if t < 60.0]
    assert min(b - a for a, b in itertools.pairwise(within)) > 1.0 - 1e-6  # one a day at most
    lane = net.lanes[("jp", "maker")]
    assert lane.delivered < 1e-6
    # the rest of each lot leaves after the end, as one load still on the lane
    late = [q for t, q in departures(net, "jp", "maker") if t >= 60.0]
    assert late and sum(late) == pytest.approx(lane.shipped, rel=1e-6)
    assert balance.check(net) == []
