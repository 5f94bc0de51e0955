"""Scarcity price index per commodity and buyer country, from the daily buyer records.

The formula (scarcity from the day's shortfall fraction of the country's buyers, premium while
an export control covers the commodity into the country) lives in `sim.model.prices`, which
also steps the same index during a run for price-response policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.prices import IndexTerms, ScarcityIndex, controls_into, covered, index_terms

if TYPE_CHECKING:
    from sim.model.network import Network


def scarcity_index(shortfall: np.ndarray, controlled: np.ndarray, terms: IndexTerms) -> np.ndarray:
    """End-of-day index for daily shortfall fractions and controlled shares of each day."""
    index = ScarcityIndex(terms)
    out = np.empty(len(shortfall))
    for d, (f, c) in enumerate(zip(shortfall, controlled, strict=True)):
        out[d] = index.step(f, c)
    return out


def controlled_share(network: Network, commodity: str, buyers: list[str], days: int) -> np.ndarray:
    """Share of each day an active export control covers `commodity` into these buyers."""
    edges = np.arange(days + 1, dtype=float)
    return covered(controls_into(network, commodity, buyers), edges, float(days))


def price_index(network: Network, buyers: pd.DataFrame) -> np.ndarray:
    """The index for every row of the daily buyer table (NaN where no index is kept)."""
    out = np.full(len(buyers), np.nan)
    spec = network.scenario.prices
    if spec is None or buyers.empty:
        return out
    terms = index_terms(network)
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
        index = scarcity_index(f, controlled, terms)
        out[rows.index.to_numpy()] = index[rows["day"].to_numpy()]
    return out
