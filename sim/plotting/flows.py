"""Flows by origin country: stacked monthly tonnes over time, and shares before vs after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plotting.common import PALETTE, date_axis, grid, new_ax
from sim.plotting.markers import mark_policies
from sim.results.policies import PolicyMark

#: First and last date a figure's time axis covers (the scenario's horizon).
Span = tuple[pd.Timestamp, pd.Timestamp]


def _select(
    flows: pd.DataFrame, commodity: str | None, destination: str | None, imports_only: bool
) -> pd.DataFrame:
    f = flows
    if commodity is not None:
        f = f[f["commodity"] == commodity]
    if destination is not None:
        f = f[f["destination_country"] == destination]
    if imports_only:
        f = f[f["origin_country"] != f["destination_country"]]
    return f.assign(date=pd.to_datetime(f["date"]))


def monthly_by_origin(
    flows: pd.DataFrame,
    commodity: str | None = None,
    destination: str | None = None,
    imports_only: bool = False,
) -> pd.DataFrame:
    """Tonnes per calendar month (rows, month start) by origin country (columns)."""
    f = _select(flows, commodity, destination, imports_only)
    if f.empty:
        return pd.DataFrame()
    m = f.groupby([pd.Grouper(key="date", freq="MS"), "origin_country"])["flow_t"].sum()
    return m.unstack("origin_country", fill_value=0.0).sort_index(axis=1)


def _colors(origins: Sequence[str]) -> dict[str, str]:
    return {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(sorted(origins))}


def plot_flows(
    flows: pd.DataFrame,
    commodity: str | None = None,
    destination: str | None = None,
    ax: Axes | None = None,
    policies: Sequence[PolicyMark] = (),
    imports_only: bool = False,
    span: Span | None = None,
) -> Axes:
    """Stacked monthly shipments by origin country (t/month), policy dates marked. With `span`
    the axis covers it whole: months without shipments count as zero, so flows that stop early
    show as a drop, not as a shorter axis."""
    ax = ax if ax is not None else new_ax()
    m = monthly_by_origin(flows, commodity, destination, imports_only)
    if span is not None:
        ax.set_xlim(span[0], span[1])
    if m.empty:
        ax.text(0.5, 0.5, "no shipments", ha="center", va="center", transform=ax.transAxes)
        if span is not None:
            date_axis(ax)
        return ax
    colors = _colors(flows["origin_country"].unique())
    if span is not None:
        months = pd.date_range(span[0].to_period("M").start_time, span[1], freq="MS")
        m = m.reindex(m.index.union(months), fill_value=0.0)
    end = m.index[-1] + pd.offsets.MonthBegin(1)
    m = pd.concat([m, m.iloc[[-1]].set_axis([end])])  # so the last month is drawn (step post)
    ax.stackplot(
        m.index,
        *[m[c].to_numpy() for c in m.columns],
        labels=list(m.columns),
        colors=[colors[c] for c in m.columns],
        step="post",
        alpha=0.85,
    )
    ax.set_ylabel("shipped, t/month")
    ax.set_ylim(bottom=0)
    ax.margins(x=0)
    if span is not None:
        ax.set_xlim(span[0], span[1])
    ax.grid(alpha=0.3)
    date_axis(ax)
    into = f" → {destination}" if destination else ""
    ax.set_title(f"{commodity or 'all commodities'}{into}, by origin", fontsize=10)
    ax.legend(loc="upper right", fontsize=7, frameon=False, title="origin", title_fontsize=7)
    mark_policies(ax, policies)
    return ax


def flows_grid(
    flows: pd.DataFrame,
    policies: Sequence[PolicyMark] = (),
    destination: str | None = None,
    max_panels: int = 6,
    title: str | None = None,
    span: Span | None = None,
) -> Figure:
    """Small multiples of `plot_flows`, one per commodity (largest total first)."""
    f = flows if destination is None else flows[flows["destination_country"] == destination]
    order = f.groupby("commodity")["flow_t"].sum().sort_values(ascending=False)
    commodities = list(order.index[:max_panels]) or [None]
    fig, axes = grid(len(commodities))
    for c, ax in zip(commodities, axes, strict=True):
        plot_flows(flows, c, destination, ax, policies, span=span)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def imports_grid(
    flows: pd.DataFrame,
    destinations: Sequence[str],
    policies: Sequence[PolicyMark] = (),
    per_destination: int = 3,
    title: str | None = None,
    span: Span | None = None,
) -> Figure:
    """Imports of each destination country by origin (stacked t/month), its
    `per_destination` most imported commodities, one row per destination."""
    imports = flows[flows["origin_country"] != flows["destination_country"]]
    keys: list[tuple[str, str]] = []
    for dest in destinations:
        f = imports[imports["destination_country"] == dest]
        top = f.groupby("commodity")["flow_t"].sum().sort_values(ascending=False)
        keys += [(dest, str(c)) for c in top.index[:per_destination]]
    fig, axes = grid(max(1, len(keys)), ncols=per_destination)
    for (dest, c), ax in zip(keys, axes, strict=False):
        plot_flows(flows, c, dest, ax, policies, imports_only=True, span=span)
        ax.set_title(f"{c} → {dest}, by origin (imports)", fontsize=10)
    if not keys:
        axes[0].text(0.5, 0.5, "no imports", ha="center", va="center")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def importers(flows: pd.DataFrame) -> list[str]:
    """Countries that import anything (shipments from another country), most imported first."""
    imports = flows[flows["origin_country"] != flows["destination_country"]]
    total = imports.groupby("destination_country")["flow_t"].sum()
    total = total[total > 0]
    return [str(c) for c in sorted(total.index, key=lambda c: (-total[c], str(c)))]


def split_at(flows: pd.DataFrame, date: dt.date) -> dict[str, pd.DataFrame]:
    """Flows before and from `date`, labelled for `plot_flow_shift`."""
    d = pd.to_datetime(flows["date"])
    ts = pd.Timestamp(date)
    return {
        f"before {date:%d %b %Y}": flows[d < ts],
        f"from {date:%d %b %Y}": flows[d >= ts],
    }


def plot_flow_shift(
    flows_by_label: Mapping[str, pd.DataFrame],
    commodity: str | None = None,
    destination: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Average monthly shipments by origin country, one stacked horizontal bar per label (before
    vs after a date, or scenario A vs B)."""
    ax = ax if ax is not None else new_ax((8.0, 1.2 + 0.6 * len(flows_by_label)))
    rows = {}
    for label, f in flows_by_label.items():
        m = monthly_by_origin(f, commodity, destination)
        rows[label] = m.mean() if not m.empty else pd.Series(dtype=float)
    table = pd.DataFrame(rows).T.fillna(0.0)
    colors = _colors(list(table.columns))
    left = pd.Series(0.0, index=table.index)
    labels = list(table.index)[::-1]
    for origin in table.columns:
        vals = table.loc[labels, origin]
        ax.barh(labels, vals, left=left[labels], color=colors[origin], label=origin)
        left[labels] += vals
    ax.set_xlabel("average shipped, t/month")
    into = f" → {destination}" if destination else ""
    ax.set_title(f"{commodity or 'all commodities'}{into}: origin mix", fontsize=10)
    ax.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, title="origin"
    )
    ax.grid(axis="x", alpha=0.3)
    return ax
