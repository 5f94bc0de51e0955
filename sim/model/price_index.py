"""The `price_index` column of the daily buyer records: the market index of the buyer's
commodity in the buyer's country (`sim.model.market`), NaN where nothing is priced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.market import daily

if TYPE_CHECKING:
    from sim.model.network import Network


def price_index(network: Network, series: list[tuple[str, str]], days: int) -> np.ndarray:
    """The index for every row of the daily buyer table, whose rows are `days` days of each
    (buyer id, commodity) of `series` in turn (NaN where no index is kept)."""
    out = np.full(len(series) * days, np.nan)
    market = network.market
    if market is None:
        return out
    for k, (bid, commodity) in enumerate(series):
        quote = market.quote(commodity, network.buyers[bid].country)
        if quote is not None:
            out[k * days : (k + 1) * days] = daily(quote.history, days, 1.0)
    return out
