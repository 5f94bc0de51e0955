"""Same bytes whatever runs the replications: this process, 2 local workers, a Dask cluster
(also when a Dask worker dies mid-run), and the in-memory `run` API."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.runner import run_to_dir
from tests.scale_helpers import cluster_options, file_bytes, halted_noisy
from tests.scenario_files import TINY

REPS = 24


@pytest.fixture(scope="module")
def tiny():
    return sim.load_scenario(TINY)


@pytest.fixture(scope="module")
def reference(tiny, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref") / "one"
    run_to_dir(tiny, out, reps=REPS, seed=3, workers=1)
    return file_bytes(out)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(**cluster_options(n_workers=2, processes=True)) as c:
        yield c


@pytest.mark.slow
def test_reference_has_every_output_file(reference) -> None:
    assert set(reference) == {
        "summary.csv",
        "events.csv",
        "bands.parquet",
        "flows.parquet",
        "flows_monthly.csv",
        "timeseries.parquet",
    }


@pytest.mark.slow
def test_two_local_workers_write_the_same_bytes(tiny, reference, tmp_path) -> None:
    run_to_dir(tiny, tmp_path / "two", reps=REPS, seed=3, workers=2)
    assert file_bytes(tmp_path / "two") == reference


@pytest.mark.slow
def test_dask_cluster_writes_the_same_bytes(tiny, reference, cluster, tmp_path) -> None:
    run_to_dir(tiny, tmp_path / "dask", reps=REPS, seed=3, scheduler=cluster.scheduler_address)
    assert file_bytes(tmp_path / "dask") == reference


@pytest.mark.slow
def test_dask_worker_killed_mid_run_is_retried_with_identical_results(tmp_path, cluster) -> None:
    from distributed import Client

    sc = halted_noisy()
    run_to_dir(sc, tmp_path / "local", reps=120, seed=4, workers=1)
    killed: list[str] = []
    with Client(cluster) as client:

        def kill_one_worker(done: int, total: int | None) -> None:
            if not killed:  # the first batch is back: others are running; stop a worker hard
                worker = sorted(client.scheduler_info()["workers"])[0]
                client.run(lambda: threading.Timer(0.05, os._exit, (1,)).start(), workers=[worker])
                killed.append(worker)

        run_to_dir(
            sc, tmp_path / "dask", reps=120, seed=4, scheduler=client, progress=kill_one_worker
        )
        client.wait_for_workers(2, timeout=30)  # the nanny restarts it, for later tests
        assert killed and killed[0] not in client.scheduler_info()["workers"]
    assert file_bytes(tmp_path / "dask") == file_bytes(tmp_path / "local")


@pytest.mark.slow
def test_in_memory_run_is_the_same_with_two_workers(tiny) -> None:
    one = sim.run(tiny, reps=6, seed=2)
    two = sim.run(tiny, reps=6, seed=2, workers=2)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.buyers, two.buyers)
    assert [r.replication for r in two.replications] == list(range(6))


@pytest.mark.slow
def test_written_ensemble_equals_streamed_run(tiny, reference, tmp_path) -> None:
    from sim.plotting.shortage import save_shortage_bands_figure
    from sim.results.io.memory import write_outputs

    write_outputs(
        sim.run(tiny, reps=REPS, seed=3),
        tmp_path / "mem",
        {"scenario": "tiny"},
        figure=save_shortage_bands_figure,
    )
    assert file_bytes(tmp_path / "mem") == reference


def test_missing_dask_says_how_to_install(tiny, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(RuntimeError, match=r"pip install 'minsim\[dask\]'"):
        run_to_dir(tiny, tmp_path / "x", reps=2, scheduler="tcp://127.0.0.1:1")
    assert not Path(tmp_path / "x.partial").exists()
