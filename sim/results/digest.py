"""What the streaming writer keeps of one replication: its summary rows, events, daily band
values per buyer × commodity, lane flows by country pair, and (on request) its full time series.

A `Digest` is computed where the replication ran (a worker process) and sent back; it never
refers to model objects, and everything in it is sorted by stable keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.results.bands import FlowKey, daily_flows
from sim.results.keys import key_codes, sorted_order
from sim.results.metrics import summary_table
from sim.results.records import ReplicationResult
from sim.scenario.schema import Scenario

#: Band variables, in output order (the columns of `values`' first axis).
BAND_VARIABLES = (
    "shortage_t",
    "shortage_frac",
    "inventory_t",
    "days_of_cover",
    "delivered_t",
    "demand_t",
)
BUYER_KEYS = ["buyer", "commodity", "day"]  # order of the buyer rows of every output
#: Monthly flows are dated by departure (export statistics) or by arrival (import statistics).
DATED_BY = ("departure", "arrival")
MonthlyKey = tuple[str, str, str, str]  # dated_by, origin_country, destination_country, commodity


@dataclass(frozen=True)
class Layout:
    """The shape every digest of a scenario shares: buyer × commodity series and days."""

    scenario: str
    start: dt.date
    days: int
    series: tuple[tuple[str, str], ...]  # (buyer, commodity), sorted

    @classmethod
    def of(cls, scenario: Scenario) -> Layout:
        """The layout of every digest of `scenario`."""
        series = sorted((bid, c) for bid, b in scenario.buyers.items() for c in b.demand)
        days = (scenario.horizon.end - scenario.horizon.start).days
        return cls(scenario.name, scenario.horizon.start, days, tuple(series))

    @property
    def cells(self) -> int:
        """Number of band values per replication (variables × series × days)."""
        return len(BAND_VARIABLES) * len(self.series) * self.days

    def months(self) -> tuple[list[str], np.ndarray]:
        """Calendar months of the horizon (`YYYY-MM`) and the month index of each day."""
        dates = [self.start + dt.timedelta(days=d) for d in range(self.days)]
        labels = list(dict.fromkeys(f"{d.year:04d}-{d.month:02d}" for d in dates))
        at = {m: i for i, m in enumerate(labels)}
        return labels, np.array([at[f"{d.year:04d}-{d.month:02d}"] for d in dates], dtype=np.int64)


@dataclass(frozen=True)
class Digest:
    """One replication reduced to what the output directory needs."""

    replication: int
    seed: int
    summary: pd.DataFrame  # rows of summary.csv
    events: pd.DataFrame  # rows of events.csv
    values: np.ndarray  # float64 [variable, series, day], see BAND_VARIABLES and Layout.series
    flows: dict[FlowKey, np.ndarray]  # daily tonnes departing, per country pair × commodity
    monthly: dict[MonthlyKey, np.ndarray]  # tonnes per month, dated by departure and arrival
    parameters: pd.DataFrame  # rows of parameters.parquet: replication, key, value (hex text)
    buyer_rows: pa.Table | None  # timeseries.parquet rows (record = "buyer"), when kept
    lane_rows: pa.Table | None  # timeseries.parquet rows (record = "lane"), when kept


def digest(result: ReplicationResult, layout: Layout, timeseries: bool) -> Digest:
    """Reduce one replication to what the output directory needs."""
    order = buyer_order(result.buyers, layout)
    values = band_values(result.buyers, order, layout)
    return Digest(
        result.replication,
        result.seed,
        summary_rows(result, layout, values),
        event_rows(result.events, layout.start),
        values,
        daily_flows(result.lanes, layout.days),
        monthly_flows(result, layout),
        parameter_rows(result),
        buyer_rows(result.buyers, order, layout) if timeseries else None,
        lane_rows(result.lanes, layout.start, result.buyers) if timeseries else None,
    )


def buyer_order(buyers: pd.DataFrame, layout: Layout) -> np.ndarray:
    """The order of the buyer records by `BUYER_KEYS`; checks they are the layout's series ×
    days, each day once."""
    ns, nd = len(layout.series), layout.days
    series, code = key_codes(buyers["buyer"], buyers["commodity"])
    order = sorted_order(code, buyers["day"].to_numpy())
    day = buyers["day"].to_numpy()[order]
    if series != list(layout.series) or len(buyers) != ns * nd or (day != _days(ns, nd)).any():
        raise ValueError(f"buyer records do not match the scenario's {ns} series × {nd} days")
    return order


def _days(ns: int, nd: int) -> np.ndarray:
    return np.tile(np.arange(nd, dtype=np.int64), ns)


def band_values(buyers: pd.DataFrame, order: np.ndarray, layout: Layout) -> np.ndarray:
    """Daily values of every band variable for every series (rows taken in `order`, see
    `buyer_order`)."""
    ns, nd = len(layout.series), layout.days

    def column(name: str) -> np.ndarray:
        x: np.ndarray = buyers[name].to_numpy(dtype=float)[order]
        return x.reshape(ns, nd)

    out = np.empty((len(BAND_VARIABLES), ns, nd))
    for v, name in enumerate(BAND_VARIABLES):
        if name != "shortage_frac":
            out[v] = column(name)
    demand, shortage = (
        out[BAND_VARIABLES.index("demand_t")],
        out[BAND_VARIABLES.index("shortage_t")],
    )
    out[BAND_VARIABLES.index("shortage_frac")] = np.divide(
        shortage, demand, out=np.zeros((ns, nd)), where=demand > 0
    )
    return out


def summary_rows(result: ReplicationResult, layout: Layout, values: np.ndarray) -> pd.DataFrame:
    """Rows of summary.csv for one replication, from its band values."""
    demand, shortage = (
        values[BAND_VARIABLES.index("demand_t")],
        values[BAND_VARIABLES.index("shortage_t")],
    )
    keys = [(result.replication, b, c) for b, c in layout.series]
    s = summary_table(keys, list(zip(demand, shortage, strict=True)))
    s.insert(0, "seed", result.seed)
    s.insert(0, "scenario", layout.scenario)
    cols = ["scenario", "replication", "seed", "buyer", "commodity"]
    return s[cols + [c for c in s.columns if c not in cols]]


def event_rows(events: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Rows of events.csv for one replication (with a calendar date)."""
    ev = events.copy()
    ev.insert(1, "date", [start + dt.timedelta(days=int(d // 1)) for d in ev["day"]])
    return ev


def parameter_rows(result: ReplicationResult) -> pd.DataFrame:
    """The values this replication drew, one row per scenario key path (sorted); values as
    exact hexadecimal text (`float.hex`), so the appended rows round-trip bit for bit."""
    keys = sorted(result.drawn)
    return pd.DataFrame(
        {
            "replication": np.full(len(keys), result.replication, dtype=np.int64),
            "key": keys,
            "value": [float(result.drawn[k]).hex() for k in keys],
        }
    )


def monthly_flows(result: ReplicationResult, layout: Layout) -> dict[MonthlyKey, np.ndarray]:
    """Tonnes per calendar month per country pair × commodity, dated by departure and by
    arrival (material that left before the start counts where it arrives)."""
    labels, month = layout.months()
    out: dict[MonthlyKey, np.ndarray] = {}
    tables = {"departure": result.lanes, "arrival": result.arrivals}
    for basis, table in tables.items():
        if table is None:
            continue
        for key, daily in daily_flows(table, layout.days).items():
            out[(basis, *key)] = np.bincount(month, weights=daily, minlength=len(labels))
    return out


def date32(start: dt.date, days: pd.Series | np.ndarray) -> pa.Array:
    """Arrow dates of day numbers after `start` (the date columns of every Parquet file)."""
    epoch = (start - dt.date(1970, 1, 1)).days
    return pa.array(np.asarray(days, dtype=np.int32) + np.int32(epoch), type=pa.int32()).cast(
        pa.date32()
    )


#: Buyer columns of timeseries.parquet, in order; any further float columns of the replication's
#: buyer records (e.g. `price_index`) follow them.
TS_BUYER = ["demand_t", "delivered_t", "shortage_t", "inventory_t", "days_of_cover", "flow_t"]


def _extra(buyers: pd.DataFrame) -> list[str]:
    known = {"replication", "buyer", "commodity", "day", *TS_BUYER}
    return [c for c in buyers.columns if c not in known]


def buyer_rows(buyers: pd.DataFrame, order: np.ndarray, layout: Layout) -> pa.Table:
    """timeseries.parquet rows of the buyers (record = buyer), in `order` (see `buyer_order`)."""
    n = len(buyers)
    series = np.repeat(np.arange(len(layout.series)), layout.days)
    cols: dict[str, pa.Array] = {
        "record": _strings(["buyer"], np.zeros(n, dtype=np.int64)),
        "date": date32(layout.start, buyers["day"].to_numpy()[order]),
        "replication": pa.array(buyers["replication"].to_numpy(dtype=np.int64)[order]),
        "buyer": _strings([b for b, _ in layout.series], series),
        "origin": pa.nulls(n, type=pa.string()),
        "commodity": _strings([c for _, c in layout.series], series),
    }
    for c in TS_BUYER:
        x = buyers[c].to_numpy(dtype=float)[order] if c in buyers else np.full(n, np.nan)
        cols[c] = pa.array(x, type=pa.float64())
    for c in _extra(buyers):
        cols[c] = pa.array(buyers[c].to_numpy(dtype=float)[order], type=pa.float64())
    return pa.table(cols)


def _strings(names: list[str], codes: np.ndarray) -> pa.Array:
    """Arrow strings `names[codes[i]]`."""
    return pa.array(names, type=pa.string()).take(pa.array(codes))


def lane_rows(lanes: pd.DataFrame, start: dt.date, buyers: pd.DataFrame) -> pa.Table:
    """timeseries.parquet rows of the lanes (record = lane), columns as the buyer rows."""
    keys, code = key_codes(lanes["destination"], lanes["origin"], lanes["commodity"])
    order = sorted_order(code, lanes["day"].to_numpy())
    code = code[order]
    n = len(lanes)
    nan = pa.array(np.full(n, np.nan), type=pa.float64())
    cols: dict[str, pa.Array] = {
        "record": _strings(["lane"], np.zeros(n, dtype=np.int64)),
        "date": date32(start, lanes["day"].to_numpy()[order]),
        "replication": pa.array(
            lanes["replication"].to_numpy(dtype=np.int64)[order], type=pa.int64()
        ),
        "buyer": _strings([k[0] for k in keys], code),
        "origin": _strings([k[1] for k in keys], code),
        "commodity": _strings([k[2] for k in keys], code),
    }
    for c in TS_BUYER:
        cols[c] = pa.array(lanes["flow_t"].to_numpy(dtype=float)[order]) if c == "flow_t" else nan
    for c in _extra(buyers):
        cols[c] = nan
    return pa.table(cols)


def layout_of_result(scenario: str, start: dt.date, result: ReplicationResult) -> Layout:
    """The layout of an ensemble known only from its results (no scenario at hand)."""
    b = result.buyers
    series, _ = key_codes(b["buyer"], b["commodity"])
    days = int(b["day"].max()) + 1 if len(b) else 0
    return Layout(scenario, start, days, tuple(series))
