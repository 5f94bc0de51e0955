"""The 2010 backtest: its measures on hand-made records, and `minsim backtest` end to end."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sim.validation import measures as m
from sim.validation.backtest import TARGETS, backtest
from tests.scenario_files import cli

START = dt.date(2010, 1, 1)


def _lanes(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [r[0] for r in rows],
            "origin_country": [r[1] for r in rows],
            "destination_country": "JP",
            "flow_t": [r[2] for r in rows],
        }
    )


def test_share_trough_takes_the_lowest_half_year_after_the_shock() -> None:
    lanes = _lanes(
        [
            (10, "CN", 80.0), (10, "ROW", 20.0),  # 2010H1: 80 %, before the shock
            (200, "CN", 70.0), (200, "ROW", 30.0),  # 2010H2: 70 %
            (400, "CN", 50.0), (400, "ROW", 50.0),  # 2011H1: 50 %
            (800, "CN", 10.0), (800, "ROW", 90.0),  # 2012H1: 10 %, beyond 6 months
        ]
    )  # fmt: skip
    share, period = m.share_trough(lanes, START, "JP", "CN", dt.date(2010, 9, 21), 6)
    assert (share, period) == (0.5, "2011H1")


def test_recovery_is_the_end_of_the_last_short_window() -> None:
    demand = np.ones(1000)
    shortage = np.zeros(1000)
    shortage[300:400] = 1.0  # every window overlapping days 300-399 is short
    years = m.recovery_years(demand, shortage, shock_day=200)
    assert years == pytest.approx((399 + m.WINDOW_DAYS - 200) / 365.25)  # ends on day 489
    shortage[-1] = 1.0
    assert m.recovery_years(demand, shortage, shock_day=200) == math.inf


def test_substituted_share_compares_whole_years_with_the_twin() -> None:
    days = (dt.date(2013, 1, 1) - START).days
    without = np.ones(days)
    with_response = without.copy()
    with_response[365:730] = 0.9  # 2011: 10 % substituted
    assert m.substituted_share(with_response, without, START, 2010) == pytest.approx(0.1)


def test_price_spike_peak_and_time_to_half() -> None:
    index = np.concatenate([np.ones(100), np.full(10, 12.0), np.full(400, 6.0)])
    peak, half, day = m.price_spike(index, pre_day=50)
    assert (peak, day) == (12.0, 100)
    assert half == pytest.approx(10 / 365.25)


def test_backtest_runs_and_reports_every_target() -> None:
    result = backtest(reps=2)
    table = result.table()
    assert list(table["check"]) == [t.label for t in TARGETS]
    assert set(table["result"]) <= {"PASS", "FAIL", "info"}
    assert result.passed == ("FAIL" not in set(table["result"]))


def test_cli_backtest_exit_code_follows_the_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "backtest", "--reps", "2", "--seed", "7")
    assert err == []
    assert out[0] == "backtest embargo_2010_japan: 2 replications, seed 7"
    assert code == (1 if any(line.rstrip().endswith("FAIL") for line in out) else 0)
    assert out[-1].endswith("checks pass") or out[-1].endswith("all pass")
