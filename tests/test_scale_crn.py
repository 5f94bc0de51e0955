"""Common random numbers: scenarios run with the same seed draw the same numbers for the
structure they share, so paired differences isolate the lever."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.results.stats import t975
from sim.scenario.loader import load
from tests.scale_helpers import halted_noisy
from tests.scenario_files import TINY

NOISE = "buyers.auto.demand.NdFeB_magnet.noise_cv=0.2"


def half_width(x: np.ndarray) -> float:
    return t975(len(x) - 1) * float(np.std(x, ddof=1)) / math.sqrt(len(x))


def test_capacity_change_leaves_demand_noise_draws_alone() -> None:
    base = load(TINY, [NOISE]).scenario
    lever = load(TINY, [NOISE, "facilities.magnets.capacity.NdFeB_magnet=1200"]).scenario
    a, b = sim.run(base, reps=3, seed=11), sim.run(lever, reps=3, seed=11)
    demand_a, demand_b = a.buyers["demand_t"].to_numpy(), b.buyers["demand_t"].to_numpy()
    assert demand_a.std() > 0.1 * demand_a.mean()  # the noise is there ...
    # ... and identical; only the order of floating-point sums differs with the supply path
    np.testing.assert_allclose(demand_b, demand_a, rtol=1e-12, atol=1e-9)
    assert b.summary["shortage_t"].sum() > a.summary["shortage_t"].sum() + 1.0  # lever matters


def test_scenario_compared_with_itself_differs_by_exactly_zero() -> None:
    sc = halted_noisy()
    a, b = sim.run(sc, reps=10, seed=5), sim.run(sc, reps=10, seed=5)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    diff = b.summary["shortage_t"].to_numpy() - a.summary["shortage_t"].to_numpy()
    assert np.all(diff == 0.0) and half_width(diff) == 0.0


@pytest.mark.slow
def test_same_seeds_narrow_the_interval_of_a_small_lever() -> None:
    """Safety stock 20 → 21 days: the paired difference of total shortage with the same seed
    has a 95 % interval ≈ 15× narrower than with independent seeds (measured 15.1)."""
    n = 30
    base, lever = halted_noisy(), halted_noisy(safety_days=21.0)
    a = sim.run(base, reps=n, seed=5).summary["shortage_t"].to_numpy()
    same = sim.run(lever, reps=n, seed=5).summary["shortage_t"].to_numpy()
    independent = sim.run(lever, reps=n, seed=99).summary["shortage_t"].to_numpy()
    crn, ind = half_width(same - a), half_width(independent - a)
    ratio = ind / crn
    print(f"half-width: same seeds {crn:.2f} t, independent {ind:.2f} t, ratio {ratio:.1f}")
    assert (same - a).mean() < 0  # more safety stock, less shortage
    assert ratio > 5.0
