"""Replications in this process (one worker) or in local worker processes."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

PRELOAD = ["sim.runner.replicate", "sim.runner.batches"]


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


PARENT_CHECK_S = 1.0  # how often a worker checks that the process that started it is alive


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the main process, and end once it is gone (killed, say): a
    worker busy or waiting for work would otherwise run on with nowhere to send results."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(parent,), name="minsim-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while _alive(parent):
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def process_pool(workers: int, preload: list[str]) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forkserver with `preload` imported where available, else
    spawn) that ignore Ctrl-C and end once this process is gone."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(preload)
    return ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_start_worker, initargs=(os.getpid(),)
    )


class LocalBackend:
    """`workers` = 1 runs tasks here, one after the other; more use a process pool (forkserver
    where available, so no process is forked from a threaded parent)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[Future[Any], Any] = {}

    def map_unordered(
        self, fn: Callable[[Any], Any], items: Iterable[Any]
    ) -> Iterator[tuple[Any, Any]]:
        """Yield `(item, fn(item))` as tasks finish, at most 2 × workers in flight."""
        if self.workers == 1:
            for item in items:
                yield item, fn(item)
            return
        pool = self._start()
        todo = iter(items)
        window = 2 * self.workers
        try:
            while True:
                while len(self._pending) < window:
                    item = next(todo, None)
                    if item is None:
                        break
                    self._pending[pool.submit(fn, item)] = item
                if not self._pending:
                    return
                done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
                for f in done:
                    item = self._pending.pop(f)
                    yield item, f.result()
        finally:  # closed early: drop what is left, so the pool can serve the next call
            for f in self._pending:
                f.cancel()
            self._pending.clear()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = process_pool(self.workers, PRELOAD)
        return self._pool

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; with `abort` (interrupt, failure) stop running tasks too."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for f in self._pending:
            f.cancel()
        self._pending.clear()
        if abort:
            for p in list(getattr(pool, "_processes", {}).values()):  # no public API before 3.14
                p.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
