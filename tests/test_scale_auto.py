"""`--reps auto --precision P`: replications are added until every buyer's mean total shortage
is known within P (95 % t-interval), deterministically."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.runner import run_to_dir
from sim.runner.precision import FLOOR_T, MIN_REPS, ROUND, half_widths
from tests.scale_helpers import file_bytes, halted_noisy
from tests.scenario_files import TINY, cli


def totals(out) -> np.ndarray:
    s = pd.read_csv(out / "summary.csv")
    return s.pivot_table(
        index="replication", columns="buyer", values="shortage_t", aggfunc="sum"
    ).to_numpy()


@pytest.mark.slow
def test_auto_stops_at_the_first_check_within_precision_whatever_the_workers(tmp_path) -> None:
    sc = halted_noisy()
    one = run_to_dir(sc, tmp_path / "one", reps=None, precision=0.07, seed=2, workers=1)
    two = run_to_dir(sc, tmp_path / "two", reps=None, precision=0.07, seed=2, workers=2)
    assert one.reps == two.reps and (one.reps - MIN_REPS) % ROUND == 0
    assert file_bytes(one.out) == file_bytes(two.out)
    x = totals(one.out)
    assert len(x) == one.reps > MIN_REPS
    assert np.all(half_widths(x) <= 0.07 * x.mean(axis=0))
    before = x[: one.reps - ROUND]  # the previous check had not converged
    assert np.any(half_widths(before) > 0.07 * before.mean(axis=0))
    manifest = json.loads((one.out / "manifest.json").read_text())
    assert (manifest["reps"], manifest["reps_requested"], manifest["precision"]) == (
        one.reps,
        "auto",
        0.07,
    )
    assert manifest["timeseries"] == "none"


@pytest.mark.slow
def test_auto_respects_the_cap(tmp_path) -> None:
    done = run_to_dir(halted_noisy(), tmp_path / "c", reps=None, precision=1e-6, max_reps=30)
    assert done.reps == 30


@pytest.mark.slow
def test_buyer_never_short_converges_at_once(tmp_path, capsys) -> None:
    out = tmp_path / "tiny"
    code, lines, err = cli(capsys, "run", str(TINY), "--reps", "auto", "--out", str(out))
    assert (code, err) == (0, [])
    assert lines == [f"results in {out} ({MIN_REPS} replications, seed 1)"]
    assert np.all(half_widths(totals(out)) <= FLOOR_T)


def test_precision_needs_reps_auto(capsys) -> None:
    code, _, err = cli(capsys, "run", str(TINY), "--reps", "5", "--precision", "0.1")
    assert code == 2 and err[0].startswith("error: --precision goes with --reps auto")
    assert cli(capsys, "run", str(TINY), "--reps", "auto", "--precision", "2")[0] == 2
