"""The figures of a report, per kind of output directory: (file name, caption, how to draw
it). Figures are drawn only when asked for, so a report of fewer figures costs less."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sim.plotting.common import Figure, figure_of
from sim.plotting.compare import overlay_grid, plot_differences
from sim.plotting.fan import fan_grid, pairs, worst_pairs
from sim.plotting.flows import flows_grid, imports_grid, plot_flow_shift, split_at
from sim.plotting.tornado import plot_tornado
from sim.results.io.reader import OutputDir
from sim.results.policies import PolicyMark, merged_marks
from sim.runner.defaults import check_figures

FigureSpec = tuple[str, str, Callable[[], Figure]]
#: The shortage charts: the figures of `figures="summary"` (the headline of each kind).
SUMMARY = frozenset({"first_screen.png", "shortage_fan.png", "overlay_shortage.png", "tornado.png"})
IMPORTERS = ("US", "JP")  # whose imports the run report shows by origin


def marks(out: OutputDir) -> list[PolicyMark]:
    """Policy dates of every scenario in the directory (see `merged_marks`)."""
    return merged_marks(out.documents)


def _reps(out: OutputDir) -> int:
    return int(out.manifest.get("reps", 0))


def run_figures(out: OutputDir) -> list[FigureSpec]:
    """Figures of a run directory's report: (file name, caption, how to draw it)."""
    pm = marks(out)
    n = _reps(out)
    name = out.manifest.get("scenario", "")
    shown = worst_pairs(out.bands)
    total = len(pairs(out.bands))
    which = "" if len(shown) == total else f" ({len(shown)} of {total} pairs: most short first)"
    specs: list[FigureSpec] = [
        (
            "shortage_fan.png",
            f"Unmet demand per buyer and commodity{which}, % of daily demand: median, 50 % and "
            f"90 % bands over {n} replications, 30-day centred mean of each. Vertical lines: "
            "policy starts (solid) and ends (dotted).",
            lambda: fan_grid(
                out.bands, "shortage_frac", pm, f"{name}: shortage (n={n})", smooth=30, only=shown
            ),
        ),
        (
            "days_of_cover.png",
            f"Buyer inventory in days of demand{which}: median, 50 % and 90 % bands.",
            lambda: fan_grid(
                out.bands, "days_of_cover", pm, f"{name}: days of cover (n={n})", only=shown
            ),
        ),
    ]
    if len(out.flows):
        specs.append(
            (
                "flows.png",
                "Shipments by origin country, t/month (mean over replications), per commodity.",
                lambda: flows_grid(out.flows, pm, title=f"{name}: flows by origin country"),
            )
        )
        destinations = [d for d in IMPORTERS if (out.flows["destination_country"] == d).any()]
        if destinations:
            specs.append(
                (
                    "imports.png",
                    f"Imports of {' and '.join(destinations)} by origin country, t/month (mean "
                    "over replications): the three most imported commodities of each.",
                    lambda: imports_grid(
                        out.flows, destinations, pm, title=f"{name}: imports by origin country"
                    ),
                )
            )
        inside = [m for m in pm if out.flows["date"].min() < _ts(m.start) < out.flows["date"].max()]
        if inside:
            first = inside[0]

            def shift() -> Figure:
                ax = plot_flow_shift(split_at(out.flows, first.start))
                ax.set_title(f"origin mix before and from {first.id} ({first.start:%d %b %Y})")
                return figure_of(ax)

            specs.append(
                (
                    "flows_shift.png",
                    f"Average monthly shipments by origin, before vs from the first policy date "
                    f"({first.id}), all commodities.",
                    shift,
                )
            )
    return specs


def compare_figures(out: OutputDir) -> list[FigureSpec]:
    """Figures of a compare directory's report."""
    pm = marks(out)
    labels = list(dict.fromkeys(out.bands["scenario"]))
    by = {lab: out.bands[out.bands["scenario"] == lab] for lab in labels}
    specs: list[FigureSpec] = [
        (
            "overlay_shortage.png",
            "Unmet demand, % of daily demand: median and 50 % band per scenario (same seeds), "
            "30-day centred mean of each.",
            lambda: overlay_grid(by, "shortage_frac", pm, title="shortage by scenario", smooth=30),
        ),
        (
            "overlay_cover.png",
            "Days of cover: median and 50 % band per scenario.",
            lambda: overlay_grid(by, "days_of_cover", pm, title="days of cover by scenario"),
        ),
    ]
    diffs = out.tables.get("differences")
    if diffs is not None and len(diffs):
        specs.append(
            (
                "differences.png",
                "Paired differences in total shortage (percentage points of demand) against the "
                "first scenario: mean and 95 % confidence interval over replications.",
                lambda: figure_of(plot_differences(diffs, "shortage_pct")),
            )
        )
    if len(out.flows):
        fl = {lab: out.flows[out.flows["scenario"] == lab] for lab in labels}
        specs.append(
            (
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
        (
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


def wanted(specs: list[FigureSpec], figures: str) -> list[FigureSpec]:
    """The figures of `specs` that `figures` asks for (see `shown`)."""
    return [s for s in specs if shown(s[0], figures)]
