"""Peak memory of `minsim run` for growing ensembles: streaming aggregation keeps it flat.

Each size runs in a fresh subprocess (`run_to_dir`, per-replication time series off, as by
default above 100 replications) and reports the peak resident set size (ru_maxrss) of its main
process, which receives and folds every replication (with `--workers 1` that is the whole run;
pool workers hold one batch at a time). With `--in-memory` it also measures the old way for
comparison: `sim.run` keeping every replication, then writing.

    python benchmarks/bench_memory.py [SCENARIO] [--reps 100 1000] [--workers 2] [--in-memory 100 300]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
import sim
from sim.runner import run_to_dir
scenario_file, reps, workers, out, mode = sys.argv[1:6]
sc = sim.load_scenario(scenario_file)
t = time.perf_counter()
if mode == "stream":
    run_to_dir(sc, out, reps=int(reps), workers=int(workers), timeseries="none")
else:
    from sim.plotting.shortage import save_shortage_bands_figure
    from sim.results.io.memory import write_outputs
    ens = sim.run(sc, reps=int(reps), workers=int(workers))
    write_outputs(ens, out, {"scenario": sc.name}, figure=save_shortage_bands_figure)
seconds = time.perf_counter() - t
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"main_mb": main, "seconds": seconds}))
"""


def measure(scenario: str, reps: int, workers: int, mode: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", CHILD, scenario, str(reps), str(workers), f"{tmp}/out", mode]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline_2025.yaml"))
    ap.add_argument("--reps", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--in-memory", type=int, nargs="*", default=[], metavar="REPS")
    args = ap.parse_args()
    print(f"scenario {args.scenario}, {args.workers} workers; peak RSS in MB")
    print(f"{'mode':10} {'reps':>6} {'main MB':>8} {'seconds':>8}")
    rows = []
    for mode, sizes in (("stream", args.reps), ("in-memory", args.in_memory)):
        for reps in sizes:
            t = time.perf_counter()
            m = measure(args.scenario, reps, args.workers, mode)
            rows.append((mode, reps, m))
            print(f"{mode:10} {reps:6d} {m['main_mb']:8.0f} {time.perf_counter() - t:8.1f}")
    stream = [(r, m) for mode, r, m in rows if mode == "stream"]
    if len(stream) >= 2:
        (r0, m0), (r1, m1) = stream[0], stream[-1]
        print(
            f"main-process peak ratio {r1} / {r0} replications: "
            f"{m1['main_mb'] / m0['main_mb']:.2f}× (bounded: ≈ 1×)"
        )


if __name__ == "__main__":
    main()
