"""Immutable results of one replication and of an ensemble, as pandas tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sim.results.metrics import summarise


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication produced; picklable, never refers back to model objects."""

    replication: int
    seed: int
    buyers: pd.DataFrame  # replication, buyer, commodity, day, demand_t, delivered_t, ...
    lanes: pd.DataFrame  # replication, origin, destination, countries, commodity, day, flow_t
    events: pd.DataFrame  # replication, day, kind, subject, detail
    drawn: dict[str, float] = field(default_factory=dict)  # parameter key path -> drawn value
    arrivals: pd.DataFrame | None = None  # as `lanes`, tonnes by day of arrival
    # replication, commodity, region, day, index, price_usd_per_kg, unmet_share, held_back_t
    # (with `prices:`)
    prices: pd.DataFrame | None = None

    @property
    def summary(self) -> pd.DataFrame:
        """One row per buyer × commodity: the summary metrics (see `sim.results.metrics`)."""
        return summarise(self.buyers)


@dataclass(frozen=True)
class Ensemble:
    """All replications of one scenario run, ordered by replication."""

    scenario_name: str
    start: dt.date
    seed: int
    replications: tuple[ReplicationResult, ...]

    @property
    def buyers(self) -> pd.DataFrame:
        """Daily buyer records of every replication."""
        return pd.concat([r.buyers for r in self.replications], ignore_index=True)

    @property
    def lanes(self) -> pd.DataFrame:
        """Daily lane flows (by departure) of every replication."""
        return pd.concat([r.lanes for r in self.replications], ignore_index=True)

    @property
    def events(self) -> pd.DataFrame:
        """Events of every replication."""
        return pd.concat([r.events for r in self.replications], ignore_index=True)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per replication × buyer × commodity, with scenario and seed."""
        s = pd.concat([r.summary for r in self.replications], ignore_index=True)
        s.insert(0, "seed", self.seed)
        s.insert(0, "scenario", self.scenario_name)
        cols = ["scenario", "replication", "seed", "buyer", "commodity"]
        return s[cols + [c for c in s.columns if c not in cols]]

    def dates(self, days: pd.Series) -> pd.Series:
        """Calendar dates of day numbers."""
        return pd.to_datetime(self.start) + pd.to_timedelta(days, unit="D")
