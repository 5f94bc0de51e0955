"""The first screen of a run report: who runs short of what, when, how much and how sure we
are, in a short ranked list with the main curve; the full table after it, with the pairs that
never run short folded away."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from sim.plotting.common import Figure, figure_of, new_ax
from sim.plotting.fan import plot_fan
from sim.report import html
from sim.report.figures import FigureSpec
from sim.results.io.reader import OutputDir
from sim.results.policies import PolicyMark
from sim.results.risk import wilson
from sim.results.stats import mean_ci

TOP = 5
_LEFT = ("buyer", "commodity")


def _pct(x: float, dec: int = 0) -> str:
    return "–" if not math.isfinite(x) else f"{x:.{dec}f} %"


def ranked_shortages(metrics: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Buyer × commodity pairs short in at least one replication, most short first (mean
    shortage, % of demand), with a 95 % t interval, the mean tonnes, P(any shortage) with a
    95 % Wilson interval, and the median date of the first shortage."""
    m = metrics[(metrics["buyer"] != "(all)") & (metrics["commodity"] != "(all)")]
    rows = []
    for (buyer, commodity), g in m.groupby(["buyer", "commodity"], sort=True):
        hits = int((g["short"] > 0).sum())
        if not hits:
            continue
        mean, lo, hi = mean_ci(g["shortage_pct"].to_numpy())
        p, plo, phi = wilson(hits, len(g))
        tts = g["tts_days"].dropna()
        first = start + dt.timedelta(days=float(tts.median())) if len(tts) else None
        rows.append(
            {
                "buyer": buyer,
                "commodity": commodity,
                "mean_pct": mean,
                "low_pct": lo,
                "high_pct": hi,
                "mean_t": float(g["shortage_t"].mean()),
                "p_short": p,
                "p_low": plo,
                "p_high": phi,
                "first": first,
                "n": len(g),
            }
        )
    cols = ["buyer", "commodity", "mean_pct", "low_pct", "high_pct", "mean_t"]
    cols += ["p_short", "p_low", "p_high", "first", "n"]
    t = pd.DataFrame(rows, columns=cols)
    return t.sort_values(["mean_pct", "mean_t"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def sentence(r: dict[str, Any]) -> str:
    """One ranked line in words: who, what, how much (interval), when, how sure."""
    when = f"first short around {r['first']:%b %Y} (median)" if r["first"] else ""
    lo, hi = r["low_pct"], r["high_pct"]
    ci = f" [{lo:.1f}–{hi:.1f}]" if math.isfinite(lo) else ""
    return (
        f"<b>{html.esc(r['buyer'])} · {html.esc(r['commodity'])}</b>: "
        f"{r['mean_pct']:.1f} %{ci} of demand unmet over the horizon "
        f"({r['mean_t']:,.0f} t on average); {when}; short in "
        f"{_pct(100 * r['p_short'])} of {r['n']} replications "
        f"[{_pct(100 * r['p_low'])}–{_pct(100 * r['p_high'])}]."
    )


def main_curve(bands: pd.DataFrame, buyer: str, commodity: str, marks: list[PolicyMark]) -> Figure:
    """The fan chart of the most short pair, wide, with its policy dates labelled."""
    ax = new_ax((11.0, 4.0))
    plot_fan(bands, buyer, commodity, "shortage_frac", ax, marks, smooth=30, title=False)
    ax.set_title(f"{buyer} · {commodity}: unmet demand (median, 50 % and 90 % bands)", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return figure_of(ax)


def _ranked(out: OutputDir) -> pd.DataFrame:
    start = pd.Timestamp(out.bands["date"].min()).date() if len(out.bands) else dt.date.min
    return ranked_shortages(out.metrics, start)


def first_figure(
    out: OutputDir, marks: list[PolicyMark], ranked: pd.DataFrame | None = None
) -> FigureSpec | None:
    """The first screen's figure: the main curve of the most short pair (None if none is)."""
    t = _ranked(out) if ranked is None else ranked
    if t.empty:
        return None
    buyer, commodity = str(t["buyer"].iloc[0]), str(t["commodity"].iloc[0])
    return FigureSpec(
        "first_screen.png",
        f"{buyer} · {commodity}, the most short pair: unmet demand, % of daily "
        "demand, 30-day centred mean; lines: policy starts (solid) and ends (dotted).",
        partial(main_curve, out.bands, buyer, commodity, marks),
    )


def first_screen(
    out: OutputDir, marks: list[PolicyMark], figure: Callable[[FigureSpec], str]
) -> str:
    """HTML of the first screen. `figure(spec)` embeds a figure and returns its HTML (the
    report writes the PNG)."""
    t = _ranked(out)
    spec = first_figure(out, marks, t)
    if spec is None:
        n = int(out.manifest.get("reps", 0))
        return f"<p><b>No buyer runs short</b> of any commodity in {n} replications.</p>"
    top = t.head(TOP).to_dict("records")
    items = "".join(f"<li>{sentence(r)}</li>" for r in top)
    more = len(t) - len(top)
    tail = f"<p class='note'>{more} more pairs run short; see the full table.</p>" if more else ""
    return (
        f"<p class='note'>Who runs short of what, ranked by mean share of demand unmet; 95 % "
        f"intervals (Student t on the mean, Wilson on the probability).</p><ol>{items}</ol>"
        f"{tail}{figure(spec)}"
    )


def full_table(headline: pd.DataFrame, left: tuple[str, ...]) -> str:
    """The headline table with pairs short in some replication first, the pairs never short
    folded into a `<details>` element."""
    never = headline.get("P(any shortage)", pd.Series(dtype=str)).isin(["0 %", "–"])
    short, calm = headline[~never], headline[never]
    body = html.table(short, left) if len(short) else "<p>No pair runs short.</p>"
    if len(calm):
        body += (
            f"<details><summary>{len(calm)} buyer × commodity pairs never run short</summary>"
            + html.table(calm, left)
            + "</details>"
        )
    return body
