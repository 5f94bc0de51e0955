# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The six-month funding window: which projects close the gap, and by when?
#
# The **US-Japan Framework for Securing the Supply of Critical Minerals and Rare Earths** (signed
# in Tokyo on 28 October 2025) promises financial support for selected projects "within six
# months". The shipped scenario `scenarios/usjp_framework.yaml` models it as a funding window
# (28 October 2025 – 28 April 2026, decided at the close, most advanced project first) over a
# pipeline of real ex-China projects — MP Materials 10X, Lynas's Malaysian heavy-rare-earth plant,
# a second e-VAC phase, Neo Narva phase 2, Lynas Seadrift, the Lynas-JS Link magnet plant — each
# with its cost, lead time, odds of success and ramp-up, on top of the world as it unfolded (the
# April 2025 licensing, the October 2025 package suspended to 10 November 2026), the Rapid
# Response Group and the stockpiles. The framework names no dollar amount: the budget is an
# assumption (1–3 bn USD).
#
# We compare the framework with **no funding** (budget 0) and with **each project alone**, all
# with the same random numbers: up to the funding decision the variants are the same run, and
# after it the 95 % intervals of paired differences separate the projects' effect from the noise
# of diverging futures. The horizon is
# extended to the end of 2028 (as `outlook_2026.yaml`) so that MP 10X, due in 2028, can come
# online. Sources are cited in the scenario file and `docs/scenarios.md`. `MINSIM_NOTEBOOK_REPS`
# sets the replications (the test suite uses 3; 20 or more for numbers worth quoting).

# %%
import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import sim
from sim.plotting.common import PALETTE, date_axis, grid, new_ax
from sim.plotting.compare import plot_differences, plot_overlay
from sim.plotting.markers import mark_policies
from sim.results.bands import bands
from sim.results.metrics import overall, replication_metrics
from sim.results.policies import PolicyMark
from sim.results.stats import t975
from sim.runner.compare import paired_differences

# sim.plotting leaves the backend to matplotlib; show its figures inline in the notebook:
# %matplotlib inline

REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "20"))
#: The repository root (the notebooks run from notebooks/ or from the root).
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "pyproject.toml").exists())
SCENARIO = ROOT / "scenarios" / "usjp_framework.yaml"
LONGER = ["horizon.end=2028-12-31"]
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)

# %% [markdown]
# ## The window and its pipeline
# The funding window is found by its type; projects are listed in pipeline (priority) order.

# %%
world = sim.load(SCENARIO, LONGER).scenario
window = next(p for p in world.policies if p.type == "funding_window")
projects = {p.id: p for p in window.projects}


def spec(v: object, scale: float = 1.0) -> str:
    """A number or distribution from the scenario, e.g. '120–600 (mode 300)'."""
    if isinstance(v, int | float):
        return f"{v / scale:,.0f}"
    kind = getattr(v, "dist", None)
    if kind == "fixed":
        return f"{v.value / scale:,.0f}"
    if kind == "triangular":
        lo, mode, hi = (getattr(v, k) / scale for k in ("low", "mode", "high"))
        return f"{lo:,.0f}–{hi:,.0f} (mode {mode:,.0f})"
    return str(getattr(v, "dist", v))


def elements(commodity: str) -> str:
    """The chemical elements a commodity contains, e.g. 'Ho, Er, Tm, Eu, Yb'."""
    groups = world.commodities[commodity].contains
    return ", ".join(m for g in groups for m in (world.elements[g].members or [g]))


print(
    f"{window.id}: {window.start} → {window.end}, decided at the {window.decide_at}, "
    f"{window.selection} order; budget {spec(window.budget_usd, 1e6)} M USD"
)
pipeline = pd.DataFrame(
    [
        {
            "project": p.id,
            "what": f"{p.facility.stage} {p.facility.country}",
            "capacity, t/yr": ", ".join(f"{c} {spec(v)}" for c, v in p.facility.capacity.items()),
            "cost, M USD": spec(p.cost_usd, 1e6),
            "lead time, days": spec(p.lead_time_days),
            "P(success)": spec(p.success_probability, 0.01) + " %",
            "ramp": "/".join(f"{r:.0%}" for r in p.facility.ramp),
        }
        for p in projects.values()
    ]
)
display(pipeline)

# %% [markdown]
# ## Variants, same random numbers
# Overrides as `minsim compare … --set` would apply them: `budget_usd=0` funds nothing; deleting
# every other pipeline entry (`projects.<i>=null`, highest index first) leaves one project.

# %%
ids = list(projects)


def only(keep: str) -> list[str]:
    drop = sorted((i for i, pid in enumerate(ids) if pid != keep), reverse=True)
    return [f"policies.{window.id}.projects.{i}=null" for i in drop]


variants = {
    "no_funding": [f"policies.{window.id}.budget_usd=0"],
    "framework": [],
    **{pid: only(pid) for pid in ids},
}
loaded = [sim.load(SCENARIO, [*LONGER, *sets]) for sets in variants.values()]
comparison = sim.compare(loaded, reps=REPS, labels=list(variants))
labels = comparison.labels
start = comparison.ensembles[0].start
end_day = (world.horizon.end - start).days
buyers = {label: e.buyers for label, e in zip(labels, comparison.ensembles, strict=True)}
events = {label: e.events for label, e in zip(labels, comparison.ensembles, strict=True)}

decision_day = (window.end - start).days  # decided at the close of the window
keys = ["replication", "buyer", "commodity", "day"]
before = [
    b[b["day"] < decision_day].sort_values(keys)["shortage_t"].to_numpy() for b in buyers.values()
]
gap = max(np.abs(x - before[0]).max() for x in before)
print(
    f"{len(labels)} variants × {REPS} replications; largest daily shortage difference between "
    f"variants before the decision on {window.end}: {gap:.3g} t"
)

# %% [markdown]
# ## Funded, built, and by when
# Under the framework: how often each project is funded (the budget is drawn per replication),
# completed, failed or still being built at the end of 2028; the median completion date with the
# earliest and latest; and the nameplate capacity it adds, and the capacity online at the end of
# 2028 after its ramp-up (mean over replications, counting 0 where it is not built).


# %%
def project_table(ev: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pid, p in projects.items():
        e = ev[ev["subject"] == pid]
        reps = {
            k: set(e[e["kind"] == f"project_{k}"]["replication"])
            for k in ("funded", "completed", "failed")
        }
        done = e[e["kind"] == "project_completed"]["day"].to_numpy(float)
        years = np.floor((end_day - done) / 365.0).astype(int)
        ramp = np.array(p.facility.ramp)[np.minimum(years, len(p.facility.ramp) - 1)]
        nameplate = sum(float(v) for v in p.facility.capacity.values())
        q = np.percentile(done, [0, 50, 100]) if len(done) else []
        when = [start + dt.timedelta(days=float(x)) for x in q]
        rows.append(
            {
                "project": pid,
                "funded": f"{len(reps['funded']) / REPS:.0%}",
                "completed": f"{len(reps['completed']) / REPS:.0%}",
                "failed": f"{len(reps['failed']) / REPS:.0%}",
                "building at end": f"{len(reps['funded'] - reps['completed'] - reps['failed']) / REPS:.0%}",
                "completed (median)": f"{when[1]:%b %Y}" if len(done) else "—",
                "earliest – latest": f"{when[0]:%b %Y} – {when[2]:%b %Y}" if len(done) else "—",
                "nameplate, t/yr (all outputs)": f"{nameplate:,.0f}",
                f"online {world.horizon.end:%b %Y}, t/yr": f"{nameplate * ramp.sum() / REPS:,.0f}",
            }
        )
    return pd.DataFrame(rows)


display(project_table(events["framework"]))

# %% [markdown]
# ## Gap closed: shortage against no funding
# Shortage from the decision (28 April 2026) to the end of 2028, per buyer × commodity short in
# any variant, as % of demand: without funding, and the paired difference of each variant from it
# (percentage points, mean [95 % interval]; negative = less short).

# %%
after = []
for label, b in buyers.items():
    m = replication_metrics(b[b["day"] >= decision_day])
    m = pd.concat([m, overall(m)], ignore_index=True)
    m["scenario"] = label
    after.append(m)
after = pd.concat(after, ignore_index=True)
diff = paired_differences(after, "no_funding", ["shortage_pct", "shortage_t"])
d = diff.set_index(["scenario", "buyer", "commodity", "metric"])
short = after[(after["shortage_t"] > 0) & (after["buyer"] != "(all)")]
pairs = sorted(set(zip(short["buyer"], short["commodity"], strict=True)))
pct = diff[
    (diff["metric"] == "shortage_pct")
    & diff[["buyer", "commodity"]].apply(tuple, axis=1).isin(pairs)
]


def interval(r: pd.Series, fmt: str = "+.2f") -> str:
    if r["mean"] == 0 and r["ci_low"] == 0 and r["ci_high"] == 0:
        return "0"
    if max(abs(r["mean"]), abs(r["ci_low"]), abs(r["ci_high"])) < 0.005:
        return "≈ 0"
    return f"{r['mean']:{fmt}} [{r['ci_low']:{fmt}}, {r['ci_high']:{fmt}}]"


table = pct.assign(cell=[interval(r) for _, r in pct.iterrows()]).pivot_table(
    index=["buyer", "commodity"], columns="scenario", values="cell", aggfunc="first"
)[[lab for lab in labels if lab != "no_funding"]]
table.insert(
    0, "no funding, %", pct.groupby(["buyer", "commodity"])["reference_mean"].first().round(2)
)
table.insert(0, "elements", [elements(c) for _, c in table.index])
display(table)

# %% [markdown]
# The same as a chart, for the framework and the projects that change anything:

# %%
moves = pct.groupby("scenario")["mean"].apply(lambda x: bool((x.abs() > 0.005).any()))
shown = [lab for lab in labels if lab == "framework" or moves.get(lab, False)]
ax = new_ax((9.0, 2.0 + 0.6 * len(pairs)))
ax = plot_differences(pct[pct["scenario"].isin(shown)], "shortage_pct", ax)
handles, names = ax.get_legend_handles_labels()
ax.get_legend().remove()
ax.figure.legend(handles, names, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
title = ax.set_title(
    f"variant − no funding: shortage {window.end:%d %b %Y} – {world.horizon.end:%d %b %Y}",
    fontsize=10,
)

# %% [markdown]
# ## By when: the gap closing over time
# Cumulative shortage avoided (no funding − framework, tonnes, mean over paired replications with
# its 95 % interval) for the buyers and commodities short in any variant. Vertical lines, labelled
# by project: the median date each project comes online under the framework.


# %%
def median_completion(label: str, pid: str) -> dt.date | None:
    ev = events[label]
    days = ev[(ev["subject"] == pid) & (ev["kind"] == "project_completed")]["day"]
    return None if days.empty else start + dt.timedelta(days=float(days.median()))


movers = [lab for lab in shown if lab in projects]
marks = [PolicyMark("funding window", "funding_window", window.start, window.end)]
for pid in movers:
    if (when := median_completion("framework", pid)) is not None:
        marks.append(PolicyMark(pid, "project", when))


def avoided(buyer: str, commodity: str, label: str = "framework") -> pd.DataFrame:
    """Per day × replication: cumulative shortage without funding minus with `label`."""
    paths = []
    for lab in ("no_funding", label):
        b = buyers[lab]
        sel = b[(b["buyer"] == buyer) & (b["commodity"] == commodity) & (b["day"] >= decision_day)]
        paths.append(sel.pivot(index="day", columns="replication", values="shortage_t"))
    return (paths[0] - paths[1]).cumsum()


ax = new_ax((9.0, 4.4))
for i, (buyer, commodity) in enumerate(pairs[:6]):
    x = avoided(buyer, commodity)
    n = x.shape[1]
    mean = x.mean(axis=1)
    half = t975(n - 1) * x.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else mean * np.nan
    dates = pd.Timestamp(start) + pd.to_timedelta(x.index, unit="D")
    color = PALETTE[i % len(PALETTE)]
    ax.plot(dates, mean, color=color, lw=1.8, label=f"{buyer} · {commodity}")
    ax.fill_between(dates, mean - half, mean + half, color=color, alpha=0.15, lw=0)
ax.axhline(0, color="0.3", lw=0.8)
ax.set_ylabel("cumulative shortage avoided, t")
ax.set_title("framework vs no funding, from the decision (mean, 95 % CI)", fontsize=10)
ax.legend(loc="upper left", fontsize=8, frameon=False)
ax.grid(alpha=0.3)
ax.margins(x=0)
date_axis(ax)
ax = mark_policies(ax, marks[1:])  # the chart starts at the decision

# %% [markdown]
# The shortage curves with and without funding (30-day means of the daily median and quartiles),
# with the funding window and the projects' median completion dates:

# %%
keep = pd.DataFrame(pairs, columns=["buyer", "commodity"])
by_label = {lab: bands(buyers[lab].merge(keep), start) for lab in ("no_funding", "framework")}
fig, axes = grid(len(pairs), ncols=2, panel=(6.4, 3.0))
for ax, (buyer, commodity) in zip(axes, pairs, strict=True):
    plot_overlay(by_label, buyer, commodity, "shortage_frac", ax, marks, smooth=30, legend=False)
    ax.set_ylabel("")
fig.supylabel("unmet demand, % of demand (30-day mean)", fontsize=9)
fig.suptitle("unmet demand: no funding vs the framework", fontsize=11)
handles, names = axes[0].get_legend_handles_labels()
fig = fig.legend(handles, names, loc="outside lower center", ncol=2, frameon=False).figure

# %% [markdown]
# ## In plain words
# Written from the numbers above (rerun with more replications for tighter intervals).

# %%
makes = {pid: set(p.facility.capacity) for pid, p in projects.items()}
short_commodities = {c for _, c in pairs}
total = d.loc[("framework", "(all)", "(all)", "shortage_t")]
sure = total["ci_low"] > 0 or total["ci_high"] < 0
lines = [
    f"*{REPS} paired replications; shortage from the decision on {window.end:%d %b %Y} to "
    f"{world.horizon.end:%d %b %Y}.*",
    "",
    f"- With the framework's projects, all buyers together are short of **{abs(total['mean']):,.0f}"
    f" t {'less' if total['mean'] <= 0 else 'more'}** than without funding (95 % CI "
    f"{total['ci_low']:+,.0f} to {total['ci_high']:+,.0f} t"
    + ("" if sure else f"; not distinguishable from zero at {REPS} replications")
    + ").",
]


def effect(rows: pd.DataFrame) -> str:
    return "; ".join(
        f"{r.buyer} of {r.commodity} {r.reference_mean:.1f} % → {r.scenario_mean:.1f} % of "
        f"demand ({r.mean:+.1f} pp, 95 % CI {r.ci_low:+.1f} to {r.ci_high:+.1f})"
        for r in rows.itertuples()
    )


for pid in ids:
    mine = pct[pct["scenario"] == pid]
    closes, widens = mine[mine["ci_high"] < 0], mine[mine["ci_low"] > 0]
    when = median_completion(pid, pid)
    head = f"**{pid}** alone ({', '.join(sorted(makes[pid]))}; " + (
        f"online around {when:%b %Y})" if when else "not online by the end of 2028)"
    )
    text = [f"measurably closes a gap: {effect(closes)}"] if len(closes) else []
    text += [f"measurably widens one: {effect(widens)}"] if len(widens) else []
    if not text:
        text = [f"no measurable change at {REPS} replications"]
    if not makes[pid] & short_commodities:
        text.append("it makes nothing that any buyer runs short of after the decision")
    lines.append(f"- {head}: " + "; ".join(text) + ".")
unmade = sorted(short_commodities - set().union(*makes.values()))
if unmade:
    lines.append(
        "- No project in the pipeline makes "
        + ", ".join(f"{c} ({elements(c)})" for c in unmade)
        + ": that gap stays open whatever is funded."
    )
display(Markdown("\n".join(lines)))

# %% [markdown]
# To hand out: `comparison.write("runs/funding")` writes the CSV tables (over the whole
# horizon) and `sim.report.build_report("runs/funding")` adds the figures and a one-page
# `report.html`: the same as `minsim compare`.
