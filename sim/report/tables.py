"""Report tables: headline metrics with intervals, policies, provenance, formatted for reading."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.results.metrics import ensemble_metrics
from sim.results.policies import PolicyMark
from sim.results.selection import Groups

#: Headline columns: metric → (heading, scale, unit, decimals).
HEADLINE = {
    "shortage_pct": ("total shortage, % of demand", 1.0, " %", 1),
    "shortage_t": ("total shortage, t", 1.0, "", 1),
    "fill_rate": ("fill rate", 100.0, " %", 1),
    "max_shortfall_frac": ("max daily shortfall", 100.0, " %", 0),
    "tts_days": ("first shortage, day", 1.0, "", 0),
    "ttr_days": ("recovery, days", 1.0, "", 0),
    "shortage_days": ("shortage days", 1.0, "", 0),
}


def _num(x: float, scale: float, unit: str, dec: int) -> str:
    return "–" if not math.isfinite(x) else f"{x * scale:,.{dec}f}{unit}"


def cell(row: pd.Series, metric: str) -> str:
    """`median [p05–p95]`, formatted for `metric`."""
    _, scale, unit, dec = HEADLINE[metric]
    if not row["n"]:
        return "–"
    med = _num(row["p50"], scale, unit, dec)
    if row["p05"] == row["p95"]:
        return med
    return f"{med} [{_num(row['p05'], scale, '', dec)}–{_num(row['p95'], scale, '', dec)}]"


def headline(
    metrics: pd.DataFrame, group: str | None = None, places: Groups | None = None
) -> pd.DataFrame:
    """One row per (group ×) buyer × commodity: each headline metric as median [90 % interval],
    the mean total shortage and P(any shortage); with `places`, each buyer's country and sector."""
    e = ensemble_metrics(metrics)
    keys = ([group] if group else []) + ["buyer", "commodity"]
    rows = []
    for key, g in e.groupby(keys, sort=False):
        by = g.set_index("metric")
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        if places:
            country, sector = places.get(row["buyer"], ("", ""))
            commodity = row.pop("commodity")
            row.update(country=country, sector=sector, commodity=commodity)
        if "shortage_pct" in by.index:
            row["mean shortage, %"] = _num(by.loc["shortage_pct", "mean"], 1.0, "", 2)
        for m, (heading, *_) in HEADLINE.items():
            row[heading] = cell(by.loc[m], m) if m in by.index else ""
        if "short" in by.index:
            row["P(any shortage)"] = _num(by.loc["short", "mean"], 100.0, " %", 0)
        rows.append(row)
    return pd.DataFrame(rows)


def policy_table(marks: list[PolicyMark]) -> pd.DataFrame:
    """The policies of a report: id, type, dates, description."""
    return pd.DataFrame(
        {
            "id": [m.id for m in marks],
            "type": [m.type for m in marks],
            "start": [m.start.isoformat() for m in marks],
            "end": [m.end.isoformat() if m.end else "open" for m in marks],
            "description": [m.description for m in marks],
        }
    )


def formatted(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Floats to `digits` significant figures, for display."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].map(lambda x: "" if pd.isna(x) else f"{x:.{digits}g}")
    return out
