"""Global sensitivity: SALib's Ishigami benchmark and a two-input chain whose shortage variance
decomposes in closed form, through the same design → evaluate → indices path."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.model.params import distributions, with_values
from sim.runner.replicate import run_one
from sim.runner.sensitivity import analyse, sensitivity, uncertain_inputs
from sim.scenario.distributions import Lognormal, Normal, Triangular, Uniform
from tests.netbuild import one_supplier, scenario

PI = math.pi


def ishigami(x: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> pd.DataFrame:
    x1, x2, x3 = (x[k].to_numpy() for k in ("x1", "x2", "x3"))
    y = np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)
    return pd.DataFrame({"y": y})


@pytest.mark.slow
def test_ishigami_reproduces_the_published_indices() -> None:
    # Ishigami & Homma (1990), a = 7, b = 0.1; the values SALib's documentation quotes
    published = {"x1": (0.314, 0.558), "x2": (0.442, 0.442), "x3": (0.0, 0.244)}
    laws = {k: Uniform(dist="uniform", low=-PI, high=PI) for k in published}
    res = analyse(laws, ishigami, method="sobol", samples=1024, seed=11)
    assert len(res.design) == 1024 * (3 + 2)
    t = res.indices.set_index("input")
    for k, (s1, st) in published.items():
        assert t.loc[k, "S1_low"] <= s1 <= t.loc[k, "S1_high"], (k, t.loc[k].to_dict())
        assert t.loc[k, "ST_low"] <= st <= t.loc[k, "ST_high"], (k, t.loc[k].to_dict())
    assert list(res.ranked()["input"]) == ["x1", "x2", "x3"]


@pytest.mark.slow
def test_ishigami_morris_screens_x2_and_x1_above_x3() -> None:
    laws = {k: Uniform(dist="uniform", low=-PI, high=PI) for k in ("x1", "x2", "x3")}
    res = analyse(laws, ishigami, method="morris", samples=50, seed=3)
    assert len(res.design) == 50 * 4
    mu = res.indices.set_index("input")["mu_star"]
    assert mu["x3"] < mu["x1"] and mu["x3"] < mu["x2"]


@pytest.mark.parametrize(
    "law",
    [
        Uniform(dist="uniform", low=2, high=5),
        Triangular(dist="triangular", low=1, mode=2, high=6),
        Normal(dist="normal", mean=3, sd=2),  # truncated at 0
        Lognormal(dist="lognormal", median=4, p90=9),
    ],
)
def test_quantiles_invert_the_sampled_law(law) -> None:
    rng = np.random.Generator(np.random.PCG64(5))
    draws = np.sort(law.sample_many(rng, 40000) if law.dist != "normal" else
                    np.array([law.sample(rng) for _ in range(40000)]))  # fmt: skip
    for p in (0.1, 0.5, 0.9):
        assert law.quantile(p) == pytest.approx(np.quantile(draws, p), rel=0.03)


DAYS = 100


def chain(noise_cv: float = 0.0):
    """A buyer cut off from supply (the only maker has no stock and a negligible capacity):
    total shortage = daily demand × days − initial stock, both uncertain."""
    doc = one_supplier(days=DAYS, supplier_stock=0.0, initial=0.0, noise_cv=noise_cv)
    doc["facilities"]["maker"]["capacity"] = {"magnet": 1e-9}
    buyer = doc["buyers"]["oem"]
    buyer["demand"]["magnet"]["rate_t_per_year"] = {
        "dist": "uniform", "low": 8.0 * 365, "high": 12.0 * 365
    }  # fmt: skip
    buyer["inventory"]["magnet"] = {"dist": "uniform", "low": 0.0, "high": 200.0}
    return scenario(doc)


RATE = "buyers.oem.demand.magnet.rate_t_per_year"
STOCK = "buyers.oem.inventory.magnet"


def test_fixed_inputs_give_the_closed_form_shortage() -> None:
    sc = with_values(chain(), {RATE: 9.0 * 365, STOCK: 150.0})
    laws = dict(distributions(sc))
    assert laws[RATE].value == 9.0 * 365 and laws[STOCK].source is None
    s = run_one(sc, 0, 1).summary
    assert s["shortage_t"].iloc[0] == pytest.approx(9.0 * DAYS - 150.0, rel=1e-6)


@pytest.mark.slow
def test_two_input_chain_decomposes_as_its_closed_form() -> None:
    # shortage = T·d − I with d ~ U(8, 12) t/day, I ~ U(0, 200) t, T = 100 days:
    # Var = T² (4²/12) + 200²/12, so S_d = 1600 / (1600 + 400) = 0.8 and S_I = 0.2; additive,
    # so the total indices equal the first-order ones.
    sc = chain()
    assert set(uncertain_inputs(sc)) == {RATE, STOCK}
    res = sensitivity(sc, "sobol", 256, outputs=["shortage_t:oem"], reps=1, seed=4)
    y = res.outputs["shortage_t:oem"].to_numpy()
    d, stock = res.design[RATE].to_numpy() / 365, res.design[STOCK].to_numpy()
    np.testing.assert_allclose(y, d * DAYS - stock, rtol=1e-6)  # each point, closed form
    t = res.indices.set_index("input")
    for name, expected in ((RATE, 0.8), (STOCK, 0.2)):
        for k in ("S1", "ST"):
            assert t.loc[name, f"{k}_low"] <= expected <= t.loc[name, f"{k}_high"], t.loc[name]
            assert t.loc[name, k] == pytest.approx(expected, abs=0.05)


@pytest.mark.slow
def test_design_points_share_their_random_numbers_whatever_the_workers() -> None:
    # noisy daily demand: the points' shortages are random, but every point draws the same
    # noise (common random numbers), so along a Morris trajectory a step in the initial stock
    # alone changes the shortage by exactly minus that step
    sc = chain(noise_cv=0.3)
    one = sensitivity(sc, "morris", 6, outputs=["shortage_t:oem"], reps=2, workers=1)
    two = sensitivity(sc, "morris", 6, outputs=["shortage_t:oem"], reps=2, workers=2)
    pd.testing.assert_frame_equal(one.indices, two.indices)
    pd.testing.assert_frame_equal(one.outputs, two.outputs)
    x, y = one.design, one.outputs["shortage_t:oem"]
    steps = 0
    for i in range(1, len(x)):
        if i % 3 and x[RATE][i] == x[RATE][i - 1]:  # 2 inputs: 3 points per trajectory
            assert y[i] - y[i - 1] == pytest.approx(-(x[STOCK][i] - x[STOCK][i - 1]), abs=1e-6)
            steps += 1
    assert steps == 6
    # and the Morris effect of the stock is its range (200 t over the unit interval)
    mu = one.indices.set_index("input")["mu_star"]
    assert mu[STOCK] == pytest.approx(200.0, rel=1e-6)


def test_unknown_inputs_and_outputs_are_named() -> None:
    with pytest.raises(ValueError, match="not a distribution of scenario one_supplier: nope"):
        uncertain_inputs(chain(), ["nope"])
    with pytest.raises(ValueError, match="unknown output 'ghost'"):
        sensitivity(chain(), "morris", 2, outputs=["ghost"])


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_indices() -> None:
    distributed = pytest.importorskip("distributed")
    from tests.scale_helpers import cluster_options

    sc = chain(noise_cv=0.3)
    here = sensitivity(sc, "morris", 3, outputs=["shortage_t:oem"], reps=2, workers=1)
    with (
        distributed.LocalCluster(**cluster_options(n_workers=2, processes=True)) as c,
        distributed.Client(c) as client,
    ):
        there = sensitivity(sc, "morris", 3, outputs=["shortage_t:oem"], reps=2, scheduler=client)
    pd.testing.assert_frame_equal(here.indices, there.indices)
    pd.testing.assert_frame_equal(here.outputs, there.outputs)
