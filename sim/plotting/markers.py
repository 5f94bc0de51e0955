"""Policy dates on a dated axis: a vertical line at each start (solid) and end (dotted), labelled
with the policy id; nearby dates share one label so labels do not overlap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import matplotlib.dates as mdates
from matplotlib.axes import Axes

from sim.results.policies import PolicyMark


def _events(marks: Sequence[PolicyMark]) -> list[tuple[dt.date, str, str]]:
    out = [(m.start, m.id, "start") for m in marks]
    out += [(m.end, m.id, "end") for m in marks if m.end is not None]
    return sorted(out)


def mark_policies(
    ax: Axes, marks: Sequence[PolicyMark], labels: bool = True, fontsize: float = 7.0
) -> Axes:
    """Draw policy starts and ends that fall inside the current x range; returns `ax`.

    Lines carry `gid="policy:<id>:<start|end>"`; labels read `id` at a start and `id ends` at
    an end, and are clipped to the panel without taking part in the figure's layout.
    """
    lo, hi = (mdates.num2date(x).date() for x in ax.get_xlim())
    span = max((hi - lo).days, 1)
    groups: list[list[tuple[dt.date, str, str]]] = []
    for ev in _events(marks):
        if not lo <= ev[0] <= hi:
            continue
        if groups and (ev[0] - groups[-1][0][0]).days < 0.06 * span:
            groups[-1].append(ev)
        else:
            groups.append([ev])
    for group in groups:
        for day, pid, kind in group:
            ax.axvline(
                mdates.date2num(day),
                color="0.35",
                lw=0.9,
                ls="-" if kind == "start" else ":",
                gid=f"policy:{pid}:{kind}",
                zorder=1,
            )
        if labels:
            text = ", ".join(pid if kind == "start" else f"{pid} ends" for _, pid, kind in group)
            ax.annotate(
                text,
                xy=(mdates.date2num(group[0][0]), 0.98),
                xycoords=("data", "axes fraction"),
                xytext=(2, 0),
                textcoords="offset points",
                rotation=90,
                va="top",
                ha="left",
                fontsize=fontsize,
                color="0.25",
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
                gid="policy-label",
                annotation_clip=False,
                clip_on=True,  # long labels stop at the panel's edge ...
                in_layout=False,  # ... and never squeeze the layout
            )
    return ax
