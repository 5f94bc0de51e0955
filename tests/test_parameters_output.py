"""`parameters.parquet`: the value each replication drew for every sampled scenario parameter,
keyed by its scenario key path (the path `--set` uses), as a sensitivity analysis needs."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runner import run_one, run_to_dir
from tests.netbuild import one_supplier, scenario


def sampled_doc() -> dict:
    doc = one_supplier(days=60)
    doc["buyers"]["oem"]["safety_stock_days"] = {"dist": "uniform", "low": 10.0, "high": 30.0}
    doc["buyers"]["oem"]["sourcing"]["magnet"]["qualification_days"] = {
        "dist": "triangular",
        "low": 30.0,
        "mode": 60.0,
        "high": 90.0,
    }
    doc["lanes"][0]["transit_days"] = {"dist": "uniform", "low": 4.0, "high": 6.0}  # per shipment
    return doc


@pytest.fixture(scope="module")
def parameters(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("p") / "run"
    run_to_dir(scenario(sampled_doc()), out, reps=5, seed=2, workers=1)
    return pd.read_parquet(out / "parameters.parquet")


@pytest.mark.slow
def test_one_row_per_replication_and_key_path(parameters) -> None:
    assert list(parameters.columns) == ["replication", "key", "value"]
    keys = {"buyers.oem.safety_stock_days", "buyers.oem.sourcing.magnet.qualification_days"}
    assert set(parameters["key"]) == keys  # per-shipment transit times stay distributions
    assert sorted(parameters["replication"].unique()) == list(range(5))
    assert len(parameters) == 5 * len(keys)


@pytest.mark.slow
def test_values_are_draws_of_the_scenario_distributions(parameters) -> None:
    by_key = parameters.groupby("key")["value"]
    low, high = by_key.min(), by_key.max()
    assert (
        10.0 <= low["buyers.oem.safety_stock_days"] and high["buyers.oem.safety_stock_days"] <= 30
    )
    q = "buyers.oem.sourcing.magnet.qualification_days"
    assert 30.0 <= low[q] and high[q] <= 90.0
    assert by_key.nunique().min() == 5  # a fresh draw per replication


def test_values_are_those_the_replication_used() -> None:
    result = run_one(scenario(sampled_doc()), 3, 2)
    rows = pd.DataFrame(
        {"key": list(result.drawn), "value": list(result.drawn.values())}
    ).set_index("key")
    safety = rows.loc["buyers.oem.safety_stock_days", "value"]
    # the buyer starts with its initial stock and orders up to safety days of demand: the
    # drawn value is a number the model received, not a copy of the distribution's mean
    assert safety != pytest.approx(20.0)
    assert 10.0 <= safety <= 30.0
