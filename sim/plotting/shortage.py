"""Shortage over time per buyer and commodity: median across replications with 50 % and 90 %
bands (a single line when there is one replication)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from sim.results.records import Ensemble


def shortage_share(ensemble: Ensemble, window: int = 30):  # type: ignore[no-untyped-def]
    """Rolling `window`-day shortage as a share of demand, per replication × buyer × commodity."""
    b = ensemble.buyers.sort_values(["buyer", "commodity", "replication", "day"])
    g = b.groupby(["buyer", "commodity", "replication"], sort=True)
    short = g["shortage_t"].transform(lambda s: s.rolling(window, min_periods=1).sum())
    dem = g["demand_t"].transform(lambda s: s.rolling(window, min_periods=1).sum())
    b = b.assign(share=(short / dem.where(dem > 0)).fillna(0.0) * 100.0)
    return b


def plot_shortage(ensemble: Ensemble, ax: Axes | None = None, window: int = 30) -> Axes:
    """Fan chart of unmet demand (% of demand, `window`-day rolling) for every demand point."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5))
    b = shortage_share(ensemble, window)
    for (buyer, commodity), g in b.groupby(["buyer", "commodity"], sort=True):
        q = g.groupby("day")["share"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
        dates = ensemble.dates(q.index.to_series())
        (line,) = ax.plot(dates, q[0.5], lw=1.6, label=f"{buyer} · {commodity}")
        if len(ensemble.replications) > 1:
            ax.fill_between(dates, q[0.25], q[0.75], color=line.get_color(), alpha=0.25, lw=0)
            ax.fill_between(dates, q[0.05], q[0.95], color=line.get_color(), alpha=0.10, lw=0)
    ax.set_ylabel(f"unmet demand, % of demand ({window}-day rolling)")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    n = len(ensemble.replications)
    bands = "median, 50 % and 90 % bands" if n > 1 else "one replication"
    ax.set_title(f"{ensemble.scenario_name}: shortage by buyer and commodity ({bands}, n={n})")
    ax.legend(fontsize=7, ncol=2, loc="upper left", frameon=False)
    return ax


def save_shortage_figure(ensemble: Ensemble, path: Path) -> None:
    """Save the shortage fan chart of an in-memory ensemble as PNG."""
    fig, ax = plt.subplots(figsize=(10, 5.5))
    plot_shortage(ensemble, ax)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_shortage_bands(
    bands: pd.DataFrame, title: str, ax: Axes | None = None, window: int = 30
) -> Axes:
    """Fan chart from a bands table (`bands.parquet`): daily shortage as % of demand, median
    with 50 % and 90 % bands across replications, each a centred `window`-day mean."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5))
    rows = bands[bands["variable"] == "shortage_frac"]
    for (buyer, commodity), g in rows.groupby(["buyer", "commodity"], sort=True):
        g = g.sort_values("date")
        dates = pd.to_datetime(g["date"])
        q = {
            k: g[k].rolling(window, min_periods=1, center=True).mean() * 100.0
            for k in ("p05", "p25", "p50", "p75", "p95")
        }
        (line,) = ax.plot(dates, q["p50"], lw=1.6, label=f"{buyer} · {commodity}")
        ax.fill_between(dates, q["p25"], q["p75"], color=line.get_color(), alpha=0.25, lw=0)
        ax.fill_between(dates, q["p05"], q["p95"], color=line.get_color(), alpha=0.10, lw=0)
    ax.set_ylabel(f"unmet demand, % of demand ({window}-day mean of daily quantiles)")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    ax.set_title(f"{title}: shortage by buyer and commodity (median, 50 % and 90 % bands)")
    ax.legend(fontsize=7, ncol=2, loc="upper left", frameon=False)
    return ax


def save_shortage_bands_figure(bands: pd.DataFrame, title: str, path: Path) -> None:
    """Save the shortage fan chart of a bands table as PNG (the run directory's figure)."""
    fig, ax = plt.subplots(figsize=(10, 5.5))
    plot_shortage_bands(bands, title, ax)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
