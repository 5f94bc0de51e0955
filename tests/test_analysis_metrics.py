"""Ensemble metrics, bands, flows, diffs and paired differences on hand-made records, against
hand-computed values."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sim.results.bands import band, bands, country_flows
from sim.results.metrics import (
    ensemble_metrics,
    exceedance_curve,
    exceedance_probability,
    overall,
    replication_metrics,
)
from sim.results.stats import describe, mean_ci, t975
from sim.runner.compare import paired_differences
from sim.scenario.diff import diff_documents

START = dt.date(2025, 1, 1)


def records() -> pd.DataFrame:
    """Two replications of one buyer × commodity over 10 days, demand 10 t/day.

    rep 0: short 5 t on day 2 and 10 t on day 3; rep 1: short 4 t on day 9 (the last day).
    A second buyer `b2` (demand 5 t/day) is never short.
    """
    rows = []
    short = {0: {2: 5.0, 3: 10.0}, 1: {9: 4.0}}
    for rep in (0, 1):
        for day in range(10):
            s = short[rep].get(day, 0.0)
            rows.append((rep, "b1", "magnet", day, 10.0, 10.0 - s, s, 50.0 - 5 * day))
            rows.append((rep, "b2", "oxide", day, 5.0, 5.0, 0.0, 20.0))
    cols = ["replication", "buyer", "commodity", "day", "demand_t", "delivered_t", "shortage_t"]
    df = pd.DataFrame(rows, columns=[*cols, "inventory_t"])
    df["days_of_cover"] = df["inventory_t"] / df["demand_t"]
    return df


def test_replication_metrics_by_hand() -> None:
    m = replication_metrics(records()).set_index(["replication", "buyer"])
    r0, r1 = m.loc[(0, "b1")], m.loc[(1, "b1")]
    assert (r0["shortage_t"], r0["shortage_pct"], r0["fill_rate"]) == (15.0, 15.0, 0.85)
    assert (r0["max_shortfall_frac"], r0["tts_days"], r0["ttr_days"]) == (1.0, 2.0, 2.0)
    assert (r0["shortage_days"], r0["short"]) == (2.0, 1.0)
    assert (r1["shortage_pct"], r1["max_shortfall_frac"], r1["tts_days"]) == (4.0, 0.4, 9.0)
    assert math.isnan(r1["ttr_days"])  # still short on the last day: no recovery
    assert m.loc[(0, "b2"), "short"] == 0.0 and math.isnan(m.loc[(0, "b2"), "tts_days"])


def test_ensemble_statistics_by_hand() -> None:
    e = ensemble_metrics(replication_metrics(records()))
    pct = e[(e["buyer"] == "b1") & (e["metric"] == "shortage_pct")].iloc[0]
    # values 15 and 4: mean 9.5; linear percentiles 4 + q × 11
    assert pct[["mean", "p50", "n"]].tolist() == [9.5, 9.5, 2.0]
    assert pct["p05"] == pytest.approx(4.55) and pct["p95"] == pytest.approx(14.45)
    ttr = e[(e["buyer"] == "b1") & (e["metric"] == "ttr_days")].iloc[0]
    assert ttr[["mean", "n"]].tolist() == [2.0, 1.0]  # defined in one replication only


def test_overall_totals() -> None:
    o = overall(replication_metrics(records())).set_index("replication")
    assert o.loc[0, "shortage_pct"] == pytest.approx(100 * 15 / 150)
    assert o.loc[1, "fill_rate"] == pytest.approx(1 - 4 / 150)
    assert set(o["buyer"]) == {"(all)"}
    by_buyer = overall(replication_metrics(records()), "buyer")
    assert len(by_buyer) == 4


def test_exceedance_daily_and_rolling() -> None:
    b = records()
    # daily shortfall above 30 %: rep 0 from day 2 (50 %), rep 1 on day 9 (40 %)
    p = exceedance_probability(b, 30.0, by_day=5).set_index("buyer")["probability"]
    assert p["b1"] == 0.5 and p["b2"] == 0.0
    assert (
        exceedance_probability(b, 30.0, by_day=9).set_index("buyer").loc["b1", "probability"] == 1.0
    )
    # 2-day window above 60 %: rep 0 days 2–3 = 15/20 = 75 %; rep 1 day 8–9 = 4/20 = 20 %
    p2 = exceedance_probability(b, 60.0, by_day=9, window=2)
    assert p2.set_index("buyer").loc["b1", "probability"] == 0.5
    c = exceedance_curve(b, 30.0)
    c = c[c["buyer"] == "b1"]["probability"].tolist()
    assert c == [0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0]


def test_bands_quantiles_and_dates() -> None:
    b = records()
    b.loc[(b["buyer"] == "b1") & (b["day"] == 5), ["demand_t", "days_of_cover"]] = [0.0, np.nan]
    t = bands(b, START)
    frac = band(t, "b1", "magnet", "shortage_frac").set_index("date")
    day2 = frac.loc[pd.Timestamp("2025-01-03")]  # rep 0: 0.5, rep 1: 0
    assert (day2["mean"], day2["p50"], day2["p25"]) == (0.25, 0.25, 0.125)
    assert day2["p05"] == pytest.approx(0.025) and day2["p95"] == pytest.approx(0.475)
    cover = band(t, "b1", "magnet", "days_of_cover").set_index("date")
    assert math.isnan(cover.loc[pd.Timestamp("2025-01-06"), "p50"])  # no demand: undefined
    assert cover.loc[pd.Timestamp("2025-01-01"), "p50"] == 5.0
    assert set(t["variable"]) == {
        "shortage_t", "shortage_frac", "inventory_t", "days_of_cover", "delivered_t", "demand_t"
    }  # fmt: skip


def test_country_flows_mean_over_replications() -> None:
    lanes = pd.DataFrame(
        {
            "replication": [0, 1, 0, 0],
            "origin_country": ["CN", "CN", "CN", "AU"],
            "destination_country": ["JP", "JP", "JP", "JP"],
            "commodity": ["m", "m", "m", "m"],
            "day": [1, 1, 4, 1],
            "flow_t": [10.0, 30.0, 8.0, 6.0],
        }
    )
    f = country_flows(lanes, START, reps=2)
    got = {(str(r.date.date()), r.origin_country): r.flow_t for r in f.itertuples()}
    assert got == {("2025-01-02", "CN"): 20.0, ("2025-01-05", "CN"): 4.0, ("2025-01-02", "AU"): 3.0}


def test_t_critical_values_and_intervals() -> None:
    assert t975(1) == 12.706 and t975(10) == 2.228
    assert t975(40) == pytest.approx(2.0211, abs=2e-4)
    assert t975(1000) == pytest.approx(1.9623, abs=2e-4)
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0]))
    assert (m, lo, hi) == pytest.approx((2.0, 2 - 4.303 / math.sqrt(3), 2 + 4.303 / math.sqrt(3)))
    assert describe(np.array([np.nan]))["n"] == 0.0


def test_paired_differences() -> None:
    rows = [
        (s, r, "b", "c", v)
        for s, vals in (("A", [1.0, 2.0, 3.0]), ("B", [2.0, 4.0, 6.0]))
        for r, v in enumerate(vals)
    ]
    m = pd.DataFrame(
        rows, columns=["scenario", "replication", "buyer", "commodity", "shortage_pct"]
    )
    d = paired_differences(m, "A", ["shortage_pct"]).iloc[0]
    assert (d["scenario"], d["reference"], d["n"]) == ("B", "A", 3)
    half = 4.303 / math.sqrt(3)  # differences 1, 2, 3: sd 1
    assert (d["mean"], d["ci_low"], d["ci_high"]) == pytest.approx((2.0, 2 - half, 2 + half))


def test_diff_documents_key_by_key() -> None:
    a = {
        "name": "a",
        "facilities": {"x": {"capacity": {"y": 100}}},
        "lanes": [{"origin": "CN", "destination": "US", "transit_days": 30}],
        "policies": [
            {"id": "p", "start": dt.date(2025, 1, 1)},
            {"id": "q", "start": dt.date(2025, 2, 1)},
        ],
        "seed": 1,
    }
    b = {
        "name": "a",
        "facilities": {"x": {"capacity": {"y": 120}}},
        "lanes": [{"origin": "CN", "destination": "US", "transit_days": 40}],
        "policies": [
            {"id": "q", "start": dt.date(2025, 2, 1)},
            {"id": "p", "start": dt.date(2025, 3, 1)},
        ],
        "buyers": {"z": {"country": "JP"}},
    }
    assert diff_documents(a, b) == [
        "facilities.x.capacity.y: 100 → 120",
        "lanes.CN->US.transit_days: 30 → 40",
        "policies.p.start: 2025-01-01 → 2025-03-01",
        "- seed: 1",
        '+ buyers: {"z": {"country": "JP"}}',
    ]
    assert diff_documents(a, a) == []
