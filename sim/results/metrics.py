"""Resilience metrics: pure functions from records to tables, per replication and across the
ensemble.

Per replication, per buyer × commodity over the horizon (`summarise`):
- `demand_t`, `shortage_t`: totals; `fill_rate` = 1 − shortage / demand.
- `max_shortfall_frac`: the largest share of a day's demand left unmet.
- `tts_days`: days from the start to the first day with a shortage (empty if none).
- `ttr_days`: days from that first shortage day to recovery, i.e. to the first day after which
  no shortage occurs again (empty if no shortage, or if still short at the end of the horizon).
- `shortage_days`: number of days with a shortage.

Across replications (`replication_metrics`, `overall`, `ensemble_metrics`): the shortage as a
share of demand, overall totals, mean, median and 90 % interval, exceedance probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.results.stats import describe

SUMMARY_METRICS = (
    "demand_t",
    "shortage_t",
    "fill_rate",
    "max_shortfall_frac",
    "tts_days",
    "ttr_days",
    "shortage_days",
)


def shortage_mask(demand: np.ndarray, shortage: np.ndarray) -> np.ndarray:
    """Days that count as short: unmet demand above rounding noise."""
    return shortage > 1e-9 + 1e-6 * demand


def point_metrics(demand: np.ndarray, shortage: np.ndarray) -> dict[str, float]:
    """Metrics of one daily demand/shortage series (day 0 first)."""
    total_d = float(demand.sum())
    total_s = float(shortage.sum())
    short = shortage_mask(demand, shortage)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(demand > 0, shortage / demand, 0.0)
    if short.any():
        days = np.flatnonzero(short)
        first, last = int(days[0]), int(days[-1])
        tts = float(first)
        ttr = float(last + 1 - first) if last < len(demand) - 1 else float("nan")
    else:
        tts = ttr = float("nan")
    return {
        "demand_t": total_d,
        "shortage_t": total_s,
        "fill_rate": 1.0 - total_s / total_d if total_d > 0 else 1.0,
        "max_shortfall_frac": float(min(1.0, frac.max())) if len(frac) else 0.0,
        "tts_days": tts,
        "ttr_days": ttr,
        "shortage_days": float(short.sum()),
    }


def summarise(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per replication × buyer × commodity from daily buyer records
    (columns replication, buyer, commodity, day, demand_t, shortage_t)."""
    rows = []
    keys = ["replication", "buyer", "commodity"]
    for key, g in daily.sort_values([*keys, "day"]).groupby(keys, sort=True):
        m = point_metrics(g["demand_t"].to_numpy(), g["shortage_t"].to_numpy())
        rows.append({**dict(zip(keys, key, strict=True)), **m})
    return pd.DataFrame(rows, columns=[*keys, *SUMMARY_METRICS])


KEYS = ["buyer", "commodity"]
ALL = "(all)"

#: Metrics reported across the ensemble, in display order.
ENSEMBLE_METRICS = ("shortage_pct", *SUMMARY_METRICS[1:], "short")


def replication_metrics(summary_or_buyers: pd.DataFrame) -> pd.DataFrame:
    """Per replication × buyer × commodity: the summary metrics plus `shortage_pct` (shortage as
    % of demand) and `short` (1 if any day was short, else 0).

    Accepts a summary table (as `Ensemble.summary` / summary.csv) or daily buyer records.
    """
    s = summary_or_buyers
    if "day" in s.columns:
        s = summarise(s)
    s = s.copy()
    s["shortage_pct"] = np.where(s["demand_t"] > 0, 100.0 * s["shortage_t"] / s["demand_t"], 0.0)
    s["short"] = (s["shortage_days"] > 0).astype(float)
    return s


def overall(metrics: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Totals per replication (and per `by` column, e.g. "buyer"): shortage and demand summed over
    the rest, `shortage_pct` = 100 × Σ shortage / Σ demand, `fill_rate` = 1 − Σ shortage / Σ demand."""
    keys = ["replication"] + ([by] if by else [])
    extra = [c for c in ("scenario", "variant") if c in metrics.columns]
    g = metrics.groupby(extra + keys, sort=True)[["demand_t", "shortage_t"]].sum().reset_index()
    frac = np.where(g["demand_t"] > 0, g["shortage_t"] / g["demand_t"], 0.0)
    g["shortage_pct"] = 100.0 * frac
    g["fill_rate"] = 1.0 - frac
    for k in KEYS:
        if k not in g.columns:
            g[k] = ALL
    return g


def ensemble_metrics(
    metrics: pd.DataFrame, names: tuple[str, ...] = ENSEMBLE_METRICS
) -> pd.DataFrame:
    """Across replications, per buyer × commodity × metric: mean, median (p50), 90 % interval
    (p05, p95) and n, the number of replications where the metric is defined (time to first
    shortage and time to recovery are undefined in replications without a shortage, or without
    recovery before the horizon)."""
    rows = []
    extra = [c for c in ("scenario", "variant") if c in metrics.columns]
    for key, g in metrics.groupby(extra + KEYS, sort=True):
        ids = dict(zip(extra + KEYS, key, strict=True))
        total = ALL in (ids["buyer"], ids["commodity"])
        for name in names:
            if name in g.columns and not (total and g[name].isna().all()):
                rows.append({**ids, "metric": name, **describe(g[name].to_numpy())})
    return pd.DataFrame(rows, columns=[*extra, *KEYS, "metric", "mean", "p50", "p05", "p95", "n"])


def daily_from_timeseries(ts: pd.DataFrame) -> pd.DataFrame:
    """Daily buyer records (with `day` from the horizon start) from a run directory's
    timeseries table, whose rows carry a `date` and a `record` kind."""
    b = ts[ts["record"] == "buyer"] if "record" in ts.columns else ts
    if "day" in b.columns:
        return b
    dates = pd.to_datetime(b["date"])
    return b.assign(day=(dates - dates.min()).dt.days.astype(int))


def rolling_share(buyers: pd.DataFrame, window: int = 1) -> pd.DataFrame:
    """Daily records with `share`: shortage over the last `window` days as a fraction of demand
    over the same days (0 where there was no demand)."""
    b = daily_from_timeseries(buyers).sort_values(["buyer", "commodity", "replication", "day"])
    g = b.groupby(["buyer", "commodity", "replication"], sort=False)
    short = g["shortage_t"].transform(lambda s: s.rolling(window, min_periods=1).sum())
    dem = g["demand_t"].transform(lambda s: s.rolling(window, min_periods=1).sum())
    share = np.where(dem > 0, short / dem.where(dem > 0, 1.0), 0.0)
    return b.assign(share=share)


def exceedance_curve(buyers: pd.DataFrame, threshold_pct: float, window: int = 1) -> pd.DataFrame:
    """P(shortage has exceeded `threshold_pct` % of demand on some day up to each day).

    Shortage and demand are summed over the last `window` days (1 = daily). Returns buyer,
    commodity, day, probability (share of replications; non-decreasing in day).
    """
    b = rolling_share(buyers, window)
    b["hit"] = (b["share"] > threshold_pct / 100.0).astype(float)
    b["ever"] = b.groupby(["buyer", "commodity", "replication"], sort=False)["hit"].cummax()
    p = b.groupby(["buyer", "commodity", "day"], sort=True)["ever"].mean()
    return p.rename("probability").reset_index()


def exceedance_probability(
    buyers: pd.DataFrame, threshold_pct: float, by_day: int, window: int = 1
) -> pd.DataFrame:
    """P(shortage exceeds `threshold_pct` % of demand on some day ≤ `by_day`) per buyer ×
    commodity (see `exceedance_curve`)."""
    daily = daily_from_timeseries(buyers)
    c = exceedance_curve(daily[daily["day"] <= by_day], threshold_pct, window)
    last = c.sort_values("day").groupby(KEYS, sort=True).tail(1)
    return last[[*KEYS, "probability"]].sort_values(KEYS).reset_index(drop=True)
