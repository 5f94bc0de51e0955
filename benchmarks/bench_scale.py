"""Scale: the whole `minsim run` process with 1 and 2 workers, replications per second of
`run_to_dir`, Dask overhead per task, and the cost of one replication as horizon and network
size double.

The first section times the command a user runs — `minsim run SCENARIO --reps N --workers K`
in a fresh process: imports, replications, fold, figures and report included — alternating
1 and 2 workers `--repeats` times (interleaved, so load on the machine hits both alike), and
prints the medians and their ratio. Targets (DESIGN.md): 2 workers ≥ 1.8× faster than 1 on
200 replications of the baseline, whole process; cost linear in horizon and network size
(doubling either ≈ doubles the time). Figures are printed, never asserted.

    python benchmarks/bench_scale.py [SCENARIO] [--reps 200] [--repeats 3] [--figures all]
        [--scaling-reps 5] [--no-dask] [--only-process]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from sim.runner import run_one, run_to_dir
from sim.runner.batches import Batch
from sim.scenario.loader import load
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent


def wall(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def per_replication(sc: Scenario, reps: int) -> float:
    """Median CPU seconds of one replication (simulate + records), after a warm-up; CPU time,
    so other load on the machine does not count."""
    run_one(sc, 0, sc.seed)
    times = []
    for r in range(reps):
        t = time.process_time()
        run_one(sc, r, sc.seed)
        times.append(time.process_time() - t)
    return statistics.median(times)


def doubled_horizon(doc: dict[str, Any]) -> Scenario:
    d = copy.deepcopy(doc)
    start, end = d["horizon"]["start"], d["horizon"]["end"]
    d["horizon"]["end"] = start + 2 * (end - start)
    return Scenario.model_validate(d)


def doubled_network(doc: dict[str, Any]) -> Scenario:
    """Every facility and buyer twice: the copy (`ID__2`) sources from the copies."""
    d = copy.deepcopy(doc)
    ids = set(doc.get("facilities", {})) | set(doc["buyers"])

    def ren(x: str) -> str:
        return f"{x}__2" if x in ids else x

    for section in ("facilities", "buyers"):
        for k, v in doc.get(section, {}).items():
            v2 = copy.deepcopy(v)
            for s in (v2.get("sourcing") or {}).values():
                s["suppliers"] = {ren(a): w for a, w in s["suppliers"].items()}
                if s.get("alternates"):
                    s["alternates"] = [ren(a) for a in s["alternates"]]
            d[section][ren(k)] = v2
    for lane in doc.get("lanes", []):
        if lane["origin"] in ids or lane["destination"] in ids:
            copy_ = dict(lane, origin=ren(lane["origin"]), destination=ren(lane["destination"]))
            d["lanes"].append(copy_)
    return Scenario.model_validate(d)


def process_section(scenario: str, reps: int, repeats: int, figures: str) -> dict[int, float]:
    """Wall seconds of the whole `minsim run` process per worker count (medians, interleaved)."""
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            for k in (1, 2):
                out = Path(tmp) / f"run-{k}-{i}"
                cmd = [sys.executable, "-m", "sim", "run", scenario, "--reps", str(reps)]
                cmd += ["--workers", str(k), "--figures", figures, "--out", str(out), "--quiet"]
                t = time.perf_counter()
                subprocess.run(cmd, check=True)
                times[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        runs = " ".join(f"{x:.1f}" for x in v)
        print(f"  {k} worker{'s' if k > 1 else ' '}  median {med[k]:7.2f} s   (runs: {runs})")
    print(f"  speed-up 2 vs 1: {med[1] / med[2]:.2f}×   (target ≥ 1.8× at 200 replications)")
    return med


def _noop(batch: Batch) -> int:
    return len(batch)


def workers_section(sc: Scenario, reps: int) -> dict[int, float]:
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in (1, 2):
            times[k] = wall(
                partial(
                    run_to_dir, sc, Path(tmp) / f"w{k}", reps=reps, workers=k, timeseries="none"
                )
            )
            print(
                f"  {k} worker{'s' if k > 1 else ' '}  {times[k]:7.2f} s   {reps / times[k]:6.2f} rep/s"
            )
    print(f"  speed-up 2 vs 1: {times[1] / times[2]:.2f}×   (target ≥ 1.8×)")
    return times


def dask_section(sc: Scenario, reps: int, local_two: float) -> None:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("  Dask not installed: pip install 'minsim[dask]'")
        return
    from sim.runner.dask import DaskBackend
    from sim.runner.local import LocalBackend

    n = 200
    tasks = [Batch(i, i + 1) for i in range(n)]
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        dask = DaskBackend(client)
        list(dask.map_unordered(_noop, tasks[:10]))  # warm-up
        t_dask = wall(lambda: list(dask.map_unordered(_noop, tasks)))
        local = LocalBackend(2)
        list(local.map_unordered(_noop, tasks[:10]))
        t_local = wall(lambda: list(local.map_unordered(_noop, tasks)))
        local.close()
        print(
            f"  overhead per task: Dask {t_dask / n * 1000:.2f} ms, local pool {t_local / n * 1000:.2f} ms"
        )
        with tempfile.TemporaryDirectory() as tmp:
            t = wall(
                partial(
                    run_to_dir, sc, Path(tmp) / "d", reps=reps, scheduler=client, timeseries="none"
                )
            )
        print(
            f"  {reps} replications on a 2-worker LocalCluster: {t:.2f} s, {reps / t:.2f} rep/s "
            f"({t / local_two:.2f}× the local 2-worker time)"
        )


def scaling_section(path: str, reps: int) -> None:
    doc = load(path).document
    base = Scenario.model_validate(doc)
    variants = {
        "base": base,
        "2× horizon": doubled_horizon(doc),
        "2× network": doubled_network(doc),
    }
    t0 = None
    for name, sc in variants.items():
        days = (sc.horizon.end - sc.horizon.start).days
        nodes = len(sc.facilities) + len(sc.buyers)
        t = per_replication(sc, reps)
        t0 = t0 or t
        print(
            f"  {name:11} {nodes:3d} nodes {days:5d} days  {t * 1000:8.1f} ms/rep  {t / t0:5.2f}×"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline_2025.yaml"))
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--figures", choices=("all", "summary", "none"), default="all")
    ap.add_argument("--scaling-reps", type=int, default=5)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--only-process", action="store_true")
    args = ap.parse_args()
    sc = load(args.scenario).scenario
    print(f"scenario {sc.name} ({args.scenario}); {dt.date.today()}")
    print(
        f"whole `minsim run` process ({args.reps} replications, --figures {args.figures}, "
        f"{args.repeats} interleaved repeats):"
    )
    process_section(args.scenario, args.reps, args.repeats, args.figures)
    if args.only_process:
        return
    print(f"workers ({args.reps} replications, run_to_dir, no per-replication time series):")
    times = workers_section(sc, args.reps)
    if not args.no_dask:
        print("Dask:")
        dask_section(sc, args.reps, times[2])
    print(f"scaling (median CPU time of {args.scaling_reps} replications, one core):")
    scaling_section(args.scenario, args.scaling_reps)


if __name__ == "__main__":
    main()
