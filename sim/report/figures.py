"""The figures of a report, per kind of output directory: (file name, caption, drawing), the
drawing done only when called (so only the figures asked for are drawn, wherever they are)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import pandas as pd

from sim.plotting.common import Figure, figure_of
from sim.plotting.compare import overlay_grid, plot_differences
from sim.plotting.fan import fan_grid, pairs, worst_pairs
from sim.plotting.flows import (
    Span,
    flows_grid,
    importers,
    imports_grid,
    plot_flow_shift,
    split_at,
)
from sim.plotting.tornado import plot_tornado
from sim.results.io.reader import OutputDir
from sim.results.policies import PolicyMark, merged_marks
from sim.runner.defaults import check_figures


class FigureSpec(NamedTuple):
    """A figure of a report: its file name, its caption and how to draw it."""

    name: str
    caption: str
    draw: Callable[[], Figure]


#: The shortage charts: the figures of `figures="summary"` (the headline of each kind).
SUMMARY = frozenset({"first_screen.png", "shortage_fan.png", "overlay_shortage.png", "tornado.png"})


def marks(out: OutputDir) -> list[PolicyMark]:
    """Policy dates of every scenario in the directory (see `merged_marks`)."""
    return merged_marks(out.documents)


def span(out: OutputDir) -> Span | None:
    """First and last day of the horizon: the days of the buyers' records (None if it has none)."""
    if out.bands.empty:
        return None
    dates = pd.to_datetime(out.bands["date"])
    return dates.min(), dates.max() + pd.Timedelta(days=1)


def _reps(out: OutputDir) -> int:
    return int(out.manifest.get("reps", 0))


def run_figures(out: OutputDir) -> list[FigureSpec]:
    """Figures of a run directory's report: (file name, caption, figure)."""
    pm = marks(out)
    n = _reps(out)
    name = out.manifest.get("scenario", "")
    shown = worst_pairs(out.bands)
    total = len(pairs(out.bands))
    which = "" if len(shown) == total else f" ({len(shown)} of {total} pairs: most short first)"
    specs: list[FigureSpec] = [
        FigureSpec(
            "shortage_fan.png",
            f"Unmet demand per buyer and commodity{which}, % of daily demand: median, 50 % and "
            f"90 % bands over {n} replications, 30-day centred mean of each. Vertical lines: "
            "policy starts (solid) and ends (dotted).",
            partial(
                fan_grid,
                out.bands,
                "shortage_frac",
                pm,
                f"{name}: shortage (n={n})",
                smooth=30,
                only=shown,
            ),
        ),
        FigureSpec(
            "days_of_cover.png",
            f"Buyer inventory in days of demand{which}: median, 50 % and 90 % bands.",
            partial(
                fan_grid,
                out.bands,
                "days_of_cover",
                pm,
                f"{name}: days of cover (n={n})",
                only=shown,
            ),
        ),
    ]
    if len(out.flows):
        specs.append(
            FigureSpec(
                "flows.png",
                "Shipments by origin country, t/month (mean over replications), per commodity.",
                partial(
                    flows_grid,
                    out.flows,
                    pm,
                    title=f"{name}: flows by origin country",
                    span=span(out),
                ),
            )
        )
        destinations = importers(out.flows)
        if destinations:
            specs.append(
                FigureSpec(
                    "imports.png",
                    f"Imports of {', '.join(destinations)} (most imported first) by origin "
                    "country, t/month (mean over replications): the three most imported "
                    "commodities of each; the axis spans the whole horizon.",
                    partial(
                        imports_grid,
                        out.flows,
                        destinations,
                        pm,
                        title=f"{name}: imports by origin country",
                        span=span(out),
                    ),
                )
            )
        inside = [m for m in pm if out.flows["date"].min() < _ts(m.start) < out.flows["date"].max()]
        if inside:
            first = inside[0]
            specs.append(
                FigureSpec(
                    "flows_shift.png",
                    f"Average monthly shipments by origin, before vs from the first policy date "
                    f"({first.id}), all commodities.",
                    partial(_shift_at, out.flows, first),
                )
            )
    return specs


def _shift_at(flows: pd.DataFrame, mark: PolicyMark) -> Figure:
    ax = plot_flow_shift(split_at(flows, mark.start))
    ax.set_title(f"origin mix before and from {mark.id} ({mark.start:%d %b %Y})")
    return figure_of(ax)


def compare_figures(out: OutputDir) -> list[FigureSpec]:
    """Figures of a compare directory's report."""
    pm = marks(out)
    labels = list(dict.fromkeys(out.bands["scenario"]))
    by = {lab: out.bands[out.bands["scenario"] == lab] for lab in labels}
    specs: list[FigureSpec] = [
        FigureSpec(
            "overlay_shortage.png",
            "Unmet demand, % of daily demand: median and 50 % band per scenario (same seeds), "
            "30-day centred mean of each.",
            partial(overlay_grid, by, "shortage_frac", pm, title="shortage by scenario", smooth=30),
        ),
        FigureSpec(
            "overlay_cover.png",
            "Days of cover: median and 50 % band per scenario.",
            partial(overlay_grid, by, "days_of_cover", pm, title="days of cover by scenario"),
        ),
    ]
    diffs = out.tables.get("differences")
    if diffs is not None and len(diffs):
        specs.append(
            FigureSpec(
                "differences.png",
                "Paired differences in total shortage (percentage points of demand) against the "
                "first scenario: mean and 95 % confidence interval over replications.",
                lambda: figure_of(plot_differences(diffs, "shortage_pct")),
            )
        )
    if len(out.flows):
        fl = {lab: out.flows[out.flows["scenario"] == lab] for lab in labels}
        specs.append(
            FigureSpec(
                "flows_shift.png",
                "Average monthly shipments by origin country per scenario, all commodities.",
                lambda: figure_of(plot_flow_shift(fl)),
            )
        )
    return specs


def sweep_figures(out: OutputDir) -> list[FigureSpec]:
    """Figures of a sweep directory's report."""
    effects = out.tables.get("effects")
    table = out.tables.get("sweep")
    if effects is None or table is None or effects.empty:
        return []
    base = float(table.loc[table["variant"] == "baseline", "shortage_pct_mean"].iloc[0])
    effects = effects.assign(value=effects["value"].astype(str))
    xlabel = "total shortage, % of demand (mean over replications)"
    return [
        FigureSpec(
            "tornado.png",
            "Total shortage (% of demand, all buyers) for the lowest and highest outcome of each "
            "varied input, around the baseline.",
            lambda: figure_of(plot_tornado(effects, base, xlabel=xlabel)),
        )
    ]


def _ts(d: object) -> pd.Timestamp:
    return pd.Timestamp(d)


FIGURES = {"run": run_figures, "compare": compare_figures, "sweep": sweep_figures}


def shown(name: str, figures: str) -> bool:
    """Whether the figure `name` is drawn under `figures` ("all", "summary" or "none")."""
    check_figures(figures)
    return figures == "all" or (figures == "summary" and name in SUMMARY)
