"""Scarcity price index per commodity and buyer country, from the daily buyer records.

log(index) = s + q, both starting in equilibrium:
- scarcity s tends to f·log(`shortage_multiple`), where f is the day's shortfall fraction of
  the country's buyers (shortage / demand), rising with time constant `rise_days` and falling
  with half-life `half_life_days`;
- premium q tends to log(`controlled_premium`) while an export control covers the commodity into
  the country (the country not being the exporter), to 0 otherwise, with time constant
  `premium_days`; the target is weighted by the share of the day the control is in force.
Each day is integrated exactly with the day's inputs held constant; the index is the end-of-day
value.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.policies.export_control import ExportControl, to_destination

if TYPE_CHECKING:
    from sim.model.network import Network


def scarcity_index(
    shortfall: np.ndarray,
    controlled: np.ndarray,
    *,
    multiple: float,
    rise_days: float,
    half_life: float,
    premium: float,
    premium_days: float,
) -> np.ndarray:
    """End-of-day index for daily shortfall fractions and controlled shares of each day."""
    up, down = math.exp(-1.0 / rise_days), math.exp(-math.log(2.0) / half_life)
    keep_q = math.exp(-1.0 / premium_days)
    top_s, top_q = math.log(multiple), math.log(premium)
    s = 0.0
    q = top_q * float(controlled[0]) if len(controlled) else 0.0
    out = np.empty(len(shortfall))
    for d, (f, c) in enumerate(zip(shortfall, controlled, strict=True)):
        target = top_s * f
        s = target + (s - target) * (up if target > s else down)
        target = top_q * c
        q = target + (q - target) * keep_q
        out[d] = math.exp(s + q)
    return out


def controlled_share(network: Network, commodity: str, buyers: list[str], days: int) -> np.ndarray:
    """Share of each day an active export control covers `commodity` into these buyers."""
    covered = np.zeros(days)
    edges = np.arange(days + 1, dtype=float)
    nodes = [network.buyers[b] for b in buyers]
    for p in network.policies:
        if not isinstance(p, ExportControl) or commodity not in p.covered:
            continue
        if not any(n.country != p.exporter and to_destination(p.spec, n) for n in nodes):
            continue
        for on, off in p.spans:
            assert on is not None
            end = float(days) if off is None else off
            covered += np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], on), 0, 1)
    return np.minimum(covered, 1.0)


def price_index(network: Network, buyers: pd.DataFrame) -> np.ndarray:
    """The index for every row of the daily buyer table (NaN where no index is kept)."""
    out = np.full(len(buyers), np.nan)
    spec = network.scenario.prices
    if spec is None or buyers.empty:
        return out
    v = network.params.value
    terms = {
        "multiple": v(spec.shortage_multiple, "prices.shortage_multiple"),
        "rise_days": v(spec.rise_days, "prices.rise_days"),
        "half_life": v(spec.half_life_days, "prices.half_life_days"),
        "premium": v(spec.controlled_premium, "prices.controlled_premium"),
        "premium_days": v(spec.premium_days, "prices.premium_days"),
    }
    days = network.ctx.calendar.days
    country = buyers["buyer"].map({b: n.country for b, n in network.buyers.items()})
    for (commodity, _), rows in buyers.groupby([buyers["commodity"], country], sort=True):
        if spec.commodities is not None and commodity not in spec.commodities:
            continue
        daily = rows.groupby("day")[["demand_t", "shortage_t"]].sum().reindex(range(days))
        demand = daily["demand_t"].fillna(0.0).to_numpy()
        short = daily["shortage_t"].fillna(0.0).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(demand > 0, np.minimum(short / demand, 1.0), 0.0)
        names = sorted(rows["buyer"].unique())
        controlled = controlled_share(network, str(commodity), names, days)
        index = scarcity_index(f, controlled, **terms)
        out[rows.index.to_numpy()] = index[rows["day"].to_numpy()]
    return out
