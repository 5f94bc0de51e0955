"""Closed-form anchor: a buyer whose only supplier is halted for D days.

With constant demand d, stock I at the start of the halt, deterministic transit L and the
backlogged orders shipped the moment the halt ends, the buyer runs dry at I/d and is short
until the first shipment lands at D + L:  total shortage = max(0, d·(D + L) − I).
"""

from __future__ import annotations

import math

import pytest

from sim.runner import run_one, simulate
from tests.netbuild import one_supplier, scenario


def halted(days_halted: int, *, d: float, initial: float, transit: float):
    import datetime as dt

    outage = {
        "id": "halt",
        "type": "facility_outage",
        "facility": "maker",
        "start": dt.date(2025, 1, 1),
        "end": dt.date(2025, 1, 1) + dt.timedelta(days=days_halted),
    }
    return scenario(
        one_supplier(rate_per_day=d, initial=initial, transit=transit, policies=[outage])
    )


@pytest.mark.parametrize(
    ("D", "d", "I", "L"),
    [(30, 10.0, 200.0, 5.0), (60, 7.5, 123.0, 16.0), (10, 10.0, 400.0, 5.0), (45, 3.0, 0.0, 2.0)],
)
def test_total_shortage_and_first_shortage_match_closed_form(D, d, I, L):  # noqa: E741 - textbook symbols
    res = run_one(halted(D, d=d, initial=I, transit=L), 0, 1)
    row = res.summary.iloc[0]
    expected = max(0.0, d * (D + L) - I)
    assert row["shortage_t"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    if expected > 0:
        assert row["tts_days"] == math.floor(I / d)
        assert row["shortage_days"] == math.ceil(D + L) - math.floor(I / d)
    else:
        assert math.isnan(row["tts_days"])


def test_no_halt_no_shortage_and_demand_exact():
    res = run_one(scenario(one_supplier(rate_per_day=10.0, initial=200.0, days=200)), 0, 1)
    row = res.summary.iloc[0]
    assert row["shortage_t"] == 0.0
    assert row["demand_t"] == pytest.approx(10.0 * 200)


def test_halt_events_are_logged_at_their_dates():
    net = simulate(halted(30, d=10.0, initial=200.0, transit=5.0), 0, 1)
    log = [(e.time, e.kind, e.subject) for e in net.ctx.recorder.events]
    assert log == [(0.0, "policy_start", "halt"), (30.0, "policy_end", "halt")]
