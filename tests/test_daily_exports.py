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
from sim.scenario.policies.export_control import ExportControl
from sim.scenario.schema import Scenario

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
LIMIT_DAYS = 10.0
RELEASE_WEEKS = 30  # days after an `on_end: release` lift not held to the limit


def floods(sc: Scenario, net: Network) -> list[str]:
    """Days on which a controlling country's exports of a commodity its controls cover exceed
    LIMIT_DAYS × the daily average before its first control, within the run."""
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
    end = sc.horizon.days  # loads booked to leave after the run are not its exports
    for lane in net.lanes.values():
        country = lane.origin.country
        if country not in first or country == lane.destination.country:
            continue
        for (t, q), c in zip(lane.departures, lane.commodities, strict=True):
            if c in covered[country] and t < end:
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


# What keeps every day under the limit: shipments that fill orders leave in daily loads over
# the buyer's `ordering.delivery_days` (default its review period), so a lot at a substitute's
# capacity (Japanese SmCo makers ordering Chinese Sm oxide for customers that lost Chinese SmCo
# magnets: ~2.5x the pre-shock flow, ~35 days of it in one weekly lot) leaves over a week, and
# held lots licensed together leave at the pace they were held (`licensing.release_paced`).


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_no_day_exports_more_than_ten_days_of_the_pre_shock_average(path: Path) -> None:
    sc = load_scenario(path)
    net = simulate(sc, 0, sc.seed)
    assert floods(sc, net) == []
