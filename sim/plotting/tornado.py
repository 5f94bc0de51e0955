"""Tornado chart of a one-at-a-time (or grid main-effect) sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.plotting.common import PALETTE, new_ax


def plot_tornado(
    effects: pd.DataFrame,
    baseline: float,
    ax: Axes | None = None,
    xlabel: str = "total shortage, % of demand",
) -> Axes:
    """One bar per varied key from its lowest to its highest outcome, around the baseline;
    widest swing on top. `effects`: key, value, mean (one row per key × value)."""
    rows: list[tuple[str, pd.Series, pd.Series, float]] = []
    for key, g in effects.groupby("key", sort=False):
        lo, hi = g.loc[g["mean"].idxmin()], g.loc[g["mean"].idxmax()]
        rows.append((str(key), lo, hi, float(hi["mean"] - lo["mean"])))
    rows.sort(key=lambda r: r[3])
    ax = ax if ax is not None else new_ax((8.0, 1.4 + 0.55 * max(1, len(rows))))
    for y, (_key, lo, hi, _) in enumerate(rows):
        for end, color in ((lo, PALETTE[0]), (hi, PALETTE[3])):
            left = min(baseline, float(end["mean"]))
            width = abs(float(end["mean"]) - baseline)
            ax.barh(y, width, left=left, color=color, height=0.6, alpha=0.85)
            right = float(end["mean"]) >= baseline
            ax.annotate(
                f"{end['value']}",
                xy=(float(end["mean"]), y),
                xytext=(4 if right else -4, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=8,
            )
    ax.axvline(baseline, color="0.2", lw=1.0, label=f"baseline {baseline:.3g}")
    ax.set_yticks(np.arange(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.set_xlabel(xlabel)
    ends = [baseline] + [float(end["mean"]) for r in rows for end in (r[1], r[2])]
    pad = 0.18 * ((max(ends) - min(ends)) or 1.0)
    ax.set_xlim(min(ends) - pad, max(ends) + pad)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(
        "sensitivity: lowest (blue) and highest (red) outcome per varied input", fontsize=10
    )
    return ax
