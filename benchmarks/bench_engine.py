"""Engine speed on a scenario (default: the 2025 baseline, three-year horizon).

Measures the whole per-replication path the CLI runs in a worker: simulate (build, run,
conservation check), records (`observe`) and digest (`digest`, with the per-replication time
series as up to 100 replications). Prints CPU-time medians of each part, what records + digest
add as a share of simulate, node-days per CPU second of the whole path, the SimPy events per
replication and per node-day (every event the environment processes, counted by stepping a
separate run by hand; arrivals, reviews, production and policy wake-ups alike), and the time of
a bare SimPy loop doing the same number of timeouts in the same run, as a ratio.
Targets (DESIGN.md): the whole path ≤ 50 ms (baseline), ≤ 100 ms (flagship).

    python benchmarks/bench_engine.py [SCENARIO] [--reps N] [--timeseries full|none]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

from sim.engine.clock import Calendar
from sim.engine.context import Context
from sim.model.network import Network
from sim.model.observe import observe
from sim.results.digest import Layout, digest
from sim.results.records import ReplicationResult
from sim.runner.replicate import simulate
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def count_events(scenario, seed: int) -> int:  # type: ignore[no-untyped-def]
    """SimPy events processed by one replication (stepping the same model by hand)."""
    cal = Calendar(scenario.horizon.start, scenario.horizon.end)
    ctx = Context.create(cal, seed, 0)
    net = Network(scenario, ctx)
    net.start()
    env, until, n = ctx.env, float(cal.days), 0
    while env.peek() < until:
        env.step()
        n += 1
    return n


def bare_simpy(n_events: int, n_procs: int, horizon: float) -> float:
    """Seconds for `n_procs` SimPy processes doing `n_events` timeouts in total, nothing else."""
    env = simpy.Environment()
    per = max(1, n_events // n_procs)
    step = horizon / per

    def proc(env: simpy.Environment):  # type: ignore[no-untyped-def]
        for _ in range(per):
            yield env.timeout(step)

    for _ in range(n_procs):
        env.process(proc(env))
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline_2025.yaml"))
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--timeseries", choices=("full", "none"), default="full")
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    layout = Layout.of(sc)
    keep = args.timeseries == "full"
    days = (sc.horizon.end - sc.horizon.start).days
    nodes = len(sc.facilities) + len(sc.buyers)
    simulate(sc, 0, sc.seed)  # warm-up: imports, caches
    parts: dict[str, list[float]] = {"simulate": [], "records": [], "digest": []}
    for r in range(args.reps):
        t0 = time.process_time()
        net = simulate(sc, r, sc.seed)
        t1 = time.process_time()
        obs = observe(net, r)
        result = ReplicationResult(
            r, sc.seed, obs.buyers, obs.lanes, obs.events, obs.drawn, obs.arrivals
        )
        t2 = time.process_time()
        digest(result, layout, keep)
        t3 = time.process_time()
        for k, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            parts[k].append(dt)
    events = count_events(sc, sc.seed)
    bare = statistics.median(bare_simpy(events, nodes, float(days)) for _ in range(5))
    med = {k: statistics.median(v) for k, v in parts.items()}
    whole = statistics.median(sum(x) for x in zip(*parts.values(), strict=True))
    print(
        f"scenario            {sc.name}: {nodes} nodes, {len(sc.commodities)} commodities, {days} days"
    )
    print(f"replications        {args.reps} (median CPU time; time series {args.timeseries})")
    print(f"simulate            {med['simulate'] * 1000:8.1f} ms/replication")
    print(f"records             {med['records'] * 1000:8.1f} ms/replication")
    print(f"digest              {med['digest'] * 1000:8.1f} ms/replication")
    extra = (med["records"] + med["digest"]) / med["simulate"]
    print(f"records + digest    {100 * extra:8.1f} % of simulate   (target ≤ 10 %)")
    print(f"whole path          {whole * 1000:8.1f} ms/replication   (target ≤ 50 ms baseline)")
    print(f"node-days/s         {nodes * days / whole:12,.0f}   (whole path)")
    print(f"SimPy events/rep    {events:12,d}")
    print(f"events/node-day     {events / (nodes * days):12.3f}")
    print(f"bare SimPy loop     {bare * 1000:8.1f} ms for the same event count")
    print(f"ratio simulate/bare {med['simulate'] / bare:8.1f}×")


if __name__ == "__main__":
    main()
