"""Shared figure helpers: dated axes, units, saving. `sim.plotting` is the only package that
imports matplotlib; it sets no backend (matplotlib picks one, Agg where there is no display;
the tests force Agg)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: How each bands variable is shown: (scale factor, axis label).
DISPLAY = {
    "shortage_frac": (100.0, "unmet demand, % of demand"),
    "shortage_t": (1.0, "unmet demand, t/day"),
    "inventory_t": (1.0, "inventory, t"),
    "days_of_cover": (1.0, "days of cover"),
    "delivered_t": (1.0, "delivered, t/day"),
    "demand_t": (1.0, "demand, t/day"),
}
PALETTE = plt.rcParams["axes.prop_cycle"].by_key()["color"]


__all__ = ["DISPLAY", "PALETTE", "Axes", "Figure", "date_axis", "figure_of", "grid", "new_ax"]


def figure_of(ax: Axes) -> Figure:
    """The figure an axes belongs to."""
    fig = ax.figure
    assert isinstance(fig, Figure)
    return fig


def new_ax(figsize: tuple[float, float] = (8.0, 4.5)) -> Axes:
    """One axes in a new figure of `figsize` inches."""
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def date_axis(ax: Axes) -> None:
    """Concise calendar dates on the x axis."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def grid(
    n: int, ncols: int = 3, panel: tuple[float, float] = (4.6, 3.0)
) -> tuple[Figure, list[Axes]]:
    """A figure with `n` panels in rows of at most `ncols`; unused panels are hidden."""
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel[0] * ncols, panel[1] * nrows + 0.6),
        squeeze=False,
        layout="constrained",
    )
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def save(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Write `fig` as PNG and close it."""
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return Path(path)


def close(fig: Figure) -> None:
    """Discard `fig` without drawing it."""
    plt.close(fig)


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """`fig` as PNG bytes; closes it. The layout is computed once, at the output's dpi (saving
    a figure with a layout engine would compute it twice)."""
    buf = io.BytesIO()
    if fig.get_layout_engine() is not None:
        fig.set_dpi(dpi)
        fig.draw_without_rendering()
        fig.set_layout_engine(None)
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
