"""The `price_index` column of the daily buyer records: the market index of the buyer's
commodity in the buyer's country (`sim.model.market`), NaN where nothing is priced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.market import daily

if TYPE_CHECKING:
    from sim.model.network import Network


def price_index(network: Network, buyers: pd.DataFrame) -> np.ndarray:
    """The index for every row of the daily buyer table (NaN where no index is kept)."""
    out = np.full(len(buyers), np.nan)
    market = network.market
    if market is None or buyers.empty:
        return out
    days = network.ctx.calendar.days
    country = buyers["buyer"].map({b: n.country for b, n in network.buyers.items()})
    for (commodity, region), rows in buyers.groupby([buyers["commodity"], country], sort=True):
        quote = market.quote(str(commodity), str(region))
        if quote is None:
            continue
        index = daily(quote.history, days, 1.0)
        out[rows.index.to_numpy()] = index[rows["day"].to_numpy()]
    return out
