"""Measures of one replication that published facts of the 2010 crisis can be compared with.

Pure functions of the records of a run (`ReplicationResult.buyers` / `.lanes`, days counted from
the scenario start). `country` selects the importing country's buyers, `exporter` the origin.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

#: A 91-day window counts as short when unmet demand exceeds this share of its demand.
SHORT_WINDOW_SHARE = 0.01
WINDOW_DAYS = 91


def import_shares(lanes: pd.DataFrame, start: dt.date, country: str, exporter: str) -> pd.DataFrame:
    """Imports of `country` per half-year (t, by departure date) and the share from `exporter`:
    columns period ('2012H1'), begin (first day), total_t, from_exporter_t, share."""
    into = lanes[(lanes["destination_country"] == country) & (lanes["origin_country"] != country)]
    dates = pd.Timestamp(start) + pd.to_timedelta(into["day"], unit="D")
    begin = pd.to_datetime(
        {"year": dates.dt.year, "month": np.where(dates.dt.month <= 6, 1, 7), "day": 1}
    )
    frame = pd.DataFrame(
        {
            "begin": begin.to_numpy(),
            "total_t": into["flow_t"].to_numpy(),
            "from_exporter_t": np.where(into["origin_country"] == exporter, into["flow_t"], 0.0),
        }
    )
    g = frame.groupby("begin", sort=True)[["total_t", "from_exporter_t"]].sum().reset_index()
    g["share"] = g["from_exporter_t"] / g["total_t"].where(g["total_t"] > 0)
    g.insert(
        0, "period", g["begin"].dt.year.astype(str) + np.where(g["begin"].dt.month == 1, "H1", "H2")
    )
    return g


def share_trough(
    lanes: pd.DataFrame, start: dt.date, country: str, exporter: str, shock: dt.date, months: int
) -> tuple[float, str]:
    """Lowest half-yearly share of `exporter` in `country`'s imports among the half-years that
    overlap the `months` after `shock`, and that half-year's label."""
    g = import_shares(lanes, start, country, exporter)
    until = pd.Timestamp(shock) + pd.DateOffset(months=months)
    ends = g["begin"] + pd.DateOffset(months=6)
    inside = g[(g["begin"] < until) & (ends > pd.Timestamp(shock))].dropna(subset=["share"])
    if inside.empty:
        return math.nan, ""
    row = inside.loc[inside["share"].idxmin()]
    return float(row["share"]), str(row["period"])


def country_daily(buyers: pd.DataFrame, names: list[str], column: str) -> np.ndarray:
    """Daily sum of `column` over the named buyers (all their commodities)."""
    rows = buyers[buyers["buyer"].isin(names)]
    return np.asarray(rows.groupby("day", sort=True)[column].sum().to_numpy(), dtype=float)


def held_back(prices: pd.DataFrame | None, region: str, days: int) -> np.ndarray:
    """Tonnes of demand a price held back in `region` each day while supply bound (the
    market's `held_back_t`; zeros without prices): demanded at the reference price and unmet."""
    out = np.zeros(days)
    if prices is None or prices.empty:
        return out
    rows = prices[prices["region"] == region]
    daily = rows.groupby("day", sort=True)["held_back_t"].sum()
    at = daily.index.to_numpy(dtype=np.int64)
    keep = at < days
    out[at[keep]] = daily.to_numpy(dtype=float)[keep]
    return out


def recovery_years(demand: np.ndarray, shortage: np.ndarray, shock_day: int) -> float:
    """Years from `shock_day` to the end of the last 91-day window, after the shock, whose unmet
    demand exceeds 1 % of its demand; inf if such a window ends on the last day (not recovered).
    The backtest passes stock-outs plus the demand a price held back while a control bound
    (`held_back`), both counted in demand and unmet: demand at the reference price."""
    kernel = np.ones(WINDOW_DAYS)
    d = np.convolve(demand, kernel)[: len(demand)]
    s = np.convolve(shortage, kernel)[: len(shortage)]
    short = s > SHORT_WINDOW_SHARE * np.maximum(d, 1e-12)
    short[:shock_day] = False
    if not short.any():
        return 0.0
    last = int(np.flatnonzero(short)[-1])
    if last == len(short) - 1:
        return math.inf
    return (last + 1 - shock_day) / 365.25


def substituted_share(
    with_response: np.ndarray, without: np.ndarray, start: dt.date, from_year: int
) -> float:
    """Largest calendar-year share of demand substituted: 1 − demand / demand without the demand
    response (same seed, so the same noise), over the years from `from_year`."""
    years = (pd.Timestamp(start) + pd.to_timedelta(np.arange(len(without)), unit="D")).year
    best = 0.0
    for y in sorted(set(years[years >= from_year])):
        mask = years == y
        base = float(without[mask].sum())
        if base > 0 and mask.sum() >= 360:  # whole years only
            best = max(best, 1.0 - float(with_response[mask].sum()) / base)
    return best


def price_spike(index: np.ndarray, pre_day: int) -> tuple[float, float, int]:
    """Peak of the daily price index after `pre_day` as a multiple of its value on `pre_day`;
    the years from the peak until the index first falls to half the peak (inf if it does not);
    the day of the peak."""
    pre = float(index[pre_day])
    after = index[pre_day:]
    peak_at = int(np.argmax(after))
    peak = float(after[peak_at])
    below = np.flatnonzero(after[peak_at:] <= peak / 2.0)
    half = below[0] / 365.25 if len(below) else math.inf
    return peak / pre, half, pre_day + peak_at


def yearly_flow(
    lanes: pd.DataFrame,
    start: dt.date,
    *,
    origin: str | None = None,
    destination: str | None = None,
) -> pd.Series:
    """Tonnes per calendar year leaving `origin` and/or entering `destination` (countries),
    border crossings only."""
    rows = lanes[lanes["origin_country"] != lanes["destination_country"]]
    if origin is not None:
        rows = rows[rows["origin_country"] == origin]
    if destination is not None:
        rows = rows[rows["destination_country"] == destination]
    years = (pd.Timestamp(start) + pd.to_timedelta(rows["day"], unit="D")).dt.year
    return rows["flow_t"].groupby(years.to_numpy()).sum()


def region_index(prices: pd.DataFrame, commodity: str) -> pd.DataFrame:
    """Daily index of `commodity`, one column per region (the run's `prices` table)."""
    rows = prices[prices["commodity"] == commodity]
    return rows.pivot_table(index="day", columns="region", values="index", aggfunc="first")


def premium_peak(
    prices: pd.DataFrame,
    lanes: pd.DataFrame,
    commodity: str,
    exporter: str,
    weights_until: int,
    window: tuple[int, int],
) -> float:
    """Largest ex-exporter premium of `commodity` over the days `window` [first, last): the mean
    index of the regions outside `exporter`, weighted by the tonnes each received before day
    `weights_until` (its normal share of trade), divided by the exporter's own index."""
    index = region_index(prices, commodity)
    into = lanes[(lanes["commodity"] == commodity) & (lanes["day"] < weights_until)]
    tonnes = into.groupby("destination_country")["flow_t"].sum()
    regions = [r for r in index.columns if r != exporter and tonnes.get(r, 0.0) > 0]
    if not regions or exporter not in index.columns:
        return math.nan
    w = np.array([tonnes[r] for r in regions])
    days = index.loc[window[0] : window[1] - 1]
    outside = days[regions].to_numpy() @ w / w.sum()
    return float(np.max(outside / days[exporter].to_numpy()))


def volume_at_premium(
    prices: pd.DataFrame,
    lanes: pd.DataFrame,
    commodity: str,
    window: tuple[int, int],
    multiple: float,
) -> float:
    """Share of the tonnes of `commodity` shipped to any region (domestic flows included) over
    `window` whose destination's index was at least `multiple` on the day they left."""
    rows = lanes[
        (lanes["commodity"] == commodity) & (lanes["day"] >= window[0]) & (lanes["day"] < window[1])
    ]
    total = float(rows["flow_t"].sum())
    if total <= 0:
        return math.nan
    index = region_index(prices, commodity)
    keyed = index.stack()
    at = keyed.reindex(list(zip(rows["day"], rows["destination_country"], strict=True)))
    high = at.to_numpy(dtype=float) >= multiple
    return float(rows["flow_t"].to_numpy()[high].sum()) / total


def index_rise(prices: pd.DataFrame, commodity: str, region: str, day0: int, days: int) -> float:
    """Largest index of `commodity` in `region` over the `days` after `day0`, as a multiple of
    its value on the day before `day0`."""
    index = region_index(prices, commodity)
    if region not in index.columns:
        return math.nan
    series = index[region]
    return float(series.loc[day0 : day0 + days - 1].max() / series.loc[day0 - 1])


def yearly_mean_index(
    prices: pd.DataFrame, commodity: str, region: str, start: dt.date
) -> pd.Series:
    """Calendar-year mean of the index of `commodity` in `region`."""
    series = region_index(prices, commodity).get(region)
    if series is None:
        return pd.Series(dtype=float)
    years = (pd.Timestamp(start) + pd.to_timedelta(series.index.to_numpy(), unit="D")).year
    return series.groupby(years).mean()
