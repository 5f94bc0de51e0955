"""Figures: drawn on the axes they are given, non-blank, policy dates marked, sensible order."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from PIL import Image

from sim.plotting.compare import overlay_grid, plot_differences, plot_overlay
from sim.plotting.fan import fan_grid, plot_fan
from sim.plotting.flows import (
    imports_grid,
    monthly_by_origin,
    plot_flow_shift,
    plot_flows,
    split_at,
)
from sim.plotting.tornado import plot_tornado
from sim.results.bands import bands
from sim.results.policies import PolicyMark, policy_marks
from tests.test_analysis_metrics import START, records

MARKS = [
    PolicyMark("ctrl", "export_control", dt.date(2025, 1, 3), dt.date(2025, 1, 8)),
    PolicyMark("later", "suspension", dt.date(2026, 5, 1)),  # outside the horizon
]


def pixels(fig) -> np.ndarray:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    return np.asarray(Image.open(buf).convert("RGB"))


def assert_not_blank(fig) -> None:  # type: ignore[no-untyped-def]
    px = pixels(fig)
    colours = np.unique(px.reshape(-1, 3), axis=0)
    assert len(colours) > 20
    saturated = (px.max(axis=2).astype(int) - px.min(axis=2)) > 60  # coloured data, not grey ink
    assert saturated.mean() > 0.002


def policy_gids(ax) -> set[str]:  # type: ignore[no-untyped-def]
    return {g for line in ax.lines if (g := line.get_gid() or "").startswith("policy:")}


@pytest.mark.slow
def test_fan_chart_marks_policies_in_range() -> None:
    fig, ax = plt.subplots()
    out = plot_fan(bands(records(), START), "b1", "magnet", "shortage_frac", ax, MARKS)
    assert out is ax
    assert policy_gids(ax) == {"policy:ctrl:start", "policy:ctrl:end"}
    texts = [t.get_text() for t in ax.texts]
    assert "ctrl" in texts and "ctrl ends" in texts
    assert ax.get_ylabel() == "unmet demand, % of demand"
    median = next(ln for ln in ax.lines if ln.get_label() == "median")
    # medians of the two replications' daily shortfalls, in %: (50, 0), (100, 0), …, (0, 40)
    assert list(median.get_ydata()) == [0, 0, 25, 50, 0, 0, 0, 0, 0, 20]
    assert len(ax.collections) == 2  # 90 % and 50 % bands
    assert_not_blank(fig)


def test_nearby_policy_dates_share_one_label() -> None:
    fig, ax = plt.subplots()
    near = [
        PolicyMark("a", "x", dt.date(2025, 1, 3)),
        PolicyMark("b", "x", dt.date(2025, 1, 3)),
    ]
    plot_fan(bands(records(), START), "b1", "magnet", "days_of_cover", ax, near)
    assert [t.get_text() for t in ax.texts] == ["a, b"]
    assert policy_gids(ax) == {"policy:a:start", "policy:b:start"}
    plt.close(fig)


@pytest.mark.slow
def test_fan_grid_has_a_panel_per_pair() -> None:
    fig = fan_grid(bands(records(), START), "shortage_frac", MARKS, title="t")
    titles = sorted(a.get_title() for a in fig.axes if a.get_visible())
    assert titles == ["b1 · magnet", "b2 · oxide"]
    assert_not_blank(fig)


@pytest.mark.slow
def test_overlay_and_differences() -> None:
    b = bands(records(), START)
    other = b.assign(p50=b["p50"] * 2)
    fig, ax = plt.subplots()
    plot_overlay({"A": b, "B": other}, "b1", "magnet", ax=ax, policies=MARKS)
    assert [ln.get_label() for ln in ax.lines if not (ln.get_gid() or "")] == ["A", "B"]
    assert policy_gids(ax)
    assert_not_blank(fig)
    grid = overlay_grid({"A": b, "B": other})
    shown = [a.get_title() for a in grid.axes if a.get_visible()]
    assert shown == ["b1 · magnet (median, 50 % band)"]  # b2 · oxide is never short: left out
    plt.close(grid)
    d = pd.DataFrame(
        {
            "scenario": ["B", "B"],
            "reference": ["A", "A"],
            "buyer": ["b1", "b2"],
            "commodity": ["magnet", "oxide"],
            "metric": ["shortage_pct", "shortage_pct"],
            "mean": [2.0, 0.0],
            "ci_low": [1.0, 0.0],
            "ci_high": [3.0, 0.0],
        }
    )
    ax = plot_differences(d)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b2 · oxide", "b1 · magnet"]
    assert_not_blank(ax.figure)


def flows() -> pd.DataFrame:
    dates = pd.to_datetime(["2025-01-10", "2025-01-20", "2025-02-05", "2025-03-01"])
    return pd.DataFrame(
        {
            "date": dates,
            "origin_country": ["CN", "AU", "CN", "AU"],
            "destination_country": ["JP", "JP", "JP", "US"],
            "commodity": ["m", "m", "m", "m"],
            "flow_t": [10.0, 5.0, 7.0, 3.0],
        }
    )


@pytest.mark.slow
def test_flows_monthly_by_origin_and_stack() -> None:
    m = monthly_by_origin(flows(), destination="JP")
    assert m.to_dict() == {
        "AU": {pd.Timestamp("2025-01-01"): 5.0, pd.Timestamp("2025-02-01"): 0.0},
        "CN": {pd.Timestamp("2025-01-01"): 10.0, pd.Timestamp("2025-02-01"): 7.0},
    }
    fig, ax = plt.subplots()
    plot_flows(flows(), "m", ax=ax, policies=[PolicyMark("p", "x", dt.date(2025, 2, 1))])
    assert len(ax.collections) == 2 and policy_gids(ax) == {"policy:p:start"}
    assert_not_blank(fig)
    halves = split_at(flows(), dt.date(2025, 2, 1))
    assert [len(f) for f in halves.values()] == [2, 2]
    ax = plot_flow_shift(halves)
    assert len(ax.patches) == 4  # 2 labels × 2 origins
    assert_not_blank(ax.figure)


def test_tornado_widest_swing_on_top() -> None:
    effects = pd.DataFrame(
        {
            "key": ["a", "a", "b", "b"],
            "value": ["1", "2", "x", "y"],
            "mean": [4.0, 6.0, 1.0, 9.0],
        }
    )
    ax = plot_tornado(effects, baseline=5.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]  # b (swing 8) on top
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == [1.0, 1.0, 4.0, 4.0]
    lo, hi = ax.get_xlim()
    assert lo < 1.0 and hi > 9.0
    assert_not_blank(ax.figure)


def test_policy_marks_from_documents_and_scenarios() -> None:
    import sim
    from tests.scenario_files import TINY

    loaded = sim.load(TINY)
    expected = [
        PolicyMark("mine_fire", "facility_outage", dt.date(2025, 6, 1), dt.date(2025, 7, 1))
    ]
    assert policy_marks(loaded) == policy_marks(loaded.scenario) == expected


@pytest.mark.slow
def test_imports_grid_shows_each_destinations_imports_by_origin() -> None:
    f = pd.concat(
        [
            flows(),
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2025-01-15"]),
                    "origin_country": ["JP"],
                    "destination_country": ["JP"],  # domestic: not an import
                    "commodity": ["m"],
                    "flow_t": [100.0],
                }
            ),
        ],
        ignore_index=True,
    )
    fig = imports_grid(f, ["US", "JP"], MARKS)
    shown = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title() for a in shown] == [
        "m → US, by origin (imports)",
        "m → JP, by origin (imports)",
    ]
    jp = shown[1]
    assert sorted(t.get_text() for t in jp.get_legend().get_texts()) == ["AU", "CN"]
    assert_not_blank(fig)
