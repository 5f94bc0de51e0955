"""`--reps auto`: add replications until the mean total shortage of every buyer is known to a
relative precision.

After `MIN_REPS` replications and then every `ROUND` more (in replication order, so the answer
does not depend on how the work was split), each buyer's total shortage over the horizon (t, all
its commodities) across replications gets a 95 % Student-t half-width h. A buyer has converged
when h ≤ P × |mean| or h ≤ `FLOOR_T` (so a buyer that is never short, h = 0, converges; so
does one whose shortage is negligible in absolute terms). The run stops when all buyers have
converged, or at the cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.results.stats import t975

MIN_REPS = 20
ROUND = 20
FLOOR_T = 1e-3  # tonnes: a half-width below one kilogram counts as converged


def half_widths(totals: np.ndarray) -> np.ndarray:
    """95 % t-interval half-width of the mean of each column of `totals` [reps, buyers]."""
    n = totals.shape[0]
    if n < 2:
        return np.full(totals.shape[1], np.inf)
    return np.asarray(t975(n - 1) * totals.std(axis=0, ddof=1) / math.sqrt(n))


@dataclass(frozen=True)
class Precision:
    """Stop rule for `--reps auto --precision P --max-reps M`."""

    relative: float
    max_reps: int

    def is_check(self, n: int) -> bool:
        """Whether to test convergence after `n` replications."""
        return n >= self.max_reps or (n >= MIN_REPS and (n - MIN_REPS) % ROUND == 0)

    def converged(self, totals: np.ndarray) -> bool:
        """Whether every buyer's mean total shortage is known within the precision."""
        h = half_widths(totals)
        mean = np.abs(totals.mean(axis=0))
        return bool(np.all((h <= self.relative * mean) | (h <= FLOOR_T)))

    def shortfall(self, totals: np.ndarray) -> tuple[float, list[int]]:
        """The widest relative half-width (h / |mean|, 0 where h ≤ `FLOOR_T`) and the columns
        that have not converged."""
        h = half_widths(totals)
        mean = np.abs(totals.mean(axis=0)) if totals.shape[0] else np.zeros(totals.shape[1])
        ok = (h <= self.relative * mean) | (h <= FLOOR_T)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(h <= FLOOR_T, 0.0, h / mean)
        worst = float(rel.max()) if rel.size else 0.0
        return worst, [int(i) for i in np.flatnonzero(~ok)]

    def done(self, totals: np.ndarray) -> bool:
        """Whether to stop after these replications (called after each one)."""
        n = totals.shape[0]
        return self.is_check(n) and (n >= self.max_reps or self.converged(totals))
