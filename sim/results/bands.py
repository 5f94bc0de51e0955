"""Ensemble bands and country flows: the tables figures and reports are drawn from.

Same columns as the run directory's `bands.parquet` and `flows.parquet`, so a figure drawn from
an in-memory ensemble and one drawn from a written run are the same.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.results.keys import key_codes

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


FlowKey = tuple[str, str, str]  # origin_country, destination_country, commodity


def daily_flows(lanes: pd.DataFrame, days: int) -> dict[FlowKey, np.ndarray]:
    """Daily tonnes departing per origin country × destination country × commodity (summed over
    the rows, whatever replications they come from), days 0 … `days` − 1."""
    unique, code = key_codes(
        lanes["origin_country"], lanes["destination_country"], lanes["commodity"]
    )
    at = code * days + lanes["day"].to_numpy(dtype=np.int64)
    w = lanes["flow_t"].to_numpy(dtype=float)
    sums = np.bincount(at, weights=w, minlength=len(unique) * days).reshape(len(unique), days)
    return {(k[0], k[1], k[2]): sums[i] for i, k in enumerate(unique)}


def add_flows(total: dict[FlowKey, np.ndarray], flows: dict[FlowKey, np.ndarray]) -> None:
    """Add one replication's daily flows into `total` (the sum over replications so far)."""
    for key, flow in flows.items():
        if key in total:
            total[key] += flow
        else:
            total[key] = flow.astype(float)


def flow_rows(
    flows: dict[FlowKey, np.ndarray], reps: int
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """The rows of a flows table from daily totals over `reps` replications: day, the three key
    columns and the mean tonnes, days with no flow in any replication left out, sorted by day
    then key."""
    keys = sorted(flows)
    day_l, key_l, val_l = [], [], []
    for i, k in enumerate(keys):
        mean = flows[k] / max(reps, 1)
        nz = np.flatnonzero(mean)
        day_l.append(nz)
        key_l.append(np.full(len(nz), i))
        val_l.append(mean[nz])
    day = np.concatenate(day_l) if keys else np.zeros(0, dtype=np.int64)
    key = np.concatenate(key_l) if keys else np.zeros(0, dtype=np.int64)
    val = np.concatenate(val_l) if keys else np.zeros(0)
    order = np.lexsort((key, day))
    day, key, val = day[order], key[order], val[order]
    names = [np.array([k[j] for k in keys], dtype=object)[key] for j in range(3)]
    return day, names, val


def country_flows(lanes: pd.DataFrame, start: dt.date, reps: int) -> pd.DataFrame:
    """Daily tonnes shipped per origin country × destination country × commodity, mean over `reps`
    replications: summed one replication after the other, as a run directory's `flows.parquet`
    is, so both give the same table."""
    if lanes.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    days = int(lanes["day"].max()) + 1
    total: dict[FlowKey, np.ndarray] = {}
    if "replication" in lanes.columns:
        for _, one in lanes.groupby("replication", sort=True):
            add_flows(total, daily_flows(one, days))
    else:
        total = daily_flows(lanes, days)
    day, names, val = flow_rows(total, reps)
    cols = dict(zip(FLOW_COLUMNS[1:4], names, strict=True))
    return pd.DataFrame({"date": _dates(start, day), **cols, "flow_t": val})[FLOW_COLUMNS]


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
