"""Batches of consecutive replications, and the picklable function that runs one batch."""

from __future__ import annotations

import math
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from sim.results.digest import Digest, Layout, digest
from sim.results.records import ReplicationResult
from sim.runner.replicate import run_one
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

MAX_BATCH = 8  # replications per task, at most (short tasks keep the tail short)
TASKS_PER_WORKER = 16  # aim for at least this many tasks per worker (load balance)


@dataclass(frozen=True)
class Batch:
    """Replications `start` … `stop - 1`."""

    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class Job:
    """What every batch of a run shares. With a `layout`, batches return `Digest`s for the
    streaming writer; without, full `ReplicationResult`s."""

    scenario: Scenario
    seed: int
    layout: Layout | None = None
    timeseries: bool = False


class ReplicationError(RuntimeError):
    """A replication raised; carries its index and seed, and the worker's traceback."""

    def __init__(self, replication: int, seed: int, message: str, detail: str = "") -> None:
        super().__init__(f"replication {replication} (seed {seed}) failed: {message}")
        self.replication, self.seed, self.message, self.detail = replication, seed, message, detail

    def __reduce__(self) -> tuple[type, tuple[int, int, str, str]]:
        return (type(self), (self.replication, self.seed, self.message, self.detail))


def run_batch(job: Job, batch: Batch) -> list[ReplicationResult] | list[Digest]:
    """Run the replications of `batch`; the same inputs give the same results anywhere."""
    out = []
    for r in range(batch.start, batch.stop):
        try:
            result = run_one(job.scenario, r, job.seed)
        except ScenarioError:
            raise  # a drawn value outside its domain: a problem of the scenario, exit 2
        except Exception as exc:
            msg = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
            raise ReplicationError(r, job.seed, msg, traceback.format_exc()) from exc
        out.append(result if job.layout is None else digest(result, job.layout, job.timeseries))
    return out  # type: ignore[return-value]


def batch_size(reps: int, workers: int) -> int:
    """Replications per task: enough tasks to keep every worker busy, few enough to amortise
    sending the scenario and results. Does not affect results."""
    return max(1, min(MAX_BATCH, math.ceil(reps / (TASKS_PER_WORKER * max(1, workers)))))


def split(start: int, stop: int, size: int) -> Iterator[Batch]:
    """Batches of at most `size` replications covering `start` … `stop - 1`."""
    for a in range(start, stop, size):
        yield Batch(a, min(a + size, stop))
