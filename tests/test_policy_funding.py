"""Funding windows: no capacity before the lead time, the ramp curve after, selection rules,
failed projects, offtake into sourcing."""

from __future__ import annotations

from typing import Any

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, dy_ban, events, stockist, validate, world

RAMP = [0.25, 0.5, 1.0]


def project(pid: str, commodity: str, capacity: float, cost: float, **kw: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "facility": {
            "stage": "mine",
            "country": "US",
            "capacity": {commodity: capacity},
            "ramp": RAMP,
            "output_cover_days": 3650.0,
        },
        "cost_usd": cost,
        "lead_time_days": 100.0,
        "offtake": [{"node": "us_nd", "commodity": commodity, "role": "preferred", "share": 0.5}]
        if commodity == "NdPr_oxide"
        else [{"node": "us_dy", "commodity": commodity, "role": "alternate"}],
        **kw,
    }


def scenario(projects: list[dict[str, Any]], days: int = 1200, **window: Any):
    """US buyers of NdPr oxide (from Australia) and Dy oxide (from China, banned)."""
    return validate(document(projects, days, **window))


def document(projects: list[dict[str, Any]], days: int = 1200, **window: Any) -> dict[str, Any]:
    """The scenario dict of `scenario`."""
    fund = {
        "id": "fund",
        "type": "funding_window",
        "start": day(0),
        "budget_usd": 100.0,
        "projects": projects,
        "decide_at": "open",
        **window,
    }
    doc = world(
        {"au": stockist("AU", "NdPr_oxide"), "cn": stockist("CN", "Dy_oxide")},
        {
            "us_nd": buyer("US", {"au": 1.0}, commodity="NdPr_oxide", rate_per_day=2.0),
            "us_dy": buyer(
                "US", {"cn": 1.0}, commodity="Dy_oxide", rate_per_day=0.2, initial=2, patience=30
            ),
        },
        [("AU", "US", 20.0), ("CN", "US", 30.0), ("US", "US", 3.0)],
        [dy_ban(), fund],
        days=days,
    )
    return doc


@pytest.mark.slow
def test_no_capacity_before_the_lead_time_then_the_ramp_curve():
    net = simulate(scenario([project("p1", "NdPr_oxide", 365.0, 60.0)]), 0, 1)
    assert events(net, "project_funded") == [(0.0, "p1", "by fund, cost 60 USD")]
    assert [(t, s) for t, s, _ in events(net, "project_completed")] == [(100.0, "p1")]
    log = net.facilities["p1"].activity_log
    assert log[0][0] == 100.0
    for start, days, activity, capacity in log:
        year = int((start - 100.0) // 365)
        assert capacity == pytest.approx(1.0 * RAMP[min(year, 2)] * days, rel=1e-12)
        assert activity == pytest.approx(capacity, rel=1e-12)  # demand is not the limit
    assert min(t for t, _ in departures(net, "p1", "us_nd")) >= 100.0
    assert net.buyers["us_nd"].sourcing["NdPr_oxide"].preferred[net.nodes["p1"]] == 0.5


def two_projects() -> list[dict[str, Any]]:
    return [project("nd", "NdPr_oxide", 1000.0, 50.0), project("dy", "Dy_oxide", 100.0, 80.0)]


@pytest.mark.parametrize(
    ("window", "funded"),
    [
        ({"selection": "priority"}, ["nd"]),
        ({"selection": "capacity_per_dollar", "element": "NdPr"}, ["nd"]),
        ({"selection": "capacity_per_dollar", "element": "DyTb"}, ["dy"]),
        ({"selection": "capacity_per_dollar", "decide_at": "close", "end": day(60)}, ["dy"]),
    ],
)
def test_selection_rules(window, funded):
    """Budget 100: nd costs 50, dy 80, so only the first choice is funded. Dy is short (banned),
    so the scarcest element at the close of the window is DyTb."""
    net = simulate(scenario(two_projects(), days=300, **window), 0, 1)
    assert [s for _, s, _ in events(net, "project_funded")] == funded
    assert len(events(net, "project_not_funded")) == 1


def test_failed_projects_build_nothing_and_alternates_are_qualified():
    projects = [project("dy", "Dy_oxide", 100.0, 80.0, success_probability=0.0)]
    net = simulate(scenario(projects, days=300), 0, 1)
    assert [(t, s) for t, s, _ in events(net, "project_failed")] == [(100.0, "dy")]
    assert "dy" not in net.nodes
    ok = simulate(scenario([project("dy", "Dy_oxide", 100.0, 80.0)], days=300), 0, 1)
    sourcing = ok.buyers["us_dy"].sourcing["Dy_oxide"]
    assert ok.nodes["dy"] in sourcing.qualified
    assert sum(q for _, q in departures(ok, "dy", "us_dy")) > 0


def test_lanes_may_name_a_country_where_only_a_project_would_build():
    canada = project("ca_mine", "NdPr_oxide", 100.0, 10.0)
    canada["facility"]["country"] = "CA"
    doc = document([canada])
    doc["lanes"].append({"origin": "CA", "destination": "US", "transit_days": 6.0})
    validate(doc)  # no "unknown origin 'CA'"
