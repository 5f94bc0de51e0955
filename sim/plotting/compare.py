"""Scenario comparison figures: overlaid fan charts and paired differences with intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plotting.common import DISPLAY, PALETTE, date_axis, grid, new_ax
from sim.plotting.fan import smooth_series, worst_pairs
from sim.plotting.markers import mark_policies
from sim.results.bands import band
from sim.results.policies import PolicyMark


def plot_overlay(
    bands_by_label: Mapping[str, pd.DataFrame],
    buyer: str,
    commodity: str,
    variable: str = "shortage_frac",
    ax: Axes | None = None,
    policies: Sequence[PolicyMark] = (),
    smooth: int = 1,
    legend: bool = True,
) -> Axes:
    """Median and 50 % band of `variable` for one buyer × commodity, one colour per scenario;
    `smooth` > 1 draws centred rolling means of the quantiles."""
    ax = ax if ax is not None else new_ax()
    scale, ylabel = DISPLAY[variable]
    top = 0.0
    for i, (label, table) in enumerate(bands_by_label.items()):
        b = band(table, buyer, commodity, variable)
        if b.empty:
            continue
        color = PALETTE[i % len(PALETTE)]
        q = {k: smooth_series(b[k] * scale, smooth) for k in ("p25", "p50", "p75")}
        ax.fill_between(b["date"], q["p25"], q["p75"], color=color, alpha=0.2, lw=0)
        ax.plot(b["date"], q["p50"], color=color, lw=2.2 if i == 0 else 1.4, label=label)
        top = max(top, float(np.nanmax(q["p75"])))
    ax.set_ylabel(ylabel + (f" ({smooth}-day mean)" if smooth > 1 else ""))
    ax.set_ylim(bottom=0)
    if variable == "shortage_frac":
        ax.set_ylim(top=max(5.0, top * 1.1))
    ax.margins(x=0)
    ax.grid(alpha=0.3)
    date_axis(ax)
    ax.set_title(f"{buyer} · {commodity} (median, 50 % band)", fontsize=10)
    if legend:
        ax.legend(loc="upper left", fontsize=7, frameon=False)
    mark_policies(ax, policies)
    return ax


def overlay_grid(
    bands_by_label: Mapping[str, pd.DataFrame],
    variable: str = "shortage_frac",
    policies: Sequence[PolicyMark] = (),
    title: str | None = None,
    limit: int = 9,
    smooth: int = 1,
) -> Figure:
    """Small multiples of `plot_overlay`, one per buyer × commodity among the `limit` most short
    of each scenario."""
    keys = sorted({k for t in bands_by_label.values() for k in worst_pairs(t, limit)})
    fig, axes = grid(len(keys))
    ylabel = ""
    for (buyer, commodity), ax in zip(keys, axes, strict=True):
        plot_overlay(bands_by_label, buyer, commodity, variable, ax, policies, smooth, False)
        ylabel = ax.get_ylabel()
        ax.set_ylabel("")
    if keys:
        fig.supylabel(ylabel, fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_differences(
    differences: pd.DataFrame, metric: str = "shortage_pct", ax: Axes | None = None
) -> Axes:
    """Mean paired difference with its 95 % interval per buyer × commodity (one marker per
    compared scenario), from `sim.runner.compare.paired_differences`."""
    d = differences[differences["metric"] == metric]
    labels = sorted({f"{b} · {c}" for b, c in zip(d["buyer"], d["commodity"], strict=True)})
    ax = ax if ax is not None else new_ax((8.0, 1.5 + 0.45 * max(1, len(labels))))
    ypos = {lab: i for i, lab in enumerate(labels[::-1])}
    versus = list(dict.fromkeys(d["scenario"]))
    step = 0.6 / max(1, len(versus))
    for j, name in enumerate(versus):
        s = d[d["scenario"] == name]
        y = np.array([ypos[f"{b} · {c}"] for b, c in zip(s["buyer"], s["commodity"], strict=True)])
        y = y + (j - (len(versus) - 1) / 2) * step
        err = np.vstack([s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]])
        ax.errorbar(
            s["mean"],
            y,
            xerr=np.nan_to_num(err),
            fmt="o",
            color=PALETTE[(j + 1) % len(PALETTE)],
            capsize=3,
            label=f"{name} − {s['reference'].iloc[0]}",
        )
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    unit = "percentage points" if metric == "shortage_pct" else metric
    ax.set_xlabel(f"difference in {metric} ({unit}), mean and 95 % CI over paired replications")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax
