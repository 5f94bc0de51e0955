"""Resilience metrics: pure functions from daily records to tables.

Per buyer × commodity over the horizon:
- `demand_t`, `shortage_t`: totals; `fill_rate` = 1 − shortage / demand.
- `max_shortfall_frac`: the largest share of a day's demand left unmet.
- `tts_days`: days from the start to the first day with a shortage (empty if none).
- `ttr_days`: days from that first shortage day to recovery, i.e. to the first day after which
  no shortage occurs again (empty if no shortage, or if still short at the end of the horizon).
- `shortage_days`: number of days with a shortage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
