"""Replications on a Dask distributed cluster (optional extra: `pip install 'minsim[dask]'`).

Each batch is one task. Tasks are pure, so a task whose worker dies is simply run again
elsewhere by the scheduler, with identical results.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

INSTALL_HINT = "pip install 'minsim[dask]'"


class MissingExtra(RuntimeError):
    """An optional dependency is not installed."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtra(
            f"--scheduler needs Dask distributed, which is not installed: {INSTALL_HINT}"
        ) from None
    return distributed


class DaskBackend:
    """Runs tasks on the cluster at `scheduler` (an address such as tcp://host:8786, or an
    existing `distributed.Client`)."""

    def __init__(self, scheduler: Any) -> None:
        dist = _distributed()
        self._dist = dist
        self._own = not isinstance(scheduler, dist.Client)
        self.client = dist.Client(scheduler) if self._own else scheduler
        self._pending: dict[Any, Any] = {}
        self._prefix = f"minsim-{uuid.uuid4().hex[:12]}"

    @property
    def workers(self) -> int:
        """Threads of the cluster's workers."""
        return max(1, int(sum(self.client.nthreads().values())))

    def map_unordered(
        self, fn: Callable[[Any], Any], items: Iterable[Any]
    ) -> Iterator[tuple[Any, Any]]:
        """Yield `(item, fn(item))` as tasks finish, at most 2 × threads + 1 in flight."""
        todo = iter(items)
        n, window = 0, 2 * self.workers + 1
        while True:
            while len(self._pending) < window:
                item = next(todo, None)
                if item is None:
                    break
                key = f"{self._prefix}-{n}"
                n += 1
                self._pending[self.client.submit(fn, item, key=key, pure=False)] = item
            if not self._pending:
                return
            done = self._dist.wait(list(self._pending), return_when="FIRST_COMPLETED").done
            for f in sorted(done, key=lambda f: f.key):
                item = self._pending.pop(f)
                result = f.result()
                f.release()
                yield item, result

    def close(self, abort: bool = False) -> None:
        """Close the client (`abort`: cancel pending tasks first)."""
        if self._pending:
            self.client.cancel(list(self._pending))
            self._pending.clear()
        if self._own:
            self.client.close()
