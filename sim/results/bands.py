"""Ensemble bands and country flows: the tables figures and reports are drawn from.

Same columns as the run directory's `bands.parquet` and `flows.parquet`, so a figure drawn from
an in-memory ensemble and one drawn from a written run are the same.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

#: Variables in a bands table, with their units.
VARIABLES = {
    "shortage_t": "t/day",
    "shortage_frac": "fraction of demand",
    "inventory_t": "t",
    "days_of_cover": "days",
    "delivered_t": "t/day",
    "demand_t": "t/day",
}
QUANTILES = {"p05": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95}
BAND_COLUMNS = ["date", "buyer", "commodity", "variable", "mean", *QUANTILES]
FLOW_COLUMNS = ["date", "origin_country", "destination_country", "commodity", "flow_t"]


def _dates(start: dt.date, days: np.ndarray) -> pd.Series:
    return pd.Timestamp(start) + pd.to_timedelta(np.asarray(days), unit="D")


def bands(buyers: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Mean and quantiles across replications of each daily buyer variable, per date × buyer ×
    commodity. `shortage_frac` is the day's shortage / demand (0 on days without demand);
    `days_of_cover` quantiles ignore days without demand (NaN)."""
    b = buyers.assign(
        shortage_frac=np.where(
            buyers["demand_t"] > 0,
            buyers["shortage_t"] / buyers["demand_t"].where(buyers["demand_t"] > 0, 1.0),
            0.0,
        )
    ).sort_values(["buyer", "commodity", "replication", "day"])
    frames = []
    for (buyer, commodity), g in b.groupby(["buyer", "commodity"], sort=True):
        days = np.sort(g["day"].unique())
        reps = g["replication"].nunique()
        for var in VARIABLES:
            x = g[var].to_numpy(dtype=float).reshape(reps, len(days))
            with np.errstate(all="ignore"):
                defined = np.isfinite(x).any(axis=0)
                safe = np.where(defined[None, :], x, 0.0)  # all-NaN days: NaN below
                q = np.nanpercentile(safe, list(QUANTILES.values()), axis=0)
                mean = np.nanmean(safe, axis=0)
            frame = pd.DataFrame(
                {
                    "date": _dates(start, days),
                    "buyer": buyer,
                    "commodity": commodity,
                    "variable": var,
                    "mean": np.where(defined, mean, np.nan),
                    **{k: np.where(defined, q[i], np.nan) for i, k in enumerate(QUANTILES)},
                }
            )
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)[BAND_COLUMNS]


def country_flows(lanes: pd.DataFrame, start: dt.date, reps: int) -> pd.DataFrame:
    """Daily tonnes shipped per origin country × destination country × commodity, mean over `reps`
    replications (days without a shipment count as zero)."""
    if lanes.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    keys = ["day", "origin_country", "destination_country", "commodity"]
    f = lanes.groupby(keys, sort=True)["flow_t"].sum().reset_index()
    f["flow_t"] = f["flow_t"] / reps
    f.insert(0, "date", _dates(start, f["day"].to_numpy()))
    return f[FLOW_COLUMNS]


def band(table: pd.DataFrame, buyer: str, commodity: str, variable: str) -> pd.DataFrame:
    """Rows of one buyer × commodity × variable, by date."""
    sel = (
        (table["buyer"] == buyer)
        & (table["commodity"] == commodity)
        & (table["variable"] == variable)
    )
    out = table[sel].sort_values("date").copy()
    out["date"] = pd.to_datetime(out["date"])
    return out
