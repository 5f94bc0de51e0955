"""Records out of a finished model: daily buyer series, lane flows by departure, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.engine.recorder import Rows
from sim.model.price_index import price_index
from sim.model.series import daily_from_trace, grouped_daily_flows

if TYPE_CHECKING:
    from sim.model.network import Network

BUYER_COLUMNS = [
    "demand_t",
    "delivered_t",
    "shortage_t",
    "inventory_t",
    "days_of_cover",
    "price_index",  # scarcity price index of the buyer's country (NaN without `prices:`)
]


@dataclass(frozen=True)
class Observation:
    """Records of one finished replication, as tables; never refers back to model objects.
    Text columns (buyer, commodity, lane ends, event fields) have `object` dtype whatever the
    pandas version (see `text`)."""

    buyers: pd.DataFrame  # replication, buyer, commodity, day, demand_t, delivered_t, ...
    lanes: pd.DataFrame  # replication, origin, destination, countries, commodity, day, flow_t
    events: pd.DataFrame  # replication, day, kind, subject, detail
    drawn: dict[str, float] = field(default_factory=dict)  # parameter key path -> drawn value
    arrivals: pd.DataFrame | None = None  # as `lanes`, tonnes by day of arrival
    prices: pd.DataFrame | None = None  # commodity, region, day, index, price_usd_per_kg, ...


def observe(network: Network, replication: int) -> Observation:
    """Turn a finished network into records (daily buyer series, lane flows, events)."""
    days = network.ctx.calendar.days
    # column order of the daily table: that of `daily_from_trace`, then days of cover
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("demand_t", "shortage_t", "delivered_t", "inventory_t", "days_of_cover")
    }
    ids: list[tuple[str, str]] = []
    for bid, buyer in network.buyers.items():
        for c, point in buyer.points.items():
            tr = point.trace.columns
            arr = point.arrivals.array()
            d = daily_from_trace(
                tr[0],
                tr[1],
                tr[2],
                arr[:, 0],
                arr[:, 1],
                point.stock.initial,
                days,
            )
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                d["days_of_cover"] = np.where(
                    d["demand_t"] > 0, d["inventory_t"] / d["demand_t"], np.nan
                )
            for k in cols:
                cols[k].append(d[k])
            ids.append((bid, c))
    n = len(ids)
    buyers = pd.DataFrame(
        {
            "replication": np.full(n * days, replication, dtype=np.int64),
            "buyer": text(np.repeat(np.array([b for b, _ in ids], dtype=object), days)),
            "commodity": text(np.repeat(np.array([c for _, c in ids], dtype=object), days)),
            "day": np.tile(np.arange(days, dtype=np.int64), n),
            **{k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()},
        }
    )
    buyers["price_index"] = price_index(network, ids, days)
    lanes = _lane_table(network, replication, days, "departures", "commodities")
    arrivals = _lane_table(network, replication, days, "arrivals", "arrival_commodities")
    ev = network.ctx.recorder.events
    events = pd.DataFrame(
        {
            "replication": replication,
            "day": [e.time for e in ev],
            "kind": text([e.kind for e in ev]),
            "subject": text([e.subject for e in ev]),
            "detail": text([e.detail for e in ev]),
        }
    )
    prices = None
    if network.market is not None:
        prices = network.market.table(days)
        prices.insert(0, "replication", np.int64(replication))
    return Observation(buyers, lanes, events, dict(network.params.drawn), arrivals, prices)


def text(values: np.ndarray | list[str]) -> pd.Series:
    """A text column of the records, pinned to `object` dtype: the same records (and the same
    cost of reading them) under pandas 2 and pandas 3, whose default string dtype differs."""
    return pd.Series(values, dtype=object)


LANE_KEYS = ("origin", "destination", "origin_country", "destination_country", "commodity")


def _lane_table(
    network: Network, replication: int, days: int, times: str, commodities: str
) -> pd.DataFrame:
    """Daily tonnes per lane × commodity (days without flow omitted), from each lane's
    `times` rows of (time, t) and the matching `commodities` list."""
    keys: list[tuple[str, str, str, str, str]] = []  # one per lane × commodity, sorted
    group: list[int] = []  # of every record
    records = Rows(2)
    for (o, dest), lane in sorted(network.lanes.items()):
        kinds: list[str] = getattr(lane, commodities)
        if not kinds:
            continue
        at = {c: len(keys) + i for i, c in enumerate(sorted(set(kinds)))}
        keys += [(o, dest, lane.origin.country, lane.destination.country, c) for c in at]
        group += map(at.__getitem__, kinds)
        records.values += getattr(lane, times).values
    if not keys:
        return _empty_lanes()
    rec = records.array()
    flow = grouped_daily_flows(np.array(group), len(keys), rec[:, 0], rec[:, 1], days)
    rows, day = np.nonzero(flow)
    counts = np.bincount(rows, minlength=len(keys))
    key_cols = list(zip(*keys, strict=True))
    return pd.DataFrame(
        {
            "replication": np.full(len(rows), replication, dtype=np.int64),
            **{
                name: text(np.repeat(np.array(key_cols[i], dtype=object), counts))
                for i, name in enumerate(LANE_KEYS)
            },
            "day": day.astype(np.int64),
            "flow_t": flow[rows, day],
        }
    )


def _empty_lanes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "replication": pd.Series(dtype="int64"),
            "origin": pd.Series(dtype="object"),
            "destination": pd.Series(dtype="object"),
            "origin_country": pd.Series(dtype="object"),
            "destination_country": pd.Series(dtype="object"),
            "commodity": pd.Series(dtype="object"),
            "day": pd.Series(dtype="int64"),
            "flow_t": pd.Series(dtype="float64"),
        }
    )
