"""Run safety: one run per output directory, paths read back confined to their directory, a
mass balance that rejects NaN and infinity, and Dask clusters that need no fixed port."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.model.balance import check
from sim.results.io.contract import confined
from sim.results.io.lock import DirLock, OutputLocked
from sim.results.io.reader import read_output_dir
from sim.runner import resume, run_to_dir, simulate
from tests.scale_helpers import cluster_options
from tests.scenario_files import TINY, cli

ROOT = Path(__file__).resolve().parents[1]

FIRST_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import sim
    out, ready, go = (Path(a) for a in sys.argv[1:4])
    def progress(done, total):
        if not ready.exists():
            ready.write_text("folded one")
            while not go.exists():
                time.sleep(0.05)
    sim.run_to_dir(sim.load_scenario(sys.argv[4]), out, reps=4, seed=1, workers=1,
                   progress=progress)
    """
)


def _wait_for(path: Path, proc: subprocess.Popen[bytes], limit_s: float = 300.0) -> None:
    deadline = time.monotonic() + limit_s
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.slow
def test_second_run_into_the_same_directory_exits_2_and_the_first_finishes(
    tmp_path, capsys
) -> None:
    out, ready, go = tmp_path / "run", tmp_path / "ready", tmp_path / "go"
    args = [str(out), str(ready), str(go), str(TINY)]
    first = subprocess.Popen([sys.executable, "-c", FIRST_RUN, *args], cwd=ROOT)
    try:
        _wait_for(ready, first)  # the first run is inside its work directory, holding the lock
        code, stdout, err = cli(capsys, "run", str(TINY), "--reps", "2", "--out", str(out))
        assert (code, stdout) == (2, [])
        assert len(err) == 1 and f"process {first.pid}" in err[0] and str(out) in err[0]
        assert (tmp_path / "run.partial" / "plan.json").exists()  # its work is untouched
    finally:
        go.write_text("go")
        assert first.wait(timeout=600) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["reps"] == 4 and not (tmp_path / "run.partial").exists()
    assert not (tmp_path / ".run.lock").exists()  # released, and a later run may write there
    assert cli(capsys, "run", str(TINY), "--reps", "1", "--out", str(out), "--quiet")[0] == 0


def test_lock_is_exclusive_and_released(tmp_path) -> None:
    held = DirLock(tmp_path / "x").acquire()
    with pytest.raises(OutputLocked, match=f"process {os.getpid()}"):
        DirLock(tmp_path / "x").acquire()
    held.release()
    DirLock(tmp_path / "x").acquire().release()


def test_confined_refuses_names_outside_the_directory(tmp_path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "secret").write_text("x")
    (tmp_path / "d" / "link").symlink_to(tmp_path / "secret")
    assert confined(tmp_path / "d", "a/b.yaml") == (tmp_path / "d" / "a" / "b.yaml").resolve()
    for name in ("../secret", "/etc/passwd", "link", "a/../../secret", "."):
        with pytest.raises(ValueError, match="outside"):
            confined(tmp_path / "d", name)


def test_report_reads_no_document_outside_a_compare_directory(tmp_path) -> None:
    d = tmp_path / "cmp"
    d.mkdir()
    (tmp_path / "elsewhere.yaml").write_text("policies: []\n")
    entry = {"label": "a", "document": "../elsewhere.yaml"}
    (d / "manifest.json").write_text(json.dumps({"kind": "compare", "scenarios": [entry]}))
    pd.DataFrame({"scenario": ["a"]}).to_csv(d / "summary.csv", index=False)
    for name in ("bands.parquet", "flows.parquet"):
        pd.DataFrame({"date": pd.to_datetime(["2025-01-01"])}).to_parquet(d / name)
    with pytest.raises(ValueError, match="outside"):
        read_output_dir(d)


def test_resume_refuses_a_checkpoint_naming_files_outside(tmp_path) -> None:
    scenario = sim.load_scenario(TINY)
    out = tmp_path / "run"

    def stop(done: int, total: int | None) -> None:
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_to_dir(scenario, out, reps=6, seed=1, workers=1, progress=stop)
    state = tmp_path / "run.partial" / "state" / "checkpoint.json"
    check_ = json.loads(state.read_text())
    check_["arrays"] = "../../../elsewhere.npz"
    state.write_text(json.dumps(check_))
    with pytest.raises(ValueError, match="outside"):
        resume(scenario, out, workers=1)
    DirLock(out).acquire().release()  # the failed resume let the lock go


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_mass_balance_fails_on_non_finite_values(bad) -> None:
    network = simulate(sim.load_scenario(TINY), 0, 1)
    assert check(network) == []
    buyer = next(iter(network.buyers.values()))
    point = next(iter(buyer.points.values()))
    point.cum_demand = bad  # e.g. a NaN demand that would otherwise pass `abs(x) > tol`
    assert any("demand − consumed − shortage" in v for v in check(network))
    node = next(iter(network.nodes.values()))
    stock = next(iter(node.stocks.values()))
    stock.level = bad
    assert any("non-finite stock" in v for v in check(network))


@pytest.mark.slow
def test_dask_cluster_needs_no_fixed_port(recwarn) -> None:
    """Test clusters take ephemeral ports with the dashboard off: they start while another
    cluster holds the default ports (8786/8787), and warn about nothing."""
    distributed = pytest.importorskip("distributed")
    busy = []
    for port in (8786, 8787):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
            busy.append(s)
        except OSError:  # already held by another process: the situation under test
            s.close()
    try:
        with (
            distributed.LocalCluster(
                **cluster_options(n_workers=1, processes=False, protocol="tcp")
            ) as c,
            distributed.Client(c) as client,
        ):
            assert client.submit(sum, [1, 2]).result(timeout=120) == 3
            assert not c.scheduler_address.endswith((":8786", ":8787"))
    finally:
        for s in busy:
            s.close()
    about_ports = [str(w.message) for w in recwarn if "port" in str(w.message).lower()]
    assert about_ports == []  # e.g. "Port 8787 is already in use" (an error under -W error)


def _refusals(tmp: Path) -> list[tuple[list[str], str]]:
    """(argv, first line of stderr) of arguments a command refuses before it runs."""
    scenario = tmp / "tiny.yaml"
    (tmp / "notes").mkdir()
    (tmp / "notes" / "mine.txt").write_text("keep me\n")
    (tmp / "done").mkdir()
    (tmp / "done" / "manifest.json").write_text("{}")
    s, short = str(scenario), ["--reps", "1", "--figures", "none"]
    return [
        (["run", s, *short, "--out", s], f"error: --out {s}: is a file, not a directory; name a "),
        (["run", s, *short, "--out", f"{s}/x"], f"error: --out {s}/x: {s} is a file, not a "),
        (["run", s, *short, "--out", "."], "error: --out .: name a directory of its own, e.g. "),
        (
            ["run", s, *short, "--out", str(tmp / "notes")],
            f"error: --out {tmp / 'notes'}: exists and is not an output directory of minsim",
        ),
        (["compare", s, "--reps", "1"], "error: compare needs at least two scenarios"),
        (["compare", s, s, "--reps", "1", "--out", s], f"error: --out {s}: is a file, not a "),
        (["sweep", s, "--vary", "seed=1", "--vary", "seed=2"], "error: --vary seed is given twice"),
        (["sensitivity", s, "--out", s], f"error: --out {s}: is a file, not a directory; name"),
        (
            ["sensitivity", s, "--method", "sobol", "--samples", "3"],
            "error: --samples: Sobol' needs a power of 2, e.g. 64 (got 3)",
        ),
        (["sensitivity", s, "--inputs", "seed", "seed"], "error: --inputs lists seed more than "),
        (["sweep", s, "--vary", "seed=1,1"], "error: --vary seed: a value is given twice"),
        (["run", *short], "error: give a SCENARIO file (or --resume DIR)"),
        (
            ["run", "--resume", str(tmp / "notes")],
            f"error: --resume {tmp / 'notes'}: nothing to resume: {tmp / 'notes.partial'}/plan.json",
        ),
        (
            ["run", "--resume", str(tmp / "done")],
            f"error: --resume {tmp / 'done'}: nothing to resume: {tmp / 'done.partial'}/plan.json "
            "does not exist (it has finished)",
        ),
        (["run", s, "--resume", str(tmp / "done")], "error: give a SCENARIO file or --resume DIR"),
        (["report", str(tmp / "notes")], f"error: {tmp / 'notes'}: not an output directory of "),
        (["risk", s], f"error: {s}: not a directory (expected the output directory of a run)"),
        (["schema", "--out", str(tmp)], f"error: --out {tmp}: is a directory; name the file to "),
        (["list", s], f"error: {s}: not a directory"),
    ]


def test_arguments_that_cannot_work_exit_2_and_touch_nothing(tmp_path, capsys) -> None:
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    for argv, first in _refusals(tmp_path):
        before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
        code, _, err = cli(capsys, *argv)
        assert code == 2 and err and err[0].startswith(first), (argv, err)
        assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before, argv
    assert (tmp_path / "tiny.yaml").read_text() == TINY.read_text()
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep me\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(TINY), "--reps", "100001"],
        ["compare", str(TINY), str(TINY), "--reps", "99999999999999999999"],
        ["workshop", str(TINY), "--port", "70000"],
        ["workshop", str(TINY), "--reps", "0"],
        ["risk", ".", "--window", "100000"],
        ["sensitivity", str(TINY), "--samples", "100000000"],
    ],
)
def test_typo_magnitudes_in_arguments_are_usage_errors(capsys, argv) -> None:
    code, _, err = cli(capsys, *argv)
    assert code == 2 and ("must be <=" in err[-1] or "must be >=" in err[-1]), err


def test_run_to_dir_does_not_replace_a_directory_of_other_files(tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.txt").write_text("keep me\n")
    scenario = sim.load_scenario(TINY).model_copy(update={"policies": []})
    with pytest.raises(FileExistsError, match="is not an output directory"):
        run_to_dir(scenario, notes, reps=1, workers=1, figures="none")
    assert (notes / "mine.txt").read_text() == "keep me\n"


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        ("{}", "summary.csv is missing (listed in manifest.json or needed by a run directory)"),
        ("nope", "manifest.json cannot be read (Expecting value: line 1 column 1 (char 0))"),
        ("[1, 2]", "manifest.json is not a JSON object"),
        ('{"kind": "atlas"}', "manifest.json names an unknown kind 'atlas'"),
    ],
)
def test_report_and_risk_on_an_incomplete_directory_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: str, why: str
) -> None:
    d = tmp_path / "hand-made"
    d.mkdir()
    (d / "manifest.json").write_text(manifest, encoding="utf-8")
    for command in ("report", "risk"):
        code, out, err = cli(capsys, command, str(d))
        assert (code, out) == (2, [])
        assert err == [f"error: {d}: incomplete output directory: {why}"]
    assert sorted(p.name for p in d.iterdir()) == ["manifest.json"]  # nothing written


def test_a_sweep_of_more_than_a_thousand_variants_exits_2_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = ",".join(str(i) for i in range(1, 201))
    horizons = ",".join(f"2025-{m:02d}-{d:02d}" for m in range(2, 13) for d in range(1, 19))
    out = tmp_path / "sw"
    argv = ["sweep", str(TINY), "--grid", "--vary", f"seed={seeds}"]
    code, _, err = cli(capsys, *argv, "--vary", f"horizon.end={horizons}", "--out", str(out))
    assert code == 2
    assert err == [
        "error: --vary gives 39,600 variants on the grid, more than 1,000: vary fewer keys or "
        "values"
    ]
    assert not out.exists()


def _descendants(pid: int) -> set[int]:
    """Processes started, directly or not, by `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(d.name)] = int(stat[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - out
        out |= frontier
    return out


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_end_when_the_run_is_killed(tmp_path: Path) -> None:
    """A `minsim run` killed outright (SIGKILL: no clean-up) leaves no worker running on."""
    argv = [sys.executable, "-m", "sim", "run", str(ROOT / "scenarios" / "baseline_2025.yaml")]
    argv += ["--reps", "200", "--workers", "2", "--figures", "none", "--quiet"]
    proc = subprocess.Popen([*argv, "--out", str(tmp_path / "r")], cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:  # the pool and its workers
            time.sleep(0.5)
            workers = {p for p in _descendants(proc.pid) if _running(p)}
        assert len(workers) >= 2, "the run did not start its workers"
        proc.kill()  # not reaped yet: the main process stays a zombie meanwhile
        deadline = time.monotonic() + 120
        while any(_running(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [p for p in workers if _running(p)]
    finally:
        proc.kill()
        proc.wait()
