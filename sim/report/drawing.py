"""The PNGs of a report's figures: drawn in this process when embedded, or ahead, concurrently,
in worker processes that read the output directory themselves (the same bytes either way)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from sim.plotting.common import png_bytes
from sim.report.figures import FIGURES, FigureSpec, marks, shown
from sim.report.first_screen import first_figure
from sim.report.selected import select
from sim.results.io.reader import OutputDir, read_output_dir
from sim.results.selection import Selection
from sim.runner.local import process_pool

PRELOAD = ["sim.report.drawing"]


def report_figures(out: OutputDir) -> list[FigureSpec]:
    """The figures of a run, compare or sweep directory's report, the first screen's first."""
    first = first_figure(out, marks(out)) if out.kind == "run" else None
    rest = FIGURES[out.kind](out) if out.kind in FIGURES else []
    return [first, *rest] if first is not None else rest


class Drawings:
    """PNG bytes of figures by name; with `workers` > 1 they are drawn in a pool of that many
    processes, started at once (each loads the directory while this one builds the page)."""

    def __init__(self, path: str | Path, selection: Selection, workers: int) -> None:
        self._args = (str(path), selection)
        self._futures: dict[str, Future[bytes | None]] = {}
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = process_pool(workers, PRELOAD)
            for _ in range(workers):
                self._pool.submit(_warm, *self._args)

    def ahead(self, names: Iterable[str], figures: str = "all") -> None:
        """Start drawing those of `names` that `figures` shows, in this order, in the pool (none
        without a pool)."""
        if self._pool is not None:
            for name in (n for n in names if shown(n, figures)):
                self._futures[name] = self._pool.submit(_draw, *self._args, name)

    def png(self, spec: FigureSpec) -> bytes:
        """The PNG of `spec`: drawn ahead (waits for it), else drawn here."""
        future = self._futures.pop(spec.name, None)
        png = future.result() if future is not None else None
        return png if png is not None else png_bytes(spec.draw())

    def close(self) -> None:
        """Stop the pool; figures not yet collected are dropped."""
        pool, self._pool = self._pool, None
        self._futures.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_loaded: dict[tuple[str, Selection], OutputDir] = {}


def _load(path: str, selection: Selection) -> OutputDir:
    """The selected output directory, read once per worker process."""
    key = (path, selection)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = select(read_output_dir(path), selection)
    return _loaded[key]


def _warm(path: str, selection: Selection) -> None:
    _load(path, selection)


def _draw(path: str, selection: Selection, name: str) -> bytes | None:
    spec = next((s for s in report_figures(_load(path, selection)) if s.name == name), None)
    return None if spec is None else png_bytes(spec.draw())
