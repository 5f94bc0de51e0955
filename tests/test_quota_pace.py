"""Paced quotas: an exporter ships its allocation across the period, tranche by tranche; the
quota is a ceiling, not a target."""

from __future__ import annotations

from typing import Any

import pytest

from sim.runner import simulate
from tests.policy_world import buyer, day, departures, stockist, validate, world

QUOTA = 1200.0  # t per 364-day period


def quota_world(quota: dict[str, Any], rate_per_day: float, days: int = 364):  # type: ignore[no-untyped-def]
    control = {
        "id": "q",
        "type": "export_control",
        "exporter": "CN",
        "elements": ["Dy"],
        "mode": "quota",
        "start": day(0),
        "quota": {"tonnes": QUOTA, "period_days": 364.0, **quota},
    }
    return validate(
        world(
            {"cn": stockist("CN", stock=1e7)},
            {"oem": buyer("JP", {"cn": 1.0}, rate_per_day=rate_per_day, initial=0.0)},
            [("CN", "JP", 5.0)],
            [control],
            days=days,
        )
    )


def by_4_weeks(deps: list[tuple[float, float]]) -> list[float]:
    out = [0.0] * 13
    for t, q in deps:
        out[min(12, int(t // 28))] += q
    return out


def test_even_pace_ships_a_thirteenth_every_four_weeks():
    """Demand (3,650 t/yr) far above the quota: the allocation accrues evenly to its full
    tonnes on the period's last day, QUOTA × 28 / 363 per 28 days (the last block ends a day
    early); first come, first served would ship it all in the first 17 weeks."""
    net = simulate(quota_world({}, rate_per_day=10.0), 0, 1)
    blocks = by_4_weeks(departures(net, "cn", "oem"))
    assert sum(blocks) == pytest.approx(QUOTA)
    expected = [QUOTA * 28 / 363] * 12 + [QUOTA * 27 / 363]
    assert blocks == pytest.approx(expected, abs=10.0 + 1e-9)  # ≤ one day's order per block


def test_upfront_pace_is_first_come_first_served():
    net = simulate(quota_world({"pace": "upfront"}, rate_per_day=10.0), 0, 1)
    deps = departures(net, "cn", "oem")
    assert sum(q for _, q in deps) == pytest.approx(QUOTA)
    assert max(t for t, _ in deps) < QUOTA / 10.0


def test_tranches_issue_the_quota_in_dated_batches():
    """Half issued on day 0, half on day 182: by day 181 only the first half (paced up to
    the period's last day) can have left."""
    tranches = [{"day": 0, "share": 0.5}, {"day": 182, "share": 0.5}]
    net = simulate(quota_world({"tranches": tranches}, rate_per_day=10.0), 0, 1)
    deps = departures(net, "cn", "oem")
    first = sum(q for t, q in deps if t < 182)
    assert first == pytest.approx(0.5 * QUOTA * 181 / 363, abs=10.0 + 1e-9)
    assert sum(q for _, q in deps) == pytest.approx(QUOTA)


def test_the_quota_is_a_ceiling_not_a_target():
    """Demand of 730 t/yr under a 1,200 t quota: exports follow demand, not the quota."""
    net = simulate(quota_world({}, rate_per_day=2.0), 0, 1)
    shipped = sum(q for _, q in departures(net, "cn", "oem"))
    assert shipped < 0.7 * QUOTA
    assert shipped == pytest.approx(2.0 * 364, rel=0.1)
