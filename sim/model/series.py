"""Daily series from the exact breakpoint traces of demand points and lanes."""

from __future__ import annotations

import numpy as np


def daily_from_trace(
    times: np.ndarray,
    cum_demand: np.ndarray,
    cum_shortage: np.ndarray,
    arrivals: np.ndarray,
    arrival_qty: np.ndarray,
    initial: float,
    days: int,
) -> dict[str, np.ndarray]:
    """Demand, shortage, delivered and end-of-day inventory for days 0..days-1.

    Cumulative demand and shortage are continuous and linear between breakpoints, so linear
    interpolation at day boundaries is exact. Arrivals at exactly a boundary count for the day
    that starts there.
    """
    edges = np.arange(days + 1, dtype=float)
    t = np.concatenate(([0.0], times))
    cd = np.interp(edges, t, np.concatenate(([0.0], cum_demand)))
    cs = np.interp(edges, t, np.concatenate(([0.0], cum_shortage)))
    order = np.argsort(arrivals, kind="stable")
    arr_t, arr_q = arrivals[order], np.cumsum(arrival_qty[order])
    idx = np.searchsorted(arr_t, edges, side="left")
    recv = np.where(idx > 0, arr_q[np.maximum(idx - 1, 0)] if len(arr_q) else 0.0, 0.0)
    consumed = cd - cs
    level = initial + recv - consumed
    demand = np.diff(cd)
    return {
        "demand_t": demand,
        "shortage_t": np.diff(cs),
        "delivered_t": np.diff(recv),
        "inventory_t": np.maximum(level[1:], 0.0),
    }


def grouped_daily_flows(
    group: np.ndarray, groups: int, times: np.ndarray, qty: np.ndarray, days: int
) -> np.ndarray:
    """Tonnes on each day 0..days-1 of each group (groups × days); times before the start
    count on day 0, times at or after the end (loads booked to leave after it) not at all."""
    within = times < days
    day = np.clip(np.floor(times[within]).astype(np.int64), 0, days - 1)
    at = group[within].astype(np.int64) * days + day
    return np.bincount(at, weights=qty[within], minlength=groups * days).reshape(groups, days)
