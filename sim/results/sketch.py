"""Mean and quantiles per cell (date × buyer × commodity × variable) over any number of
replications, in memory that does not grow with the number of replications.

- **Mean**: exact float64 sum and count of defined (non-NaN) values, folded in replication order.
- **Quantiles, first `PILOT` replications**: every value is kept, quantiles are exact (numpy's
  default "linear" method over the defined values).
- **Quantiles, beyond `PILOT`**: a fixed-bin histogram per cell whose bins are set from the
  pilot: one bin for zeros (values ≤ `ZERO`, reported as exactly 0), `BINS` equal bins over the
  pilot's positive range widened by 25 % each side, and `TAIL` bins each side beyond it, each
  `RATIO` times wider than the last (the outermost ones open-ended), plus the exact minimum
  positive value and maximum of each cell. Quantiles are read by spreading each bin's values
  evenly over the bin (clipped to the exact minimum and maximum) and interpolating as numpy does.
  Inside the pilot's range the error is below one bin width (1.5 × the pilot range / `BINS`);
  a constant cell is exact; tails beyond the range are coarser.

Memory per cell: `PILOT` float64 while the pilot fills, then `NBINS` uint32 counts and four
float64; cells = 6 variables × series × days. State is a dict of arrays, so it checkpoints exactly.
Folding the same values in the same order gives the same bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PILOT = 64
BINS = 64  # equal bins over the pilot's range
TAIL = 12  # bins each side beyond it, each RATIO times wider than the previous
RATIO = 1.5
ZERO = 1e-9
WIDEN = 0.25
NBINS = 1 + 2 * TAIL + BINS  # zero bin first
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_CHUNK = 16384  # cells per step when reading quantiles (bounds temporary memory)


class BandSketch:
    """Streaming mean and quantiles of `cells` values per replication."""

    def __init__(self, cells: int, groups: np.ndarray | None = None) -> None:
        """`groups` (int per cell) groups cells that share a fallback range, e.g. one series
        and variable over all days: a cell whose pilot has no positive value uses its group's."""
        self.cells = cells
        self.groups = np.zeros(cells, dtype=np.int64) if groups is None else groups
        self.n = 0
        self.total = np.zeros(cells)
        self.count = np.zeros(cells, dtype=np.int64)
        self.pilot: list[np.ndarray] = []
        self.hist: dict[str, np.ndarray] | None = None
        self._scale: np.ndarray | None = None  # BINS / (hi - lo), cached

    def add(self, values: np.ndarray) -> None:
        """Fold one replication's values (float64, one per cell, NaN = undefined)."""
        defined = ~np.isnan(values)
        self.total += np.where(defined, values, 0.0)
        self.count += defined
        self.n += 1
        if self.hist is None and len(self.pilot) < PILOT:
            self.pilot.append(np.array(values, dtype=float))
            return
        if self.hist is None:
            self._start_histogram()
        self._count(values)

    def _start_histogram(self) -> None:
        lo, hi = np.full(self.cells, np.inf), np.zeros(self.cells)
        for row in self.pilot:  # row by row: no temporaries the size of the pilot
            positive = row > ZERO  # False for NaN
            np.minimum(lo, np.where(positive, row, np.inf), out=lo)
            np.maximum(hi, np.where(positive, row, 0.0), out=hi)
        has = hi > 0
        lo = np.where(has, lo, 0.0)
        span = hi - lo
        fallback = np.zeros(int(self.groups.max()) + 1)
        np.maximum.at(fallback, self.groups, hi)
        fallback = np.where(fallback > 0, fallback, 1.0)[self.groups]
        lo = np.where(has, np.maximum(0.0, lo - WIDEN * span), 0.0)
        hi = np.where(has, hi + WIDEN * span, fallback * (1 + WIDEN))
        hi = np.where(hi > lo, hi, lo * (1 + WIDEN) + ZERO)
        self.hist = {
            "lo": lo,
            "hi": hi,
            "counts": np.zeros((self.cells, NBINS), dtype=np.uint32),
            "vmin": np.full(self.cells, np.inf),
            "vmax": np.full(self.cells, -np.inf),
        }
        pilot, self.pilot = self.pilot, []
        while pilot:  # release each pilot row once counted
            self._count(pilot.pop(0))

    def _count(self, values: np.ndarray) -> None:
        h = self.hist
        assert h is not None
        lo, hi = h["lo"], h["hi"]
        if self._scale is None:
            self._scale = BINS / (hi - lo)
        with np.errstate(invalid="ignore"):  # NaN: undefined, not counted
            pos = values > ZERO
            defined = pos | (values <= ZERO)
            inner = pos & (values >= lo) & (values < hi)
            i = np.floor((values - lo) * self._scale)
            np.clip(i, 0, BINS - 1, out=i)
            idx = np.where(inner, i.astype(np.int64) + (1 + TAIL), 0)
            outer = np.flatnonzero(pos & ~inner)
            if len(outer):
                idx[outer] = _bin(values[outer], lo[outer], hi[outer])
            np.fmin(h["vmin"], np.where(pos, values, np.inf), out=h["vmin"])
            np.fmax(h["vmax"], values, out=h["vmax"])
        flat = np.flatnonzero(defined)
        h["counts"].reshape(-1)[flat * NBINS + idx[flat]] += np.uint32(1)

    # --- results ----------------------------------------------------------------------------
    def mean(self) -> np.ndarray:
        """The exact mean of every cell."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.total / np.maximum(self.count, 1), np.nan)

    def quantiles(self, qs: tuple[float, ...] = QUANTILES) -> np.ndarray:
        """Array [len(qs), cells]; NaN where a cell has no defined value."""
        out = np.empty((len(qs), self.cells))
        for a in range(0, self.cells, _CHUNK):
            sl = slice(a, min(a + _CHUNK, self.cells))
            kth = self._pilot_kth(sl) if self.hist is None else self._hist_kth(sl)
            n = self.count[sl]
            for i, q in enumerate(qs):
                h = q * np.maximum(n - 1, 0)
                below = np.floor(h).astype(np.int64)
                above = np.minimum(below + 1, np.maximum(n - 1, 0))
                x0, x1 = kth(below), kth(above)
                t = h - below
                d = x1 - x0
                x = np.where(t >= 0.5, x1 - d * (1 - t), x0 + d * t)  # numpy's lerp
                out[i, sl] = np.where(n > 0, x, np.nan)
        return out

    def _pilot_kth(self, sl: slice) -> Callable[[np.ndarray], np.ndarray]:
        ordered = np.sort(np.stack([p[sl] for p in self.pilot]), axis=0)  # NaN last
        cols = np.arange(ordered.shape[1])

        def kth(k: np.ndarray) -> np.ndarray:
            return np.asarray(ordered[np.minimum(k, len(ordered) - 1), cols])

        return kth

    def _hist_kth(self, sl: slice) -> Callable[[np.ndarray], np.ndarray]:
        h = self.hist
        assert h is not None
        counts = h["counts"][sl].astype(np.int64)
        cum = np.cumsum(counts, axis=1)
        lo, hi = h["lo"][sl], h["hi"][sl]
        vmin = np.where(np.isfinite(h["vmin"][sl]), h["vmin"][sl], 0.0)  # no positive value
        vmax = np.where(np.isfinite(h["vmax"][sl]), h["vmax"][sl], 0.0)  # no value
        rows = np.arange(counts.shape[0])

        def kth(k: np.ndarray) -> np.ndarray:
            j = (cum <= k[:, None]).sum(axis=1).clip(0, NBINS - 1)
            c = np.maximum(counts[rows, j], 1)
            rank = k - (cum[rows, j] - counts[rows, j])
            left = np.where(j == 1, vmin, _edge(j - 1 - TAIL, lo, hi))
            right = np.where(j == NBINS - 1, vmax, _edge(j - TAIL, lo, hi))
            left, right = np.clip(left, vmin, vmax), np.clip(right, vmin, vmax)
            right = np.maximum(left, right)
            x = left + (rank + 0.5) / c * (right - left)
            return np.where(j == 0, 0.0, x)

        return kth

    # --- checkpoints ---------------------------------------------------------------------------
    def state(self) -> dict[str, np.ndarray]:
        """Arrays that `restore` turns back into this sketch (for checkpoints)."""
        s = {"n": np.array(self.n), "total": self.total, "count": self.count}
        for i, row in enumerate(self.pilot):
            s[f"pilot_{i:04d}"] = row
        for k, v in (self.hist or {}).items():
            s[f"hist_{k}"] = v
        return s

    def restore(self, s: dict[str, np.ndarray]) -> None:
        """Continue from a saved `state`."""
        self.n = int(s["n"])
        self.total, self.count = np.array(s["total"]), np.array(s["count"])
        self.pilot = [np.array(s[k]) for k in sorted(s) if k.startswith("pilot_")]
        keys = [k for k in s if k.startswith("hist_")]
        self.hist = {k.removeprefix("hist_"): np.array(s[k]) for k in keys} or None
        self._scale = None


def _edge(i: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Left edge of bin `i` (0..BINS-1 equal bins over [lo, hi), negative and ≥ BINS: tails)."""
    w = (hi - lo) / BINS
    grow = w * (RATIO ** np.abs(np.where(i < 0, i, i - BINS)) - 1) / (RATIO - 1)
    edge = np.where(i > BINS, hi + grow, lo + np.minimum(i, BINS) * w)
    return np.asarray(np.where(i < 0, lo - grow, edge))


def _bin(v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Histogram index (1..NBINS-1) of positive values `v`: the inverse of `_edge`."""
    w = (hi - lo) / BINS
    with np.errstate(invalid="ignore", divide="ignore"):
        up = np.floor(np.log1p(np.maximum(v - hi, 0) * (RATIO - 1) / w) / np.log(RATIO))
        down = np.ceil(np.log1p(np.maximum(lo - v, 0) * (RATIO - 1) / w) / np.log(RATIO))
    i = np.where(v >= hi, BINS + up, np.where(v < lo, -down, np.floor((v - lo) / w)))
    return np.asarray(1 + TAIL + np.clip(i, -TAIL, BINS + TAIL - 1).astype(np.int64))
