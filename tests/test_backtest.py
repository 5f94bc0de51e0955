"""The 2010 and 2025 backtests: their measures on hand-made records, and `minsim backtest`
end to end."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sim.validation import measures as m
from sim.validation.backtest import TARGETS, TARGETS_2025, backtest
from tests.scenario_files import TINY, cli

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


def _prices(rows: dict[str, list[float]], commodity: str = "Dy_oxide") -> pd.DataFrame:
    """A prices table: one daily index series per region."""
    return pd.concat(
        [
            pd.DataFrame({"commodity": commodity, "region": r, "day": range(len(v)), "index": v})
            for r, v in rows.items()
        ],
        ignore_index=True,
    )


def test_premium_peak_weights_regions_by_their_normal_trade() -> None:
    """JP received 30 t and US 10 t before day 2: premium = (0.75·JP + 0.25·US) / CN."""
    prices = _prices({"CN": [1, 1, 2, 2], "JP": [1, 1, 8, 4], "US": [1, 1, 4, 12]})
    lanes = pd.DataFrame(
        {
            "commodity": "Dy_oxide",
            "day": [0, 1, 0, 3],
            "destination_country": ["JP", "JP", "US", "CN"],
            "flow_t": [20.0, 10.0, 10.0, 99.0],
        }
    )
    peak = m.premium_peak(prices, lanes, "Dy_oxide", "CN", weights_until=2, window=(2, 4))
    assert peak == pytest.approx(max((0.75 * 8 + 0.25 * 4) / 2, (0.75 * 4 + 0.25 * 12) / 2))


def test_volume_at_premium_counts_tonnes_by_their_destinations_index() -> None:
    prices = _prices({"CN": [1, 1, 1], "JP": [1, 3, 1.5]})
    lanes = pd.DataFrame(
        {
            "commodity": "Dy_oxide",
            "day": [0, 1, 1, 2, 2],
            "destination_country": ["JP", "JP", "CN", "JP", "CN"],
            "flow_t": [5.0, 2.0, 40.0, 3.0, 50.0],
        }
    )
    share = m.volume_at_premium(prices, lanes, "Dy_oxide", window=(1, 3), multiple=2.0)
    assert share == pytest.approx(2.0 / 95.0)


def test_index_rise_is_the_peak_after_the_shock_over_the_day_before() -> None:
    prices = _prices({"CN": [1.0, 1.1, 1.2, 1.5, 1.4, 2.0]}, "NdPr_oxide")
    assert m.index_rise(prices, "NdPr_oxide", "CN", day0=2, days=3) == pytest.approx(1.5 / 1.1)


@pytest.mark.slow
def test_backtest_2025_reports_every_target() -> None:
    result = backtest(reps=1, suite="2025")
    assert list(result.table()["check"]) == [t.label for t in TARGETS_2025]
    assert result.scenario == "apr2025_licensing"


@pytest.mark.slow
def test_backtest_runs_and_reports_every_target() -> None:
    result = backtest(reps=2)
    table = result.table()
    assert list(table["check"]) == [t.label for t in TARGETS]
    assert set(table["result"]) <= {"PASS", "FAIL", "info"}
    assert result.passed == ("FAIL" not in set(table["result"]))


@pytest.mark.slow
def test_cli_backtest_exit_code_follows_the_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "backtest", "--reps", "2", "--seed", "7")
    assert err == []
    assert out[0] == "backtest embargo_2010_japan: 2 replications, seed 7"
    assert code == (1 if any(line.rstrip().endswith("FAIL") for line in out) else 0)
    assert out[-1].endswith("checks pass") or out[-1].endswith("all pass")


def test_backtest_of_another_world_is_a_scenario_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tiny = TINY
    code, out, err = cli(capsys, "backtest", str(tiny), "--case", "2010", "--reps", "1")
    assert (code, out) == (2, [])
    assert err == [
        f"{tiny}:5 › horizon: the 2010 backtest needs at least 2009-01-01 to 2015-01-01 (the "
        "horizon of its scenario; got 2025-01-01 to 2026-01-01)",
        f"{tiny} › buyers: the 2010 backtest measures buyers this scenario lacks: jp_industry, "
        "world_importers",
    ]
