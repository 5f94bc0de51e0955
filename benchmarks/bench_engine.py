"""Engine speed on a scenario (default: the 2025 baseline, three-year horizon).

Prints seconds per replication (median), simulated node-days per second, the number of SimPy
events per replication, and the time of a bare SimPy loop processing the same number of
timeout events in the same run, as a ratio. Target (DESIGN.md): ≤ 0.1 s per replication.

    python benchmarks/bench_engine.py [SCENARIO] [--reps N]
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
    args = ap.parse_args()
    from sim.runner import simulate

    sc = load_scenario(args.scenario)
    days = (sc.horizon.end - sc.horizon.start).days
    nodes = len(sc.facilities) + len(sc.buyers)
    simulate(sc, 0, sc.seed)  # warm-up: imports, caches
    sim_times, total_times = [], []
    for r in range(args.reps):
        t0 = time.perf_counter()
        net = simulate(sc, r, sc.seed)
        t1 = time.perf_counter()
        observe(net, r)
        t2 = time.perf_counter()
        sim_times.append(t1 - t0)
        total_times.append(t2 - t0)
    events = count_events(sc, sc.seed)
    bare = statistics.median(bare_simpy(events, nodes, float(days)) for _ in range(5))
    sim_med = statistics.median(sim_times)
    tot_med = statistics.median(total_times)
    print(
        f"scenario            {sc.name}: {nodes} nodes, {len(sc.commodities)} commodities, {days} days"
    )
    print(f"replications        {args.reps} (median figures)")
    print(f"simulate            {sim_med * 1000:8.1f} ms/replication")
    print(f"simulate + records  {tot_med * 1000:8.1f} ms/replication   (target ≤ 100 ms)")
    print(f"node-days/s         {nodes * days / sim_med:12,.0f}")
    print(f"SimPy events/rep    {events:12,d}")
    print(f"bare SimPy loop     {bare * 1000:8.1f} ms for the same event count")
    print(f"ratio model / bare  {sim_med / bare:8.1f}×")


if __name__ == "__main__":
    main()
