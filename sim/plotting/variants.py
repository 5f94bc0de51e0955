"""A variant beside its base: fan charts of the same buyer × commodity pairs overlaid, one panel
per pair (the figures of the workshop brief)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.plotting.common import PALETTE, grid, save
from sim.plotting.fan import plot_fan
from sim.results.policies import PolicyMark


def save_variant_fans(
    base: pd.DataFrame,
    variant: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    titles: Sequence[str],
    path: str | Path,
    policies: Sequence[PolicyMark] = (),
) -> Path:
    """Save one panel per (buyer, commodity) of `pairs`: the base's and the variant's median with
    50 % and 90 % bands of unmet demand (bands tables as `sim.results.bands`), overlaid."""
    fig, axes = grid(max(1, len(pairs)), ncols=1, panel=(8.0, 2.8))
    for ax, (buyer, commodity), title in zip(axes, pairs, titles, strict=False):
        plot_fan(base, buyer, commodity, ax=ax, color="0.45", label="base median", title=False)
        plot_fan(
            variant,
            buyer,
            commodity,
            ax=ax,
            color=PALETTE[1],
            label="variant median",
            title=False,
            policies=policies,
        )
        ax.set_title(title, fontsize=10)
        handles, labels = ax.get_legend_handles_labels()
        keep = [i for i, lab in enumerate(labels) if "median" in lab]
        ax.legend(
            [handles[i] for i in keep], [labels[i] for i in keep], fontsize=8, loc="upper left"
        )
    if not pairs:
        axes[0].text(0.5, 0.5, "no buyer runs short", ha="center", va="center")
        axes[0].set_axis_off()
    return save(fig, path)
