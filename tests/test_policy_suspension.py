"""Suspensions: covered flows resume within one transit time of the start; at expiry they are
cut again (snap back) or not (renewal); random outcomes come from their own stream."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, events, stockist, validate, world

TRANSIT = 5.0


def scenario(
    at_expiry: Any,
    ctrl: dict[str, Any] | None = None,
    days: int = 365,
    extra: tuple[dict[str, Any], ...] = (),
    **kw: Any,
):
    ctrl = ctrl or {"mode": "ban"}
    policies = [
        {
            "id": "ctrl",
            "type": "export_control",
            "exporter": "CN",
            "elements": ["DyTb"],
            "start": day(0),
            **ctrl,
        },
        {
            "id": "pause",
            "type": "suspension",
            "policies": ["ctrl"],
            "start": day(100),
            "end": day(200),
            "at_expiry": at_expiry,
            "renewal_days": 365,
            **kw,
        },
        *extra,
    ]
    doc = world(
        {"maker": stockist("CN")},
        {"oem": buyer("JP", {"maker": 1.0})},
        [("CN", "JP", TRANSIT)],
        policies,
        days=days,
    )
    return validate(doc)


def test_snap_back_restores_flows_during_the_pause_only():
    net = simulate(scenario("snap_back"), 0, 1)
    times = [t for t, _ in departures(net, "maker", "oem")]
    assert min(times) == 100.0 and max(times) < 200.0
    arrivals = [t for t, _ in net.buyers["oem"].points["magnet"].arrivals]
    assert min(arrivals) <= 100.0 + TRANSIT
    assert max(arrivals) <= 200.0 + TRANSIT
    log = [(t, s) for t, s, _ in events(net, "policy_suspended") + events(net, "policy_resumed")]
    assert log == [(100.0, "ctrl"), (200.0, "ctrl")]


def test_renewal_keeps_flows_after_the_first_expiry():
    net = simulate(scenario("renew"), 0, 1)
    assert events(net, "suspension_renewed") == [(200.0, "pause", "until 2026-07-20")]
    times = [t for t, _ in departures(net, "maker", "oem")]
    assert min(times) == 100.0 and max(times) > 300.0
    assert events(net, "policy_resumed") == []


def test_renewals_are_capped_then_snap_back():
    net = simulate(scenario("renew", days=800, max_renewals=1), 0, 1)
    assert [t for t, _, _ in events(net, "policy_resumed")] == [565.0]
    assert max(t for t, _ in departures(net, "maker", "oem")) < 565.0


def test_suspended_licence_regime_releases_what_it_holds():
    ctrl = {"mode": "license", "license": {"review_days": 1000}, "on_end": "release"}
    net = simulate(scenario("snap_back", ctrl=ctrl), 0, 1)
    arrivals = [t for t, _ in net.buyers["oem"].points["magnet"].arrivals]
    assert min(arrivals) == 100.0 + TRANSIT
    assert all(s.departed >= 200.0 for s in net.custody.held)


def test_suspended_licence_regime_drains_by_default():
    """Without `on_end: release` what is held waits for its decision (review 150 d from day 0:
    lapsed on day 150, the regime being suspended then)."""
    ctrl = {"mode": "license", "license": {"review_days": 150}}
    net = simulate(scenario("snap_back", ctrl=ctrl), 0, 1)
    arrivals = [t for t, _ in net.buyers["oem"].points["magnet"].arrivals]
    assert min(arrivals) == 150.0 + TRANSIT
    assert next(t for t, _, _ in events(net, "licence_lapsed")) == 150.0


@pytest.mark.slow
def test_random_expiry_frequency_and_common_random_numbers():
    p, reps = 0.5, 80
    sc = scenario({"renew": p, "snap_back": 1 - p}, days=210)
    boom = {"id": "boom", "type": "demand_shock", "start": day(10), "multiplier": 1.5}
    with_shock = scenario({"renew": p, "snap_back": 1 - p}, days=210, extra=(boom,))
    outcomes = [bool(events(simulate(sc, r, 11), "suspension_renewed")) for r in range(reps)]
    renewed = sum(outcomes) / reps
    assert abs(renewed - p) <= 4 * math.sqrt(p * (1 - p) / reps)
    again = [bool(events(simulate(with_shock, r, 11), "suspension_renewed")) for r in range(20)]
    assert again == outcomes[:20]  # another policy does not shift this policy's stream


@pytest.mark.parametrize("bad", [{"renew": 0.5, "snap_back": 0.6}, {"renew": 1.2}])
def test_expiry_probabilities_must_sum_to_one(bad):
    with pytest.raises(ValueError):
        scenario(bad)
