"""Interrupted or failing runs: no output directory that looks complete, a work directory that
resumes to the same bytes, and a failing replication named with the command to rerun it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pandas as pd
import pytest

import sim
import sim.runner
import sim.runner.batches
from sim.results.digest import Layout, digest
from sim.results.io.store import RunStore
from sim.runner import resume, run_to_dir
from sim.runner.ensemble import new_plan
from tests.scale_helpers import file_bytes, halted_noisy
from tests.scenario_files import TINY, cli

REPS = 30


@pytest.fixture(scope="module")
def scenario():
    return halted_noisy()


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref") / "run"
    run_to_dir(scenario, out, reps=REPS, seed=8, workers=1)
    return file_bytes(out)


def interrupt_after(n: int):
    def progress(done: int, total: int | None) -> None:
        if done >= n:
            raise KeyboardInterrupt

    return progress


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.slow
def test_ctrl_c_then_resume_gives_the_same_bytes(scenario, reference, tmp_path, workers) -> None:
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt) as info:
        run_to_dir(scenario, out, reps=REPS, seed=8, workers=workers, progress=interrupt_after(10))
    assert not out.exists()
    check = json.loads((tmp_path / "run.partial" / "state" / "checkpoint.json").read_text())
    assert 0 < check["folded"] < REPS  # completed out of order beyond it: redone
    assert f"continue with: sim.runner.resume(scenario, {str(out)!r})" in info.value.__notes__[-1]
    done = resume(scenario, out, workers=workers)
    assert done.reps == REPS
    assert not (tmp_path / "run.partial").exists()
    assert file_bytes(out) == reference


@pytest.mark.slow
def test_crash_between_checkpoints_resumes_from_the_last_one(scenario, reference, tmp_path) -> None:
    """A hard kill (no chance to checkpoint): rows written after the last checkpoint, an
    unfinished Parquet segment and a stale arrays file are all discarded on resume."""
    layout = Layout.of(scenario)
    plan = new_plan(scenario, reps=REPS, seed=8)
    store = RunStore.create(tmp_path / "run", layout, plan)
    for r in range(12):
        store.fold(digest(sim.run_one(scenario, r, 8), layout, True))
        if r == 6:
            store.checkpoint()
    store.close()  # "killed": 5 replications written past the checkpoint ...
    segment = next((tmp_path / "run.partial" / "ts").glob("buyer-*"))
    with open(segment, "r+b") as f:  # ... in a segment cut short
        f.truncate(100)
    done = resume(scenario, tmp_path / "run", workers=1)
    assert done.reps == REPS
    assert file_bytes(tmp_path / "run") == reference


def test_resume_refuses_another_scenario(scenario, tmp_path) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_to_dir(scenario, tmp_path / "r", reps=6, workers=1, progress=interrupt_after(2))
    with pytest.raises(ValueError, match="scenario differs"):
        resume(halted_noisy(initial=1.0), tmp_path / "r")


@pytest.mark.slow
def test_cli_interrupt_and_resume(tmp_path, capsys, monkeypatch) -> None:
    out = tmp_path / "tiny"
    argv = ["run", str(TINY), "--reps", "12", "--workers", "1", "--out", str(out)]
    assert cli(capsys, *argv[:-1], str(tmp_path / "ref"), "--quiet")[0] == 0
    expected = file_bytes(tmp_path / "ref")
    real = sim.runner.run_to_dir

    def interrupted(*args, **kw):
        return real(*args, **{**kw, "progress": interrupt_after(5)})

    monkeypatch.setattr(sim.runner, "run_to_dir", interrupted)
    code, _, err = cli(capsys, *argv)
    assert code == 130 and err[0] == "interrupted"
    assert err[1].endswith(f"continue with: minsim run --resume {out}")
    assert not out.exists()
    assert cli(capsys, "run", "--resume", str(out), "--workers", "2") == (
        0,
        [f"results in {out} (12 replications, seed 1)"],
        [],
    )
    assert file_bytes(out) == expected
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"][:2] == ["minsim", "run"] and manifest["resumed"]


@pytest.mark.slow
def test_failing_replication_is_named_with_a_command_to_rerun_it(
    tmp_path, capsys, monkeypatch
) -> None:
    real = sim.runner.batches.run_one

    def fragile(scenario, replication, seed):
        if replication == 4:
            raise ZeroDivisionError("float division by zero")
        return real(scenario, replication, seed)

    monkeypatch.setattr(sim.runner.batches, "run_one", fragile)
    out = tmp_path / "tiny"
    argv = ["run", str(TINY), "--reps", "10", "--seed", "7", "--workers", "1", "--out", str(out)]
    code, stdout, err = cli(capsys, *argv, "--set", "seed=3")
    assert (code, stdout) == (1, [])
    assert err[0] == (
        "error: replication 4 (seed 7) failed: ZeroDivisionError: float division by zero "
        "(--debug shows the traceback)"
    )
    rerun = err[1].removeprefix("rerun it alone: ")
    assert shlex.split(rerun) == [
        *("minsim", "run", str(TINY), "--set", "seed=3", "--seed", "7"),
        *("--replication", "4", "--debug", "--out", str(tmp_path / "tiny-rep4")),
    ]
    assert "kept in" in err[2] and "--resume" not in err[2] and not out.exists()  # same again
    monkeypatch.setattr(sim.runner.batches, "run_one", real)  # "fixed": rerun it as printed
    assert cli(capsys, *shlex.split(rerun)[1:], "--quiet") == (0, [], [])
    alone = pd.read_csv(tmp_path / "tiny-rep4" / "summary.csv")
    assert cli(capsys, "run", "--resume", str(out), "--quiet") == (0, [], [])
    full = pd.read_csv(out / "summary.csv")
    pd.testing.assert_frame_equal(alone, full[full["replication"] == 4].reset_index(drop=True))
    assert json.loads((out / "manifest.json").read_text())["reps"] == 10


def test_no_partial_directory_left_by_a_finished_run(tmp_path) -> None:
    run_to_dir(halted_noisy(), tmp_path / "ok", reps=3, workers=1)
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["ok"]
