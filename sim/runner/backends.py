"""Run batches on a backend and hand results over strictly in replication order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Protocol

from sim.runner.batches import Batch, Job, run_batch, split
from sim.runner.dask import DaskBackend
from sim.runner.local import LocalBackend, cpu_count

Progress = Callable[[int, int | None], None]


class Backend(Protocol):
    """Runs tasks somewhere (this process, local workers, a Dask cluster), in any order."""

    @property
    def workers(self) -> int:
        """How many tasks run at once."""

    def map_unordered(self, fn: Callable[[Any], Any], items: Any) -> Any:
        """Yield `(item, fn(item))` for every item as tasks finish."""

    def close(self, abort: bool = False) -> None:
        """Release the workers (`abort`: cancel what is still running)."""


def backend_for(workers: int | None, scheduler: Any = None) -> Backend:
    """Dask when a scheduler is given, else local processes (`None`: one per core)."""
    if scheduler is not None:
        return DaskBackend(scheduler)
    return LocalBackend(cpu_count() if workers is None else workers)


def execute(
    job: Job,
    start: int,
    stop: int,
    size: int,
    backend: Backend,
    fold: Callable[[Any], bool],
    progress: Progress | None = None,
    total: int | None = None,
) -> int:
    """Run replications `start` … `stop - 1` in batches of `size`, calling `fold(result)` for
    each in replication order until it returns True (stop early) or all are folded.
    Returns how many were folded."""
    stopped = False

    def batches() -> Iterator[Batch]:
        for b in split(start, stop, size):
            if stopped:
                return
            yield b

    waiting: dict[int, tuple[Batch, list[Any]]] = {}
    nxt, folded, finished = start, 0, 0
    results = backend.map_unordered(partial(run_batch, job), batches())
    try:
        for batch, out in results:
            waiting[batch.start] = (batch, out)
            finished += len(batch)
            while nxt in waiting and not stopped:
                b, res = waiting.pop(nxt)
                for r in res:
                    folded += 1
                    if fold(r):
                        stopped = True
                        break
                nxt = b.stop
            if progress is not None:
                progress(folded if stopped else min(finished, total or finished), total)
            if stopped or nxt >= stop:
                break
    finally:
        results.close()
    return folded
