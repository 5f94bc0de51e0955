"""The PNGs of a report's figures: drawn in this process when embedded, or ahead, concurrently,
in worker processes that read the output directory themselves (the same bytes either way)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sim.plotting.common import png_bytes
from sim.report.figures import FIGURES, FigureSpec, marks, shown
from sim.report.first_screen import first_figure
from sim.report.selected import select
from sim.results.io.contract import BANDS, FLOWS, MANIFEST, RESOLVED, SUMMARY
from sim.results.io.reader import OutputDir, read_output_dir
from sim.results.selection import Selection
from sim.runner.local import process_pool

PRELOAD = ["sim.report.drawing"]
#: The figures a run's report may have, the costliest first (drawn aside before it is read).
RUN_FIGURES = (
    "shortage_fan.png",
    "days_of_cover.png",
    "imports.png",
    "flows.png",
    "first_screen.png",
    "flows_shift.png",
)


def report_figures(out: OutputDir) -> list[FigureSpec]:
    """The figures of a run, compare or sweep directory's report, the first screen's first."""
    first = first_figure(out, marks(out)) if out.kind == "run" else None
    rest = FIGURES[out.kind](out) if out.kind in FIGURES else []
    return [first, *rest] if first is not None else rest


class Drawings:
    """PNG bytes of figures by name; with `workers` > 1, once started on a directory, they are
    drawn in a pool of that many processes (each loads the directory while this one builds
    the page, or, started aside, while it finishes the run)."""

    def __init__(self, selection: Selection, workers: int) -> None:
        self.selection, self.workers = selection, workers
        self._path = ""
        self._futures: dict[str, Future[bytes | None]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._snapshot: Path | None = None

    def start(self, path: str | Path, kind: str | None = None) -> None:
        """Start the pool on output directory `path` (unless started, or `workers` is 1, or
        the directory's kind has no figures here)."""
        if self._pool is not None or self.workers <= 1 or (kind or _kind(path)) not in FIGURES:
            return
        self._path = str(path)
        self._pool = process_pool(self.workers, PRELOAD)
        for _ in range(self.workers):
            self._pool.submit(_warm, self._path, self.selection)

    def aside(self, directory: Path, manifest: dict[str, Any], figures: str) -> None:
        """Start drawing the figures of a run directory still being written (with `manifest`),
        from a copy of the files they are drawn from (see `sim.runner.ensemble.TablesReady`)."""
        if self.workers <= 1 or figures == "none" or self._pool is not None:
            return
        self._snapshot = Path(tempfile.mkdtemp(prefix="minsim-figures-"))
        for name in (SUMMARY, BANDS, FLOWS, RESOLVED):
            if (directory / name).is_file():
                shutil.copyfile(directory / name, self._snapshot / name)
        (self._snapshot / MANIFEST).write_text(json.dumps(manifest, default=str), "utf-8")
        self.start(self._snapshot, str(manifest.get("kind", "run")))
        self.ahead(RUN_FIGURES, figures)

    def ahead(self, names: Iterable[str], figures: str = "all") -> None:
        """Start drawing those of `names` that `figures` shows, in this order, in the pool (none
        without a pool)."""
        if self._pool is not None:
            for name in (n for n in names if shown(n, figures) and n not in self._futures):
                self._futures[name] = self._pool.submit(_draw, self._path, self.selection, name)

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
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None


def _kind(path: str | Path) -> str:
    manifest = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    return str(manifest.get("kind", "run"))


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
