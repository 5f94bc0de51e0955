"""From cached replications to what the page shows: fan bands of the monthly shortage, paired
differences variant − base with their 95 % intervals, and headlines in words.

Shares are shortage as a percentage of demand (0 where there is no demand). Paired differences
use the replications both runs have (same seeds, so the same random draws where they share
structure).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.results.bands import BAND_COLUMNS, QUANTILES
from sim.results.stats import describe, mean_ci, t975
from sim.workshop.outcomes import Months, Outcome, Series

#: A buyer × commodity runs short when its worst year's mean shortage exceeds this (% of demand).
SHORT_PCT = 0.5


def _share(shortage: np.ndarray, demand: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.divide(
        100.0 * shortage, demand, out=np.zeros_like(shortage), where=demand > 1e-12
    )
    return out


def monthly_pct(outcomes: Sequence[Outcome], i: int) -> np.ndarray:
    """[replication, month] shortage % of demand of series `i`."""
    return np.stack([_share(o.shortage_t[i], o.demand_t[i]) for o in outcomes])


def yearly_pct(
    outcomes: Sequence[Outcome], i: int, months: Months
) -> tuple[np.ndarray, np.ndarray]:
    """The calendar years and the [replication, year] shortage % of demand of series `i`."""
    years = np.unique(months.years)
    at = np.searchsorted(years, months.years)
    short = np.stack([np.bincount(at, o.shortage_t[i], len(years)) for o in outcomes])
    demand = np.stack([np.bincount(at, o.demand_t[i], len(years)) for o in outcomes])
    return years, _share(short, demand)


def horizon_pct(outcomes: Sequence[Outcome], i: int) -> np.ndarray:
    """[replication] shortage % of demand of series `i` over the horizon (as `minsim compare`'s
    `shortage_pct`)."""
    return np.array(
        [_share(o.total_shortage_t[i : i + 1], o.total_demand_t[i : i + 1])[0] for o in outcomes]
    )


def fan(outcomes: Sequence[Outcome], months: Months) -> pd.DataFrame:
    """A bands table (as `sim.results.bands`) of the monthly `shortage_frac`, one row per month ×
    buyer × commodity, so the run's fan-chart functions draw it."""
    frames = []
    for i, (buyer, commodity) in enumerate(outcomes[0].series):
        x = monthly_pct(outcomes, i) / 100.0
        q = np.percentile(x, list(QUANTILES.values()), axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "date": pd.to_datetime(months.dates),
                    "buyer": buyer,
                    "commodity": commodity,
                    "variable": "shortage_frac",
                    "mean": x.mean(axis=0),
                    **{k: q[j] for j, k in enumerate(QUANTILES)},
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[BAND_COLUMNS]


def paired(base: Sequence[Outcome], variant: Sequence[Outcome], i: int) -> pd.DataFrame:
    """Per month: mean of the paired differences variant − base of series `i`'s shortage %
    (points), with its 95 % t-interval, over the replications both have."""
    n = min(len(base), len(variant))
    d = monthly_pct(variant[:n], i) - monthly_pct(base[:n], i)
    mean = d.mean(axis=0)
    if n > 1:
        half = t975(n - 1) * d.std(axis=0, ddof=1) / math.sqrt(n)
    else:
        half = np.full_like(mean, np.nan)
    return pd.DataFrame({"mean": mean, "ci_low": mean - half, "ci_high": mean + half})


def horizon_differences(base: Sequence[Outcome], variant: Sequence[Outcome]) -> pd.DataFrame:
    """Per buyer × commodity: the paired difference of the horizon's shortage % (mean, 95 %
    interval, pairs), as the `shortage_pct` rows of `minsim compare`'s differences.csv."""
    n = min(len(base), len(variant))
    rows = []
    for i, (buyer, commodity) in enumerate(base[0].series):
        a, b = horizon_pct(base[:n], i), horizon_pct(variant[:n], i)
        mean, lo, hi = mean_ci(b - a)
        rows.append(
            {
                "buyer": buyer,
                "commodity": commodity,
                "mean": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Headline:
    """The variant's worst year for one buyer × commodity, and how it differs from the base."""

    series: Series
    year: int
    pct: float  # mean shortage % of demand in `year`
    low: float  # 5th percentile across replications
    high: float  # 95th percentile
    base_pct: float  # the base's mean in the same year
    points: float  # mean paired difference variant − base, points
    points_low: float  # its 95 % interval
    points_high: float
    reps: int

    def text(self, name: str) -> str:
        """The headline in words, e.g. "US defence NdFeB: 12 % short in 2027 [4–25 %],
        9 points more than base"."""
        head = f"{name}: {_pct(self.pct)} short in {self.year} [{_pct(self.low, False)}–{_pct(self.high)}]"
        return f"{head}, {_points(self.points, self.points_low, self.points_high)}"


def _pct(x: float, unit: bool = True) -> str:
    text = f"{x:.1f}" if 0 < abs(x) < 9.95 else f"{x:.0f}"
    return f"{text} %" if unit else text


def _points(mean: float, lo: float, hi: float) -> str:
    if not math.isfinite(mean) or abs(mean) < 0.05:
        return "as base"
    size = f"{abs(mean):.1f}" if abs(mean) < 9.95 else f"{abs(mean):.0f}"
    word = "more" if mean > 0 else "less"
    sure = (
        "" if not (math.isfinite(lo) and math.isfinite(hi)) or lo * hi > 0 else " (not significant)"
    )
    return f"{size} points {word} than base{sure}"


def headlines(
    base: Sequence[Outcome], variant: Sequence[Outcome], months: Months, limit: int = 4
) -> list[Headline]:
    """Headlines of the buyer × commodity pairs that run short in the base or the variant
    (worst year's mean above `SHORT_PCT`), the largest first, at most `limit`."""
    n = min(len(base), len(variant))
    if n == 0:
        return []
    found = []
    for i, series in enumerate(variant[0].series):
        years, v = yearly_pct(variant, i, months)
        _, b = yearly_pct(base, i, months)
        worst = int(np.argmax(np.maximum(v.mean(axis=0), b.mean(axis=0))))
        if max(v.mean(axis=0)[worst], b.mean(axis=0)[worst]) <= SHORT_PCT:
            continue
        spread = describe(v[:, worst])
        mean, lo, hi = mean_ci(v[:n, worst] - b[:n, worst])
        found.append(
            Headline(
                series,
                int(years[worst]),
                float(v[:, worst].mean()),
                spread["p05"],
                spread["p95"],
                float(b[:, worst].mean()),
                mean,
                lo,
                hi,
                n,
            )
        )
    found.sort(key=lambda h: (-max(h.pct, h.base_pct), h.series))
    return found[:limit]
