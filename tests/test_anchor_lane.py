"""Little's law on a deterministic lane: time-averaged material in transit equals throughput
times transit time, measured from the shipments' departure and arrival instants."""

from __future__ import annotations

import numpy as np
import pytest

from sim.runner import simulate
from tests.netbuild import one_supplier, scenario


@pytest.mark.parametrize(("L", "review"), [(16.0, 7.0), (4.5, 3.0), (30.0, 1.0)])
def test_in_transit_equals_throughput_times_transit(L, review):
    sc = scenario(one_supplier(rate_per_day=12.0, transit=L, review=review, days=730, noise_cv=0.2))
    net = simulate(sc, 0, 3)
    lane = next(iter(net.lanes.values()))
    dep = np.array(lane.departures)
    arrivals = np.array(net.buyers["oem"].points["magnet"].arrivals)
    t0, t1 = 100.0, 700.0  # steady-state window
    grid = np.linspace(t0, t1, 60001)
    shipped = np.searchsorted(dep[:, 0], grid, side="right")
    landed = np.searchsorted(arrivals[:, 0], grid, side="right")
    cum_dep = np.concatenate(([0.0], np.cumsum(dep[:, 1])))[shipped]
    cum_arr = np.concatenate(([0.0], np.cumsum(arrivals[:, 1])))[landed]
    mean_in_transit = float(np.mean(cum_dep - cum_arr))
    in_window = (dep[:, 0] >= t0 - L) & (dep[:, 0] < t1 - L)
    throughput = float(dep[in_window, 1].sum()) / (t1 - t0)
    # sampling the step function on a fine grid: error below one grid step of flow
    assert mean_in_transit == pytest.approx(throughput * L, rel=0.01)
    # every arrival is exactly its departure plus L
    np.testing.assert_allclose(np.sort(arrivals[:, 0]), np.sort(dep[:, 0])[: len(arrivals)] + L)


def test_material_in_transit_at_the_end_is_what_left_within_the_last_transit_time():
    """On the lane at the end: the loads that left within the last transit time (one leaving
    on day 349 lands on day 365, after the end) and those booked to leave after the end."""
    sc = scenario(one_supplier(rate_per_day=12.0, transit=16.0, review=7.0, days=365))
    net = simulate(sc, 0, 3)
    lane = next(iter(net.lanes.values()))
    dep = np.array(lane.departures)
    recent = dep[dep[:, 0] >= 365 - 16.0, 1].sum()
    assert dep[:, 0].max() >= 365  # the last order's loads run past the end
    assert sum(s.quantity for s in lane.in_transit) == pytest.approx(recent)


def test_initial_pipeline_starts_the_lane_in_steady_state():
    """With the lane seeded, the buyer's first order is one review period of demand (not the
    whole pipeline), leaving in daily loads over the review period, and the seeded material
    lands evenly over the first transit time."""
    d, L, R, safety = 12.0, 16.0, 7.0, 20.0
    doc = one_supplier(
        rate_per_day=d, transit=L, review=R, days=120, initial=safety * d, safety_days=safety
    )
    doc["initial_pipeline"] = True
    net = simulate(scenario(doc), 0, 3)
    lane = next(iter(net.lanes.values()))
    assert lane.seeded == pytest.approx(d * L)
    first_order = [q for t, q in lane.departures if t < R]
    assert sum(first_order) == pytest.approx(d * R)
    assert first_order == pytest.approx([d] * int(R))
    arrivals = np.array(net.buyers["oem"].points["magnet"].arrivals)
    early = arrivals[arrivals[:, 0] < L]
    assert early[:, 1].sum() == pytest.approx(d * L)
    assert net.buyers["oem"].points["magnet"].cum_shortage == 0.0
