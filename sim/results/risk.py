"""Risk metrics: how likely a bad shortfall is, for whom, and how bad the worst cases are.

Pure functions from buyer records to one tidy table (`risk.csv`), per buyer × commodity and
aggregated by buyer country and by sector (shortage and demand summed over their buyers):

- `p_exceed`: P(shortage > x % of demand over a `window_days` window ending on some day ≤ T),
  for every threshold x and date T of the scenario's `risk:` grid; the share of replications,
  with a 95 % Wilson interval.
- `shortage_t`: mean total shortage over the horizon (t), with a 95 % Student-t interval.
- `cvar_t`: expected shortfall (CVaR) at the scenario's level (default 95 %): the mean total
  shortage of the worst (1 − level) share of replications, at least one.
- `lost_value_usd` / `lost_value_cvar_usd`: mean (t interval) and CVaR of the value of lost
  production, where the buyer's sector declares `risk.lost_value` (US$ per tonne short).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.results.stats import mean_ci
from sim.scenario.risk import RiskSpec

_Z975 = 1.959963984540054
GROUPS = ("buyer", "country", "sector")
RISK_COLUMNS = [
    "group_by",
    "group",
    "commodity",
    "metric",
    "threshold_pct",
    "by",
    "window_days",
    "value",
    "ci_low",
    "ci_high",
    "n",
]


@dataclass(frozen=True)
class BuyerInfo:
    """Country and sector of a buyer."""

    country: str
    sector: str


def wilson(hits: int, n: int) -> tuple[float, float, float]:
    """Share `hits / n` and its 95 % Wilson score interval (NaN for n = 0)."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = hits / n
    z2 = _Z975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def cvar(values: np.ndarray, level: float) -> float:
    """Expected shortfall at `level`: the mean of the worst ⌈(1 − level) n⌉ values (≥ 1)."""
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    if len(x) == 0:
        return math.nan
    k = max(1, math.ceil((1.0 - level) * len(x) - 1e-9))
    return float(x[:k].mean())


def default_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of each calendar year inside the horizon, and its last day."""
    last = end - dt.timedelta(days=1)
    dates = [dt.date(y, 12, 31) for y in range(start.year, last.year) if dt.date(y, 12, 31) > start]
    return [*dates, last]


def _grouped(daily: pd.DataFrame, info: Mapping[str, BuyerInfo], by: str) -> pd.DataFrame:
    d = daily[["replication", "buyer", "commodity", "day", "demand_t", "shortage_t"]]
    if by == "buyer":
        return d.rename(columns={"buyer": "group"})
    attr = {b: getattr(i, by) or "(none)" for b, i in info.items()}
    d = d.assign(group=d["buyer"].map(attr).fillna("(unknown)"))
    keys = ["group", "commodity", "replication", "day"]
    return d.groupby(keys, sort=True)[["demand_t", "shortage_t"]].sum().reset_index()


def _window_max(dem: np.ndarray, short: np.ndarray, window: int) -> np.ndarray:
    """[reps, days] → running maximum over days of the window shortage share."""
    cd = np.cumsum(dem, axis=1)
    cs = np.cumsum(short, axis=1)
    lag = np.zeros_like(cd)
    lag[:, window:] = 1.0
    cd_w = cd - np.where(lag > 0, np.roll(cd, window, axis=1), 0.0)
    cs_w = cs - np.where(lag > 0, np.roll(cs, window, axis=1), 0.0)
    share = np.where(cd_w > 1e-12, cs_w / np.where(cd_w > 1e-12, cd_w, 1.0), 0.0)
    return np.maximum.accumulate(share, axis=1)


def exceedance(
    daily: pd.DataFrame,
    spec: RiskSpec,
    start: dt.date,
    end: dt.date,
    info: Mapping[str, BuyerInfo],
) -> pd.DataFrame:
    """`p_exceed` rows of every group × commodity × threshold × date (see the module doc)."""
    dates = spec.by or default_dates(start, end)
    days = [(d - start).days for d in dates]
    rows = []
    for by in GROUPS:
        g = _grouped(daily, info, by)
        for (group, commodity), x in g.groupby(["group", "commodity"], sort=True):
            dem = x.pivot(index="replication", columns="day", values="demand_t").fillna(0.0)
            short = x.pivot(index="replication", columns="day", values="shortage_t")
            short = short.reindex_like(dem).fillna(0.0)
            peak = _window_max(dem.to_numpy(), short.to_numpy(), spec.window_days)
            n = peak.shape[0]
            last = peak.shape[1] - 1
            for date, day in zip(dates, days, strict=True):
                if day < 0:
                    continue
                reached = peak[:, min(day, last)]
                for t in spec.thresholds_pct:
                    p, lo, hi = wilson(int((reached > t / 100.0).sum()), n)
                    rows.append(
                        (by, group, commodity, "p_exceed", t, date, spec.window_days, p, lo, hi, n)
                    )
    return pd.DataFrame(rows, columns=RISK_COLUMNS)


def _value_per_t(spec: RiskSpec, info: Mapping[str, BuyerInfo]) -> dict[tuple[str, str], float]:
    """(buyer, commodity) → US$ per tonne short; `("buyer", "*")` where all commodities count."""
    out = {}
    for buyer, i in info.items():
        lv = spec.lost_value.get(i.sector)
        if lv is None:
            continue
        for c in lv.commodities or ["*"]:
            out[(buyer, c)] = lv.usd_per_t
    return out


def _lost_value(summary: pd.DataFrame, spec: RiskSpec, info: Mapping[str, BuyerInfo]) -> pd.Series:
    per_t = _value_per_t(spec, info)
    return pd.Series(
        [
            per_t.get((b, c), per_t.get((b, "*"), math.nan))
            for b, c in zip(summary["buyer"], summary["commodity"], strict=True)
        ],
        index=summary.index,
    )


def tail_metrics(
    summary: pd.DataFrame, spec: RiskSpec, info: Mapping[str, BuyerInfo]
) -> pd.DataFrame:
    """Mean total shortage (t interval), its CVaR, and the value of lost production, of every
    group × commodity, from per-replication totals (summary.csv rows)."""
    s = summary[["replication", "buyer", "commodity", "shortage_t"]].copy()
    s["lost_value_usd"] = _lost_value(summary, spec, info) * s["shortage_t"]
    rows: list[tuple[object, ...]] = []
    for by in GROUPS:
        if by == "buyer":
            s["group"] = s["buyer"]
        else:
            attr = {b: getattr(i, by) or "(none)" for b, i in info.items()}
            s["group"] = s["buyer"].map(attr).fillna("(unknown)")
        keys = ["group", "commodity", "replication"]
        g = s.groupby(keys, sort=True).agg(
            shortage_t=("shortage_t", "sum"),
            lost_value_usd=("lost_value_usd", lambda v: v.sum(min_count=1)),
        )
        for (group, commodity), x in g.reset_index().groupby(["group", "commodity"], sort=True):
            tot = x["shortage_t"].to_numpy()
            n = len(tot)
            common = (by, group, commodity)
            rows.append((*common, "shortage_t", None, None, None, *mean_ci(tot), n))
            rows.append((*common, "cvar_t", spec.cvar_level, None, None, cvar(tot, spec.cvar_level), None, None, n))  # fmt: skip
            lost = x["lost_value_usd"].to_numpy(dtype=float)
            if np.isfinite(lost).any():
                rows.append((*common, "lost_value_usd", None, None, None, *mean_ci(lost), n))
                tail = cvar(lost[np.isfinite(lost)], spec.cvar_level)
                rows.append((*common, "lost_value_cvar_usd", spec.cvar_level, None, None, tail, None, None, n))  # fmt: skip
    out = pd.DataFrame(rows, columns=RISK_COLUMNS)
    # the level of a tail metric is kept in threshold_pct as a percentage, like the thresholds
    tail = out["metric"].str.contains("cvar")
    out.loc[tail, "threshold_pct"] = 100.0 * out.loc[tail, "threshold_pct"].astype(float)
    return out


def risk_table(
    summary: pd.DataFrame,
    daily: pd.DataFrame | None,
    spec: RiskSpec,
    start: dt.date,
    end: dt.date,
    info: Mapping[str, BuyerInfo],
) -> pd.DataFrame:
    """Every risk metric in one tidy table (columns `RISK_COLUMNS`); without daily records
    (a run that kept no time series) only the metrics of totals."""
    parts = [tail_metrics(summary, spec, info)]
    if daily is not None and len(daily):
        parts.append(exceedance(daily, spec, start, end, info))
    out = pd.concat(parts, ignore_index=True)
    order = {g: i for i, g in enumerate(GROUPS)}
    out = out.assign(_o=out["group_by"].map(order))
    out = out.sort_values(
        ["_o", "group", "commodity", "metric", "threshold_pct", "by"], kind="stable"
    )
    return out.drop(columns="_o").reset_index(drop=True)


def buyer_info(buyers: Mapping[str, Mapping[str, object]]) -> dict[str, BuyerInfo]:
    """Country and sector of each buyer of a scenario document's `buyers:` mapping."""
    return {
        b: BuyerInfo(str(v.get("country", "")), str(v.get("sector", "") or ""))
        for b, v in buyers.items()
    }


def most_exposed(table: pd.DataFrame, group_by: str = "buyer", n: int = 10) -> pd.DataFrame:
    """One row per group × commodity of `group_by` that runs short in some replication, ranked
    by mean total shortage: the mean with its interval, the CVaR, and P(shortage > x %) by the
    last date of the grid (`by`) for each threshold x (columns `p>x%`)."""
    t = table[table["group_by"] == group_by]
    keys = ["group", "commodity"]
    mean = t[t["metric"] == "shortage_t"].set_index(keys)
    out = pd.DataFrame(
        {
            "shortage_t": mean["value"],
            "ci_low": mean["ci_low"],
            "ci_high": mean["ci_high"],
            "cvar_t": t[t["metric"] == "cvar_t"].set_index(keys)["value"],
        }
    )
    p = t[t["metric"] == "p_exceed"]
    if len(p):
        last = p[p["by"].astype(str) == p["by"].astype(str).max()]
        wide = last.pivot_table(index=keys, columns="threshold_pct", values="value")
        for x in wide.columns:
            out[f"p>{x:g}%"] = wide[x]
        out["by"] = str(last["by"].iloc[0])
    out = out[out["shortage_t"] > 1e-9].sort_values("shortage_t", ascending=False)
    return out.head(n).reset_index()
