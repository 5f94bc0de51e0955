"""Streamed outputs: bands and flows for every run, the time-series switch, bounded sketches."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.results.bands import BAND_COLUMNS, bands, country_flows
from sim.results.io.memory import timeseries_table, write_parquet
from sim.results.sketch import BINS, PILOT, ZERO, BandSketch
from sim.runner import run_to_dir
from tests.scale_helpers import halted_noisy

QS = ["p05", "p25", "p50", "p75", "p95"]


@pytest.fixture(scope="module")
def scenario():
    return halted_noisy()


@pytest.mark.slow
def test_small_run_bands_flows_and_timeseries_are_exact(scenario, tmp_path) -> None:
    ens = sim.run(scenario, reps=12, seed=3)
    out = run_to_dir(scenario, tmp_path / "r", reps=12, seed=3, workers=1).out
    got = pd.read_parquet(out / "bands.parquet")
    want = bands(ens.buyers, ens.start)
    assert list(got.columns) == BAND_COLUMNS
    pd.testing.assert_frame_equal(
        got.drop(columns="date"), want.drop(columns="date"), check_dtype=False, rtol=1e-12
    )
    assert (pd.to_datetime(got["date"]) == want["date"]).all()
    flows = pd.read_parquet(out / "flows.parquet")
    want_f = country_flows(ens.lanes, ens.start, 12).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        flows.drop(columns="date"), want_f.drop(columns="date"), check_dtype=False, rtol=1e-12
    )
    ts = pd.read_parquet(out / "timeseries.parquet")
    write_parquet(timeseries_table(ens), tmp_path / "old.parquet")  # the in-memory writer's
    pd.testing.assert_frame_equal(ts, pd.read_parquet(tmp_path / "old.parquet"))


@pytest.mark.slow
def test_large_run_bands_are_close_and_no_timeseries_by_default(scenario, tmp_path) -> None:
    n = 2 * PILOT + 10  # > 100: per-replication time series off by default
    ens = sim.run(scenario, reps=n, seed=3)
    out = run_to_dir(scenario, tmp_path / "r", reps=n, seed=3, workers=1).out
    assert not (out / "timeseries.parquet").exists()
    assert (out / "figures" / "shortage.png").stat().st_size > 10_000
    assert json.loads((out / "manifest.json").read_text())["timeseries"] == "none"
    got = pd.read_parquet(out / "bands.parquet")
    want = bands(ens.buyers, ens.start)
    np.testing.assert_allclose(got["mean"], want["mean"], rtol=1e-12)
    spread = (want["p95"] - want["p05"]).to_numpy()
    for var, tol in [("shortage_frac", 0.05), ("shortage_t", 0.05), ("inventory_t", 0.05)]:
        sel = (want["variable"] == var).to_numpy()
        err = np.abs(got.loc[sel, QS].to_numpy() - want.loc[sel, QS].to_numpy())
        # 5 % of the spread, or 1 % of the cell's size where all replications nearly agree,
        # or the sketch's bound: one bin width of the pilot's range (sim/results/sketch.py)
        size = np.abs(want.loc[sel, "p95"].to_numpy())
        bin_width = pilot_bin_width(ens.buyers, var)
        allowed = np.maximum(np.maximum(tol * spread[sel], 0.01 * size), bin_width)[:, None]
        assert np.all(err <= allowed + 1e-9), var


def pilot_bin_width(buyers: pd.DataFrame, var: str) -> np.ndarray:
    """Per day of the one series: 1.5 × the positive range of the first `PILOT` replications'
    values / `BINS` (the series' range over all days where a day's pilot has no range)."""
    pilot = buyers[buyers["replication"] < PILOT]
    if var == "shortage_frac":
        d = pilot["demand_t"].to_numpy()
        v = np.divide(pilot["shortage_t"].to_numpy(), d, out=np.zeros(len(d)), where=d > 0)
    else:
        v = pilot[var].to_numpy()
    x = pd.Series(np.where(v > ZERO, v, np.nan)).groupby(pilot["day"].to_numpy())
    span = (x.max() - x.min()).fillna(0.0).to_numpy()
    whole = float(
        np.nanmax(np.where(v > ZERO, v, np.nan)) - np.nanmin(np.where(v > ZERO, v, np.nan))
    )
    return 1.5 * np.where(span > 0, span, whole) / BINS


@pytest.mark.slow
def test_timeseries_switch(scenario, tmp_path) -> None:
    none = run_to_dir(scenario, tmp_path / "a", reps=3, workers=1, timeseries="none").out
    assert not (none / "timeseries.parquet").exists() and (none / "bands.parquet").exists()
    full = run_to_dir(scenario, tmp_path / "b", reps=101, workers=1, timeseries="full").out
    ts = pd.read_parquet(full / "timeseries.parquet", columns=["replication"])
    assert ts["replication"].nunique() == 101


def test_sketch_memory_does_not_grow_with_replications() -> None:
    rng = np.random.Generator(np.random.PCG64(0))
    sizes = []
    for reps in (PILOT + 1, 5 * PILOT):
        sk = BandSketch(500)
        for _ in range(reps):
            sk.add(rng.exponential(3.0, 500))
        sizes.append(sum(a.nbytes for a in sk.state().values()))
    assert sizes[0] == sizes[1]


def test_sketch_is_exact_for_constant_and_zero_cells() -> None:
    sk = BandSketch(3)
    for r in range(3 * PILOT):
        sk.add(np.array([4.1, 0.0, np.nan if r % 2 else 2.0]))
    q = sk.quantiles()
    assert np.all(q[:, 0] == 4.1) and np.all(q[:, 1] == 0.0) and np.all(q[:, 2] == 2.0)
    assert sk.mean().tolist() == pytest.approx([4.1, 0.0, 2.0])
