"""What the workshop keeps of one replication: monthly demand and shortage per buyer × commodity,
and the horizon totals of the run's summary (the numbers `minsim compare` differences)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.results.digest import BAND_VARIABLES, Digest, Layout

Series = tuple[str, str]  # buyer, commodity


@dataclass(frozen=True)
class Months:
    """The calendar months of a horizon and which month each day falls in."""

    labels: tuple[str, ...]  # YYYY-MM
    of_day: np.ndarray  # month index of each day

    @classmethod
    def of(cls, layout: Layout) -> Months:
        """The months of `layout`'s horizon."""
        labels, of_day = layout.months()
        return cls(tuple(labels), of_day)

    @property
    def dates(self) -> list[dt.date]:
        """The first day of each month."""
        return [dt.date(int(m[:4]), int(m[5:]), 1) for m in self.labels]

    @property
    def years(self) -> np.ndarray:
        """The calendar year of each month."""
        return np.array([int(m[:4]) for m in self.labels])


@dataclass(frozen=True)
class Outcome:
    """One replication of one resolved scenario, reduced for the page."""

    replication: int
    seed: int
    series: tuple[Series, ...]
    demand_t: np.ndarray  # [series, month]
    shortage_t: np.ndarray  # [series, month]
    total_demand_t: np.ndarray  # [series], summary.csv's demand_t
    total_shortage_t: np.ndarray  # [series], summary.csv's shortage_t


def outcome(d: Digest, layout: Layout, months: Months) -> Outcome:
    """Reduce a replication's digest to monthly demand and shortage per series."""
    n = len(months.labels)

    def monthly(variable: str) -> np.ndarray:
        daily = d.values[BAND_VARIABLES.index(variable)]
        return np.stack([np.bincount(months.of_day, weights=row, minlength=n) for row in daily])

    s = d.summary.set_index(["buyer", "commodity"])
    keys = list(layout.series)
    return Outcome(
        d.replication,
        d.seed,
        layout.series,
        monthly("demand_t"),
        monthly("shortage_t"),
        s.loc[keys, "demand_t"].to_numpy(dtype=float),
        s.loc[keys, "shortage_t"].to_numpy(dtype=float),
    )
