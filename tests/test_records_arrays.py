"""Records and digest from arrays: key codes, order independence, the pinned text dtype."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.model.observe import observe
from sim.results.digest import Layout, digest
from sim.results.keys import key_codes
from sim.results.metrics import SUMMARY_METRICS, point_metrics, summarise
from sim.results.records import ReplicationResult
from sim.runner.replicate import simulate
from tests.scale_helpers import halted_noisy

WORDS = st.sampled_from(["a", "b", "ab", "B", "é", ""])


@given(st.lists(st.tuples(WORDS, WORDS), max_size=40))
@settings(max_examples=200, deadline=None)
def test_key_codes_are_the_index_into_the_sorted_distinct_keys(rows) -> None:
    cols = [np.array([r[i] for r in rows], dtype=object) for i in range(2)]
    unique, code = key_codes(*cols)
    assert unique == sorted(set(rows))
    assert [unique[i] for i in code] == rows


BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline_2025.yaml"


@pytest.fixture(scope="module")
def replication():
    scenario = sim.load_scenario(BASELINE)  # 27 buyer series, lanes from six countries
    net = simulate(scenario, 1, 5)
    obs = observe(net, 1)
    result = ReplicationResult(1, 5, obs.buyers, obs.lanes, obs.events, obs.drawn, obs.arrivals)
    return scenario, result


@pytest.mark.slow
def test_text_columns_are_object_dtype_whatever_the_pandas_version(replication) -> None:
    _, r = replication
    for table, cols in [
        (r.buyers, ["buyer", "commodity"]),
        (r.lanes, ["origin", "destination", "origin_country", "destination_country", "commodity"]),
        (r.events, ["kind", "subject", "detail"]),
    ]:
        assert [str(table[c].dtype) for c in cols] == ["object"] * len(cols)


@pytest.mark.slow
def test_summary_is_the_metrics_of_each_daily_series(replication) -> None:
    _, r = replication
    got = summarise(r.buyers)
    for _, row in got.iterrows():
        sel = (r.buyers["buyer"] == row["buyer"]) & (r.buyers["commodity"] == row["commodity"])
        g = r.buyers[sel].sort_values("day")
        want = point_metrics(g["demand_t"].to_numpy(), g["shortage_t"].to_numpy())
        assert [row[m] for m in SUMMARY_METRICS] == pytest.approx(
            [want[m] for m in SUMMARY_METRICS], rel=0, abs=0, nan_ok=True
        )
    keys = list(zip(got["buyer"], got["commodity"], strict=True))
    assert keys == sorted(set(zip(r.buyers["buyer"], r.buyers["commodity"], strict=True)))


@pytest.mark.slow
def test_digest_does_not_depend_on_the_order_of_the_records(replication) -> None:
    scenario, r = replication
    layout = Layout.of(scenario)

    def shuffled(df: pd.DataFrame) -> pd.DataFrame:
        n = len(df)
        assert math.gcd(n, 7919) == 1
        return df.iloc[(np.arange(n) * 7919) % n].reset_index(drop=True)  # a fixed permutation

    mixed = ReplicationResult(
        r.replication,
        r.seed,
        shuffled(r.buyers),
        shuffled(r.lanes),
        r.events,
        r.drawn,
        r.arrivals if r.arrivals is None else shuffled(r.arrivals),
    )
    a, b = digest(r, layout, True), digest(mixed, layout, True)
    np.testing.assert_array_equal(a.values, b.values)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert a.flows.keys() == b.flows.keys() and a.monthly.keys() == b.monthly.keys()
    for k in a.flows:
        np.testing.assert_allclose(a.flows[k], b.flows[k], rtol=1e-12)
    assert a.buyer_rows is not None and b.buyer_rows is not None
    assert a.buyer_rows.schema == b.buyer_rows.schema
    pd.testing.assert_frame_equal(a.buyer_rows.to_pandas(), b.buyer_rows.to_pandas())
    assert a.lane_rows is not None and b.lane_rows is not None
    pd.testing.assert_frame_equal(a.lane_rows.to_pandas(), b.lane_rows.to_pandas())


@pytest.mark.slow
def test_digest_rejects_records_with_a_missing_or_repeated_day(replication) -> None:
    scenario, r = replication
    b = r.buyers.copy()
    b.loc[5, "day"] = b.loc[4, "day"]
    bad = ReplicationResult(r.replication, r.seed, b, r.lanes, r.events, r.drawn, r.arrivals)
    with pytest.raises(ValueError, match="do not match"):
        digest(bad, Layout.of(scenario), False)


def test_a_written_run_keeps_the_record_order_of_the_outputs(tmp_path) -> None:
    scenario = halted_noisy()
    out = sim.runner.run_to_dir(scenario, tmp_path / "r", reps=2, seed=4, workers=1).out
    ts = pd.read_parquet(out / "timeseries.parquet")
    buyers = ts[ts["record"] == "buyer"]
    cols = ["replication", "buyer", "commodity", "date"]
    keys = list(zip(*(buyers[c] for c in cols), strict=True))
    assert keys == sorted(keys)
    lanes = ts[ts["record"] == "lane"]
    cols = ["replication", "buyer", "origin", "commodity", "date"]
    keys = list(zip(*(lanes[c] for c in cols), strict=True))
    assert keys == sorted(keys)
