"""No day's exports of a covered commodity from a controlling country exceed ten days of that
flow's pre-shock average in any shipped scenario (no flood when a control lifts or a licence is
granted), except in the weeks after a control lifted with an explicit `on_end: release`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from sim.model.network import Network
from sim.model.policies.export_control import covered_commodities
from sim.runner import simulate
from sim.scenario.loader import load_scenario
from sim.scenario.schema import ExportControl, Scenario

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
LIMIT_DAYS = 10.0
RELEASE_WEEKS = 30  # days after an `on_end: release` lift not held to the limit


def floods(sc: Scenario, net: Network) -> list[str]:
    """Days on which a controlling country's exports of a commodity its controls cover exceed
    LIMIT_DAYS × the daily average before its first control."""
    controls = [p for p in sc.policies if isinstance(p, ExportControl)]
    first: dict[str, int] = {}
    covered: dict[str, set[str]] = defaultdict(set)
    released: dict[str, list[int]] = defaultdict(list)
    for p in controls:
        day = (p.start - sc.horizon.start).days
        first[p.exporter] = min(first.get(p.exporter, day), day)
        covered[p.exporter] |= covered_commodities(sc, p)
        if p.on_end == "release" and p.end is not None:
            released[p.exporter].append((p.end - sc.horizon.start).days)
    daily: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for lane in net.lanes.values():
        country = lane.origin.country
        if country not in first or country == lane.destination.country:
            continue
        for (t, q), c in zip(lane.departures, lane.commodities, strict=True):
            if c in covered[country]:
                daily[(country, c)][int(t)] += q
    bad = []
    for (country, c), days in daily.items():
        s0 = first[country]
        if s0 <= 0:
            continue
        average = sum(q for t, q in days.items() if t < s0) / s0
        for t, q in days.items():
            if t < s0 or any(r <= t < r + RELEASE_WEEKS for r in released[country]):
                continue
            if q > LIMIT_DAYS * average + 1e-9:
                bad.append(f"{country} {c} day {t}: {q / max(average, 1e-12):.1f} days")
    return bad


# Known to exceed the limit still (one replication, seed of the scenario): a buyer whose held
# shipments were refused or withdrawn reorders its whole gap in one order, and that one shipment
# leaves on its decision — up to ~75 days of the flow for SmCo magnets and HREE/Sm oxides, ~45
# for Dy/Tb oxide, ~31-38 for NdFeB magnets. In the 2010 scenario one day of mid-2011 reaches ~29
# days of RE compounds (cause not traced yet).
FLOODING = {
    "apr2025_licensing",
    "embargo_2010_japan",
    "full_ban_stress",
    "oct2025_expansion",
    "oct2025_suspended",
    "outlook_2026",
    "usjp_framework",
}


def cases() -> list[object]:
    out: list[object] = []
    for p in SCENARIOS:
        marks = []
        if p.stem in FLOODING:
            marks.append(pytest.mark.xfail(strict=True, reason="whole-gap reorders after refusals"))
        out.append(pytest.param(p, id=p.stem, marks=marks))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", cases())
def test_no_day_exports_more_than_ten_days_of_the_pre_shock_average(path: Path) -> None:
    sc = load_scenario(path)
    net = simulate(sc, 0, sc.seed)
    assert floods(sc, net) == []
