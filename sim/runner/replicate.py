"""Replications: a pure, picklable `run_one`, and `run` over an ensemble."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.engine.clock import Calendar
from sim.engine.context import Context
from sim.model.network import Network
from sim.results.conservation import ConservationError, check
from sim.results.records import Ensemble, ReplicationResult, collect
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.execution.rundir import RunOutcome


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a replication runs: the model is one object graph
    that lives until the end of the run, so scanning it over and over while it grows only costs
    time (~15 %); it is collected as a whole afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def simulate(scenario: Scenario, replication: int, seed: int) -> Network:
    """Build and run one replication; returns the finished network (for tests and tools)."""
    calendar = Calendar(scenario.horizon.start, scenario.horizon.end)
    ctx = Context.create(calendar, seed, replication)
    with _no_cyclic_gc():
        network = Network(scenario, ctx)
        network.start()
        ctx.env.run(until=float(calendar.days))
        network.finish()
    violations = check(network)
    if violations:
        raise ConservationError(violations)
    return network


def run_one(scenario: Scenario, replication: int, seed: int) -> ReplicationResult:
    """One replication: same inputs, same result, whatever process runs it."""
    return collect(simulate(scenario, replication, seed), replication, seed)


def run(
    scenario: Scenario,
    reps: int = 1,
    seed: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    *,
    workers: int | None = 1,
    scheduler: Any = None,
    first: int = 0,
) -> Ensemble:
    """Run replications `first` … `first + reps - 1` with root seed `seed` (default: the
    scenario's) and keep them all in memory. `workers` local processes (`None`: one per core)
    or a Dask `scheduler` (address or `distributed.Client`); results are the same either way.
    For large ensembles written to disk in bounded memory, see `run_to_dir`."""
    from sim.execution.batches import Job, batch_size
    from sim.execution.driver import backend_for, execute

    root = scenario.seed if seed is None else int(seed)
    results: list[ReplicationResult] = []

    def keep(r: ReplicationResult) -> bool:
        results.append(r)
        return False

    backend = backend_for(workers, scheduler)
    try:
        size = batch_size(reps, backend.workers)
        execute(Job(scenario, root), first, first + reps, size, backend, keep, progress, reps)
    except BaseException:
        backend.close(abort=True)
        raise
    backend.close()
    return Ensemble(scenario.name, scenario.horizon.start, root, tuple(results))


def run_to_dir(scenario: Scenario, out: str | Path, **options: Any) -> RunOutcome:
    """Run an ensemble into output directory `out` in bounded memory (see
    `sim.execution.rundir.run_to_dir` for the options: reps, seed, workers, scheduler,
    timeseries, precision, max_reps, …)."""
    from sim.execution.rundir import run_to_dir as _run_to_dir

    return _run_to_dir(scenario, out, **options)


def resume(scenario: Scenario, out: str | Path, **options: Any) -> RunOutcome:
    """Continue the interrupted `run_to_dir` of `out` (options: workers, scheduler, progress)."""
    from sim.execution.rundir import resume as _resume

    return _resume(scenario, out, **options)
