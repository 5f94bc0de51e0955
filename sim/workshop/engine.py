"""The workshop's engine: the base scenario and its levers, a warm pool of workers, and a cache of
replications by (resolved-scenario hash, root seed, replication).

A variant is the scenario file loaded with the base's `--set` values plus one `--set` per lever
moved away from its default, so it is validated and located like any other scenario. Runs go
through `sim.runner` (batches on a local process pool, results folded in replication order); a
background thread works through the requested scenarios a chunk of replications at a time,
the one with the fewest replications first, so base and variant sharpen together and a new
request takes over at the next replication. Every replication uses the same root seed, so base
and variants see common random numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.results.digest import Digest, Layout
from sim.runner.backends import Backend, backend_for, execute
from sim.runner.batches import Job
from sim.runner.inputs import value_text
from sim.scenario.levers import Lever
from sim.scenario.loader import LoadedScenario, load
from sim.workshop.outcomes import Months, Outcome, outcome

DEFAULT_REPS = 100  # replications of each scenario the page aims for


class LeverError(ValueError):
    """Lever positions that do not make a scenario; the message says which and why."""


@dataclass(frozen=True)
class Variant:
    """The scenario with some levers moved: `moved` holds (lever name, position) in lever order."""

    moved: tuple[tuple[str, Any], ...]
    loaded: LoadedScenario

    @property
    def key(self) -> str:
        """The resolved scenario's hash."""
        return self.loaded.sha256

    @property
    def is_base(self) -> bool:
        """True when no lever is moved."""
        return not self.moved


class Workshop:
    """Base scenario, levers, warm workers and the replication cache shared by every page.

    `workers` local processes (`None`: one per core; 1: in the background thread), `reps`
    replications per scenario, root `seed` (default: the scenario's)."""

    def __init__(
        self,
        path: str | Path,
        sets: Sequence[str] = (),
        *,
        reps: int = DEFAULT_REPS,
        seed: int | None = None,
        workers: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.sets = tuple(sets)
        base = load(self.path, self.sets)
        self.base = Variant((), base)
        self.levers: dict[str, Lever] = dict(base.scenario.levers)
        self.reps = int(reps)
        self.seed = base.scenario.seed if seed is None else int(seed)
        self.layout = Layout.of(base.scenario)
        self.months = Months.of(self.layout)
        self._backend: Backend = backend_for(workers)
        self._cache: dict[tuple[str, int, int], Outcome] = {}
        self._jobs: dict[str, Job] = {}
        self._wanted: list[Variant] = []
        self._errors: dict[str, str] = {}
        self._generation = 0
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="minsim-workshop", daemon=True)
        self._thread.start()
        self.request(self.base)

    @property
    def workers(self) -> int:
        """How many replications run at once."""
        return self._backend.workers

    def defaults(self) -> dict[str, Any]:
        """Every lever at the position that describes the scenario as written."""
        return {name: lever.default for name, lever in self.levers.items()}

    def variant(self, positions: Mapping[str, Any]) -> Variant:
        """The scenario with levers at `positions` (lever name → position; levers not named stay
        at their default). Raises `LeverError` for an unknown lever, a position the lever does
        not have or a scenario that does not validate."""
        moved, sets = [], []
        problems = [f"unknown lever {name!r}" for name in positions if name not in self.levers]
        for name, lever in self.levers.items():
            position = positions.get(name, lever.default)
            if lever.at_default(position):
                continue
            try:
                value = lever.value(position)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            moved.append((name, position))
            sets.append(f"{lever.key}={value_text(value)}")
        if problems:
            raise LeverError("; ".join(problems))
        if not moved:
            return self.base
        try:
            loaded = load(self.path, [*self.sets, *sets])
        except Exception as exc:  # ScenarioError: every problem, located at --set
            raise LeverError(f"these lever positions do not make a valid scenario: {exc}") from exc
        if Layout.of(loaded.scenario).series != self.layout.series:
            raise LeverError("these lever positions change which buyers and commodities exist")
        return Variant(tuple(moved), loaded)

    def request(self, *variants: Variant) -> None:
        """Work on `variants` (and the base) until each has `reps` replications; replaces the
        previous request, whose finished replications stay cached."""
        wanted = list({v.key: v for v in [*variants, self.base]}.values())
        with self._cond:
            self._wanted = wanted
            self._generation += 1
            for v in wanted:
                self._errors.pop(v.key, None)
            self._cond.notify_all()

    def outcomes(self, variant: Variant) -> list[Outcome]:
        """The cached replications 0, 1, … of `variant` (as many as are done in a row)."""
        out: list[Outcome] = []
        with self._cond:
            while (o := self._cache.get((variant.key, self.seed, len(out)))) is not None:
                out.append(o)
        return out

    def error(self, variant: Variant) -> str | None:
        """Why the runs of `variant` stopped, if they failed."""
        with self._cond:
            return self._errors.get(variant.key)

    def busy(self) -> bool:
        """True while requested scenarios still lack replications."""
        with self._cond:
            return self._next() is not None

    def close(self) -> None:
        """Stop the background thread and the workers."""
        with self._cond:
            self._closed = True
            self._generation += 1
            self._cond.notify_all()
        self._thread.join(timeout=60)
        self._backend.close(abort=True)

    def _count(self, v: Variant) -> int:
        n = 0
        while (v.key, self.seed, n) in self._cache:
            n += 1
        return n

    def _next(self) -> tuple[Variant, int, int] | None:
        todo = [
            (self._count(v), i, v)
            for i, v in enumerate(self._wanted)
            if v.key not in self._errors and self._count(v) < self.reps
        ]
        if not todo:
            return None
        done, _, v = min(todo, key=lambda t: (t[0], t[1]))
        chunk = 2 * self.workers if done == 0 else max(10, 5 * self.workers)
        return v, done, min(self.reps, done + chunk)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (task := self._next()) is None:
                    self._cond.wait()
                if self._closed:
                    return
                generation = self._generation
            assert task is not None
            variant, start, stop = task
            self._run(variant, start, stop, generation)

    def _run(self, variant: Variant, start: int, stop: int, generation: int) -> None:
        job = self._jobs.setdefault(
            variant.key, Job(variant.loaded.scenario, self.seed, Layout.of(variant.loaded.scenario))
        )

        def keep(d: Digest) -> bool:
            o = outcome(d, job.layout or self.layout, self.months)
            with self._cond:
                self._cache[(variant.key, self.seed, d.replication)] = o
                return self._generation != generation or self._closed

        size = 1 if start < 2 * self.workers else 2
        try:
            execute(job, start, stop, size, self._backend, keep)
        except Exception as exc:
            with self._cond:
                self._errors[variant.key] = f"{type(exc).__name__}: {exc}".splitlines()[0]
