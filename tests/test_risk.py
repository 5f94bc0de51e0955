"""Risk metrics: P(shortage > x % by T) with Wilson intervals, CVaR, lost value, by country
and sector; `minsim risk` on a run directory; `--reps auto` that says when it fell short."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.results.metrics import exceedance_probability
from sim.results.risk import BuyerInfo, cvar, default_dates, most_exposed, risk_table, wilson
from sim.runner import run_to_dir
from sim.scenario.risk import RiskSpec
from tests.netbuild import one_supplier
from tests.scale_helpers import halted_noisy
from tests.scenario_files import TINY, cli

START = dt.date(2025, 1, 1)
Z = 1.959963984540054


def daily(shortages: dict[tuple[str, int], list[float]], demand: float = 1.0) -> pd.DataFrame:
    rows = []
    for (buyer, rep), xs in shortages.items():
        for day, x in enumerate(xs):
            rows.append((rep, buyer, "magnet", day, demand, x))
    cols = ["replication", "buyer", "commodity", "day", "demand_t", "shortage_t"]
    return pd.DataFrame(rows, columns=cols)


def summary_of(d: pd.DataFrame) -> pd.DataFrame:
    keys = ["replication", "buyer", "commodity"]
    return d.groupby(keys)[["demand_t", "shortage_t"]].sum().reset_index()


def test_wilson_matches_its_closed_form() -> None:
    # no hit in n: the interval is [0, z² / (n + z²)]
    p, lo, hi = wilson(0, 10)
    assert (p, lo) == (0.0, 0.0) and hi == pytest.approx(Z**2 / (10 + Z**2))
    # all hits: [n / (n + z²), 1]
    assert wilson(20, 20)[1] == pytest.approx(20 / (20 + Z**2))
    # a textbook value: 8 of 10 → [0.4902, 0.9433] (Wilson 1927; Newcombe 1998, table I)
    assert wilson(8, 10)[1:] == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_cvar_is_the_mean_of_the_worst_tail() -> None:
    x = np.arange(1.0, 21.0)
    assert cvar(x, 0.95) == 20.0
    assert cvar(x, 0.90) == 19.5
    assert cvar(x[:3], 0.95) == 3.0  # at least one value


def test_exceedance_counts_windows_ending_by_each_date() -> None:
    # demand 1 t/day for 10 days; a 3-day window. Rep 0: 2 t short on day 2 (window share
    # 2/3 by day 2); rep 1: 1 t short on day 7 (1/3 from day 7 on); rep 2, 3: never short.
    d = daily(
        {
            ("a", 0): [0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
            ("a", 1): [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
            ("a", 2): [0.0] * 10,
            ("a", 3): [0.0] * 10,
        }
    )
    spec = RiskSpec(
        thresholds_pct=[30, 50],
        by=[START + dt.timedelta(days=5), START + dt.timedelta(days=9)],
        window_days=3,
    )
    info = {"a": BuyerInfo("JP", "automotive")}
    t = risk_table(summary_of(d), d, spec, START, START + dt.timedelta(days=10), info)
    p = t[(t["metric"] == "p_exceed") & (t["group_by"] == "buyer")]
    got = {(r.threshold_pct, (r.by - START).days): r.value for r in p.itertuples()}
    assert got == {(30, 5): 0.25, (50, 5): 0.25, (30, 9): 0.5, (50, 9): 0.25}
    assert set(p["n"]) == {4}
    # the same through the existing daily-share implementation (pandas rolling windows)
    for x, day in got:
        ref = exceedance_probability(d, x, day, window=3)["probability"].iloc[0]
        assert ref == got[(x, day)]
    # intervals are Wilson's
    row = p[(p["threshold_pct"] == 30) & (p["by"] == START + dt.timedelta(days=9))].iloc[0]
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson(2, 4)[1:])


def test_countries_and_sectors_sum_their_buyers() -> None:
    # two Japanese buyers, each 1 t/day; each half short on alternate days in rep 0
    d = daily(
        {
            ("a", 0): [1, 0, 1, 0],
            ("b", 0): [0, 1, 0, 1],
            ("a", 1): [0, 0, 0, 0],
            ("b", 1): [0, 0, 0, 0],
        }
    )
    info = {"a": BuyerInfo("JP", "automotive"), "b": BuyerInfo("JP", "electronics")}
    spec = RiskSpec(thresholds_pct=[40, 60], by=[START + dt.timedelta(days=3)], window_days=1)
    t = risk_table(summary_of(d), d, spec, START, START + dt.timedelta(days=4), info)
    p = t[t["metric"] == "p_exceed"].set_index(["group_by", "group", "threshold_pct"])["value"]
    # each buyer alone: a full day short (100 % > 60 %) in rep 0 → 1/2
    assert p[("buyer", "a", 60)] == p[("sector", "electronics", 60)] == 0.5
    # Japan as a whole: half its demand short every day in rep 0 → above 40 %, never above 60 %
    assert p[("country", "JP", 40)] == 0.5 and p[("country", "JP", 60)] == 0.0
    m = t[t["metric"] == "shortage_t"].set_index(["group_by", "group"])
    assert m.loc[("country", "JP"), "value"] == pytest.approx((2 + 2 + 0) / 2)


def test_lost_value_only_where_a_sector_declares_one() -> None:
    d = daily({("a", 0): [1, 1], ("a", 1): [0, 3], ("b", 0): [1, 0], ("b", 1): [0, 0]})
    info = {"a": BuyerInfo("US", "defense"), "b": BuyerInfo("US", "automotive")}
    spec = RiskSpec.model_validate(
        {"lost_value": {"defense": {"usd_per_t": 1000.0, "source": "hand-set for the test"}}}
    )
    t = risk_table(summary_of(d), None, spec, START, START + dt.timedelta(days=2), info)
    lv = t[t["metric"] == "lost_value_usd"].set_index(["group_by", "group"])
    assert lv.loc[("buyer", "a"), "value"] == pytest.approx(2500.0)  # (2 t + 3 t) / 2 × 1000
    assert ("buyer", "b") not in lv.index
    # the country total counts only what has a value
    assert lv.loc[("country", "US"), "value"] == pytest.approx(2500.0)
    tail = t[t["metric"] == "lost_value_cvar_usd"].set_index(["group_by", "group"])
    assert tail.loc[("buyer", "a"), "value"] == 3000.0
    assert not (t["metric"] == "p_exceed").any()  # no daily records, no probabilities


def test_lost_value_needs_a_source() -> None:
    with pytest.raises(ValueError, match="source"):
        RiskSpec.model_validate({"lost_value": {"defense": {"usd_per_t": 1.0}}})


def test_default_dates_are_year_ends_and_the_horizon_end() -> None:
    assert default_dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1)) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 12, 31),
    ]


def halted_file(directory) -> str:
    """A YAML scenario: one supplier halted for February, noisy demand and transit."""
    doc = one_supplier(noise_cv=0.3, days=120, transit={"dist": "uniform", "low": 3, "high": 9})
    doc["policies"] = [
        {"id": "halt", "type": "facility_outage", "facility": "maker",
         "start": dt.date(2025, 2, 1), "end": dt.date(2025, 3, 1)}
    ]  # fmt: skip
    path = directory / "halted.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_tiny_run_writes_risk_csv(tmp_path, capsys) -> None:
    out = tmp_path / "tiny"
    assert cli(capsys, "run", str(TINY), "--reps", "3", "--out", str(out), "--quiet")[0] == 0
    t = pd.read_csv(out / "risk.csv")
    assert set(t["group_by"]) == {"buyer", "country", "sector"}
    assert (t.loc[t["metric"] == "p_exceed", "value"] == 0).all()  # never short
    assert most_exposed(t).empty


@pytest.mark.slow
def test_risk_command_on_a_run_directory(tmp_path, capsys) -> None:
    out = tmp_path / "halted"
    argv = ["run", halted_file(tmp_path), "--reps", "6", "--out", str(out), "--quiet"]
    assert cli(capsys, *argv, "--workers", "1")[0] == 0
    written = pd.read_csv(out / "risk.csv")
    assert set(written["group_by"]) == {"buyer", "country", "sector"}
    code, lines, err = cli(
        capsys, "risk", str(out), "--thresholds", "1,20", "--by", "2025-03-31", "--window", "30"
    )
    assert (code, err) == (0, [])
    assert lines[0].startswith(f"wrote {out / 'risk.csv'}")
    t = pd.read_csv(out / "risk.csv")
    p = t[(t["metric"] == "p_exceed") & (t["group_by"] == "buyer")]
    assert sorted(p["threshold_pct"]) == [1.0, 20.0] and set(p["by"]) == {"2025-03-31"}
    # the run directory's timeseries (dates, no day column) through the daily-share path
    ts = pd.read_parquet(out / "timeseries.parquet")
    by_day = (dt.date(2025, 3, 31) - dt.date(2025, 1, 1)).days
    for x in (1.0, 20.0):
        ref = exceedance_probability(ts, x, by_day, window=30)["probability"].iloc[0]
        assert p.loc[p["threshold_pct"] == x, "value"].iloc[0] == pytest.approx(ref)
    top = most_exposed(t)
    assert p["value"].max() > 0  # the halt shows
    assert list(top["group"]) == ["oem"] and math.isclose(
        top["shortage_t"].iloc[0],
        pd.read_csv(out / "summary.csv")["shortage_t"].mean(),
    )


def test_the_python_api_writes_risk_csv_and_lists_it(tmp_path) -> None:
    """`run_to_dir` (no CLI, no resolved document) writes risk.csv; the mean shortage of the
    buyer is the mean over replications of summary.csv, and P(shortage > 25 %) by the end of the
    run is the share of replications whose worst 90-day window exceeds 25 % of demand."""
    out = tmp_path / "api"
    run_to_dir(halted_noisy(), out, reps=5, workers=1, figures="none")
    assert "risk.csv" in json.loads((out / "manifest.json").read_text())["files"]
    t = pd.read_csv(out / "risk.csv")
    summary = pd.read_csv(out / "summary.csv")
    row = t[(t["group_by"] == "buyer") & (t["metric"] == "shortage_t")].iloc[0]
    assert row["group"] == "oem" and row["n"] == 5
    assert row["value"] == pytest.approx(summary["shortage_t"].mean())
    ts = pd.read_parquet(out / "timeseries.parquet")
    ts = ts[ts["record"] == "buyer"].sort_values(["replication", "date"])
    hits = 0
    for _, g in ts.groupby("replication"):
        short = g["shortage_t"].rolling(90, min_periods=1).sum()
        demand = g["demand_t"].rolling(90, min_periods=1).sum()
        hits += bool((short > 0.25 * demand).any())
    p = t[(t["group_by"] == "buyer") & (t["metric"] == "p_exceed") & (t["threshold_pct"] == 25)]
    assert p["value"].iloc[-1] == pytest.approx(hits / 5)


@pytest.mark.slow
def test_auto_reps_says_when_it_stops_short(tmp_path, capsys) -> None:
    done = run_to_dir(halted_noisy(), tmp_path / "c", reps=None, precision=1e-6, max_reps=30)
    m = json.loads((done.out / "manifest.json").read_text())
    assert (m["converged"], m["not_converged"]) == (False, ["oem"])
    assert m["precision_reached"] > 1e-6
    argv = [
        "run",
        halted_file(tmp_path),
        "--reps",
        "auto",
        "--precision",
        "0.0001",
        "--max-reps",
        "20",
    ]
    code, _, err = cli(capsys, *argv, "--out", str(tmp_path / "o"), "--workers", "1")
    assert code == 0
    assert err[0].startswith("warning: stopped at the cap of 20 replications short of the")
    assert "(oem)" in err[0]


def test_lost_value_names_a_sector_of_the_scenario(tmp_path, capsys) -> None:
    from tests.scenario_files import child_of_tiny

    path = child_of_tiny(
        tmp_path,
        """
        risk:
          lost_value:
            defence: {usd_per_t: 5.0e5, source: "hand-set"}
            automotive: {usd_per_t: 1.0e5, commodities: [Tb_oxide], source: "hand-set"}
        """,
    )
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 2
    assert any("risk.lost_value.defence: unknown buyer sector 'defence'" in e for e in err)
    assert any("risk.lost_value.automotive.commodities: unknown commodity" in e for e in err)


def test_risk_command_rejects_bad_levels_and_thresholds(tmp_path, capsys) -> None:
    assert cli(capsys, "risk", str(tmp_path), "--level", "1.5")[0] == 2
    code, _, err = cli(capsys, "risk", str(tmp_path), "--thresholds", "5,150")
    assert code == 2 and "thresholds are % of demand in [0, 100)" in err[-1]
    code, _, err = cli(capsys, "risk", str(tmp_path / "none"))
    assert code == 2 and "not a directory (expected the output directory" in err[0]
