"""Fan charts from a bands table: median with 50 % and 90 % bands across replications."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plotting.common import DISPLAY, PALETTE, date_axis, grid, new_ax
from sim.plotting.markers import mark_policies
from sim.results.bands import band
from sim.results.policies import PolicyMark


def smooth_series(s: pd.Series, days: int) -> pd.Series:
    """`s` smoothed by a centred `days`-day rolling mean."""
    return s if days <= 1 else s.rolling(days, min_periods=1, center=True).mean()


def plot_fan(
    bands: pd.DataFrame,
    buyer: str,
    commodity: str,
    variable: str = "shortage_frac",
    ax: Axes | None = None,
    policies: Sequence[PolicyMark] = (),
    smooth: int = 1,
    color: str | None = None,
    label: str | None = None,
    title: bool = True,
    policy_labels: bool = True,
) -> Axes:
    """Median (line), 50 % and 90 % bands of `variable` for one buyer × commodity, on dates,
    with policy dates marked. `smooth` > 1 draws centred rolling means of the quantiles."""
    ax = ax if ax is not None else new_ax()
    scale, ylabel = DISPLAY[variable]
    b = band(bands, buyer, commodity, variable)
    q = {k: smooth_series(b[k] * scale, smooth) for k in ("p05", "p25", "p50", "p75", "p95")}
    color = color or PALETTE[0]
    ax.fill_between(b["date"], q["p05"], q["p95"], color=color, alpha=0.15, lw=0, label="90 %")
    ax.fill_between(b["date"], q["p25"], q["p75"], color=color, alpha=0.35, lw=0, label="50 %")
    ax.plot(b["date"], q["p50"], color=color, lw=1.6, label=label or "median")
    ax.set_ylabel(ylabel + (f" ({smooth}-day mean)" if smooth > 1 else ""))
    ax.set_ylim(bottom=0)
    if variable == "shortage_frac":
        ax.set_ylim(top=max(5.0, float(q["p95"].max()) * 1.08))
    ax.margins(x=0)
    ax.grid(alpha=0.3)
    date_axis(ax)
    if title:
        ax.set_title(f"{buyer} · {commodity}", fontsize=10)
    mark_policies(ax, policies, labels=policy_labels)
    return ax


def pairs(bands: pd.DataFrame) -> list[tuple[str, str]]:
    """Buyer × commodity pairs of a bands table, sorted."""
    p = bands[["buyer", "commodity"]].drop_duplicates().sort_values(["buyer", "commodity"])
    return [(str(b), str(c)) for b, c in p.itertuples(index=False)]


def worst_pairs(bands: pd.DataFrame, limit: int = 12) -> list[tuple[str, str]]:
    """At most `limit` buyer × commodity pairs: most shortage (highest p95 of the daily shortage
    fraction) first, then lowest median days of cover."""
    short = bands[bands["variable"] == "shortage_frac"].groupby(["buyer", "commodity"])["p95"].max()
    cover = bands[bands["variable"] == "days_of_cover"].groupby(["buyer", "commodity"])["p50"].min()
    rank = pd.DataFrame({"short": short, "cover": cover}).fillna({"short": 0.0})
    if (rank["short"] > 0).any():  # pairs never short say nothing in a shortage chart
        rank = rank[rank["short"] > 0]
    rank = rank.sort_values(["short", "cover"], ascending=[False, True]).head(limit)
    return sorted((str(b), str(c)) for b, c in rank.index)


def fan_grid(
    bands: pd.DataFrame,
    variable: str = "shortage_frac",
    policies: Sequence[PolicyMark] = (),
    title: str | None = None,
    ncols: int = 3,
    smooth: int = 1,
    only: list[tuple[str, str]] | None = None,
) -> Figure:
    """Small multiples: one fan chart per buyer × commodity (or the pairs in `only`); policy
    lines in every panel, their labels in the first row, one y label for the figure."""
    keys = pairs(bands) if only is None else only
    fig, axes = grid(len(keys), ncols)
    for i, ((buyer, commodity), ax) in enumerate(zip(keys, axes, strict=True)):
        plot_fan(
            bands,
            buyer,
            commodity,
            variable,
            ax,
            policies,
            smooth=smooth,
            policy_labels=i < ncols,
        )
        ylabel = ax.get_ylabel()
        ax.set_ylabel("")
    if keys:
        fig.supylabel(ylabel, fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
