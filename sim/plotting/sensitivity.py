"""Ranked bar chart of global sensitivity indices (Sobol' total and first-order, or Morris μ*)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.plotting.common import PALETTE, new_ax


def plot_indices(indices: pd.DataFrame, output: str, ax: Axes | None = None, top: int = 15) -> Axes:
    """The `top` inputs of `output`, most influential on top: Sobol' total (bar) and first-order
    (narrow bar) indices with their 95 % intervals, or Morris μ* with its interval and σ.
    `indices`: rows of `sim.runner.sensitivity` (input, output, S1…/mu_star…)."""
    t = indices[indices["output"] == output]
    sobol = "ST" in t.columns and t["ST"].notna().any()
    key = "ST" if sobol else "mu_star"
    t = t.sort_values(key, ascending=False, kind="stable").head(top).iloc[::-1]
    ax = ax if ax is not None else new_ax((8.0, 1.4 + 0.38 * max(1, len(t))))
    y = np.arange(len(t))
    main = t[key].to_numpy(float)
    err = np.vstack(
        [main - t[f"{key}_low"].to_numpy(float), t[f"{key}_high"].to_numpy(float) - main]
    )
    label = "total index ST" if sobol else "μ* (mean |elementary effect|)"
    ax.barh(y, main, height=0.7, color=PALETTE[0], alpha=0.8, label=label)
    ax.errorbar(main, y, xerr=np.clip(err, 0, None), fmt="none", ecolor="0.25", lw=0.8, capsize=2)
    if sobol:
        s1 = t["S1"].to_numpy(float)
        ax.barh(y, s1, height=0.3, color=PALETTE[3], alpha=0.9, label="first-order index S1")
    else:
        ax.plot(
            t["sigma"].to_numpy(float), y, "o", color=PALETTE[3], ms=4, label="σ (interactions)"
        )
    ax.set_yticks(y, [str(v) for v in t["input"]], fontsize=7)
    ax.set_xlabel("index" if sobol else f"effect on {output} over each input's range")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    ax.set_title(f"what drives {output}: inputs ranked by {label}", fontsize=10)
    return ax
