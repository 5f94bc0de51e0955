"""Records out of a finished model: daily buyer series, lane flows by departure, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.price_index import price_index
from sim.model.series import daily_flows, daily_from_trace

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
    """Records of one finished replication, as tables; never refers back to model objects."""

    buyers: pd.DataFrame  # replication, buyer, commodity, day, demand_t, delivered_t, ...
    lanes: pd.DataFrame  # replication, origin, destination, countries, commodity, day, flow_t
    events: pd.DataFrame  # replication, day, kind, subject, detail
    drawn: dict[str, float] = field(default_factory=dict)  # parameter key path -> drawn value
    arrivals: pd.DataFrame | None = None  # as `lanes`, tonnes by day of arrival


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
            arr = np.array(point.arrivals, dtype=float).reshape(-1, 2)
            d = daily_from_trace(
                np.asarray(tr[0]),
                np.asarray(tr[1]),
                np.asarray(tr[2]),
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
            "buyer": np.repeat(np.array([b for b, _ in ids], dtype=object), days),
            "commodity": np.repeat(np.array([c for _, c in ids], dtype=object), days),
            "day": np.tile(np.arange(days, dtype=np.int64), n),
            **{k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()},
        }
    )
    buyers["price_index"] = price_index(network, buyers)
    lanes = _lane_table(network, replication, days, "departures", "commodities")
    arrivals = _lane_table(network, replication, days, "arrivals", "arrival_commodities")
    ev = network.ctx.recorder.events
    events = pd.DataFrame(
        {
            "replication": replication,
            "day": [e.time for e in ev],
            "kind": [e.kind for e in ev],
            "subject": [e.subject for e in ev],
            "detail": [e.detail for e in ev],
        }
    )
    return Observation(buyers, lanes, events, dict(network.params.drawn), arrivals)


LANE_KEYS = ("origin", "destination", "origin_country", "destination_country", "commodity")


def _lane_table(
    network: Network, replication: int, days: int, times: str, commodities: str
) -> pd.DataFrame:
    """Daily tonnes per lane × commodity (days without flow omitted), from each lane's
    `times` list of (time, t) and the matching `commodities` list."""
    lane_keys: list[tuple[str, str, str, str, str]] = []
    lane_days: list[np.ndarray] = []
    lane_flows: list[np.ndarray] = []
    for (o, dest), lane in sorted(network.lanes.items()):
        records = getattr(lane, times)
        if not records:
            continue
        dep = np.array(records, dtype=float)
        kinds = np.array(getattr(lane, commodities), dtype=object)
        for c in sorted(set(kinds)):
            sel = kinds == c
            flow = daily_flows(dep[sel, 0], dep[sel, 1], days)
            nz = np.flatnonzero(flow)
            lane_keys.append((o, dest, lane.origin.country, lane.destination.country, c))
            lane_days.append(nz)
            lane_flows.append(flow[nz])
    if not lane_keys:
        return _empty_lanes()
    counts = [len(x) for x in lane_days]
    key_cols = list(zip(*lane_keys, strict=True))
    return pd.DataFrame(
        {
            "replication": np.full(sum(counts), replication, dtype=np.int64),
            **{
                name: np.repeat(np.array(key_cols[i], dtype=object), counts)
                for i, name in enumerate(LANE_KEYS)
            },
            "day": np.concatenate(lane_days).astype(np.int64),
            "flow_t": np.concatenate(lane_flows),
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
