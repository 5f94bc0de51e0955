"""Replications: a pure, picklable `run_one`, and `run` over an ensemble."""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.clock import Calendar
from sim.engine.context import Context
from sim.model.network import Network
from sim.results.conservation import ConservationError, check
from sim.results.records import Ensemble, ReplicationResult, collect
from sim.scenario.schema import Scenario


def simulate(scenario: Scenario, replication: int, seed: int) -> Network:
    """Build and run one replication; returns the finished network (for tests and tools)."""
    calendar = Calendar(scenario.horizon.start, scenario.horizon.end)
    ctx = Context.create(calendar, seed, replication)
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
    progress: Callable[[int, int], None] | None = None,
) -> Ensemble:
    """Run `reps` replications with root seed `seed` (default: the scenario's)."""
    root = scenario.seed if seed is None else int(seed)
    results = []
    for r in range(reps):
        results.append(run_one(scenario, r, root))
        if progress is not None:
            progress(r + 1, reps)
    return Ensemble(scenario.name, scenario.horizon.start, root, tuple(results))
