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
# # What if the suspension is not renewed in November 2026?
#
# China's **October 2025 package** added licensing of five more rare earths — Ho, Er, Tm, Eu, Yb
# (MOFCOM/GAC Announcement No. 57, from 8 November 2025) — and an **extraterritorial rule**
# (Ann. 61, from 1 December 2025): magnets made abroad with 0.1 % or more China-origin controlled
# rare earths need a Chinese licence, military end users refused. After the Trump-Xi meeting in
# Busan, **Ann. 70** (7 November 2025) suspended the package until **10 November 2026**. The
# **April 2025 licensing** of Sm, Gd, Tb, Dy, Lu, Sc and Y (Ann. 18) is not suspended and stays
# in force throughout; NdPr itself is not controlled.
#
# The shipped scenario `scenarios/outlook_2026.yaml` is that world (with the US-Japan framework's
# funded projects, Rapid Response Group and stockpiles) from 2025 to the end of 2028; at the
# expiry it draws *renew* or *snap back* with even odds. Here we fix each outcome and run both
# futures with the **same random numbers** (common seeds): who runs short of what, and when?
# Sources are cited in the scenario files and `docs/scenarios.md`. `MINSIM_NOTEBOOK_REPS` sets the
# replications (the test suite uses 3; 20 or more for numbers worth quoting).

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
SCENARIO = ROOT / "scenarios" / "outlook_2026.yaml"
pd.set_option("display.width", 160)

# %% [markdown]
# ## The suspension and what it holds back
# The suspension policy is found by its type, so nothing below depends on its id.

# %%
world = sim.load(SCENARIO).scenario
pause = next(p for p in world.policies if p.type == "suspension")
held = [p for p in world.policies if p.id in pause.policies]
print(f"{pause.id}: {pause.description}")
print(
    f"  {pause.start} → {pause.end}; at expiry {pause.at_expiry}; max renewals {pause.max_renewals}"
)
for p in held:
    print(f"  suspends {p.id} (from {p.start}): {' '.join(p.description.split())}")


def elements(commodity: str) -> str:
    """The chemical elements a commodity contains, e.g. 'Ho, Er, Tm, Eu, Yb'."""
    groups = world.commodities[commodity].contains
    return ", ".join(m for g in groups for m in (world.elements[g].members or [g]))


# %% [markdown]
# ## Two futures, same random numbers
# Each future is the shipped scenario with one override, exactly as
# `minsim compare scenarios/outlook_2026.yaml --set policies.<id>.at_expiry=…` builds it.
# `sim.compare` runs both with the same root seed and replication indices, so replication *r* of
# one future and of the other differ only by what the expiry changes.

# %%
labels = ["renewed", "snap_back"]
futures = [
    sim.load(SCENARIO, [f"policies.{pause.id}.at_expiry={o}"]) for o in ("renew", "snap_back")
]
comparison = sim.compare(futures, reps=REPS, labels=labels)
for label, lines in comparison.input_diff().items():
    print(f"{label} vs {comparison.reference}:", *lines, sep="\n  ")

start = comparison.ensembles[0].start
buyers = {label: e.buyers for label, e in zip(labels, comparison.ensembles, strict=True)}
events = {label: e.events for label, e in zip(labels, comparison.ensembles, strict=True)}
for label in labels:
    ev = events[label]
    ev = ev[(ev["subject"] == pause.id) & ev["kind"].str.startswith("suspension")]
    print(f"{label}:")
    for day, kind, detail in ev.drop_duplicates(["day", "kind"])[["day", "kind", "detail"]].values:
        print(f"  {start + dt.timedelta(days=float(day))}  {kind} ({detail})")

# %% [markdown]
# In the renewed future the pause is renewed at each expiry until `max_renewals` is used up, then
# lapses (the dates above). Up to the first expiry the two futures are the same run, to the tonne
# (common random numbers):

# %%
expiry_day = (pause.end - start).days
keys = ["replication", "buyer", "commodity", "day"]
before = [
    b[b["day"] < expiry_day].sort_values(keys)["shortage_t"].to_numpy() for b in buyers.values()
]
gap = np.abs(before[0] - before[1]).max()
print(f"largest daily shortage difference before {pause.end}: {gap:.3g} t")

# %% [markdown]
# ## Who runs short of what after the expiry
# Metrics over the days from the expiry (10 November 2026) to the end of 2028, paired per
# replication: snap back − renewed, mean and 95 % t-interval. *First short* is the median month
# of the first short day after the expiry (in how many replications there was one). Buyers and
# commodities short in neither future after the expiry are left out.

# %%
after = []
for label, b in buyers.items():
    m = replication_metrics(b[b["day"] >= expiry_day])
    m = pd.concat([m, overall(m)], ignore_index=True)
    m["scenario"] = label
    after.append(m)
after = pd.concat(after, ignore_index=True)
diff = paired_differences(after, "renewed", ["shortage_pct", "shortage_t", "shortage_days"])
d = diff.set_index(["buyer", "commodity", "metric"])
short = after[(after["shortage_t"] > 0) & (after["buyer"] != "(all)")]
short_pairs = pd.MultiIndex.from_frame(short[["buyer", "commodity"]].drop_duplicates())
pct = d.xs("shortage_pct", level="metric").loc[short_pairs].sort_values("mean", ascending=False)


def interval(row: pd.Series, fmt: str = "+.2f") -> str:
    return f"{row['mean']:{fmt}} [{row['ci_low']:{fmt}}, {row['ci_high']:{fmt}}]"


def first_short(buyer: str, commodity: str, label: str) -> str:
    """Median month of the first short day after the expiry (replications with one)."""
    m = after[(after["scenario"] == label) & (after["buyer"] == buyer)]
    days = m[m["commodity"] == commodity]["tts_days"].dropna()
    if days.empty:
        return "—"
    return f"{pause.end + dt.timedelta(days=float(days.median())):%b %Y} ({len(days)}/{REPS})"


table = pd.DataFrame(
    [
        {
            "buyer": b,
            "commodity": c,
            "elements": elements(c),
            "renewed, %": f"{r['reference_mean']:.2f}",
            "snap back, %": f"{r['scenario_mean']:.2f}",
            "difference, pp [95 % CI]": interval(r),
            "extra shortage, t": interval(d.loc[(b, c, "shortage_t")], "+,.1f"),
            "extra short days": f"{d.loc[(b, c, 'shortage_days'), 'mean']:+.0f}",
            "first short (snap back)": first_short(b, c, "snap_back"),
        }
        for (b, c), r in pct.iterrows()
    ]
)
display(table)

# %% [markdown]
# The same differences as a chart (percentage points of demand after the expiry):

# %%
ax = new_ax((8.5, 1.4 + 0.5 * len(pct)))
ax.figure.suptitle(f"snap back − renewed: shortage after {pause.end:%d %b %Y}", fontsize=10)
ax = plot_differences(diff.merge(pct.reset_index()[["buyer", "commodity"]]), "shortage_pct", ax)

# %% [markdown]
# ## When: the curves side by side
# Daily unmet demand (30-day means of the daily median and quartiles) per future; solid lines mark
# the suspension, its expiry and, for the renewed future, its later renewal and lapse.

# %%
marks = [
    PolicyMark("Ann. 70 suspension", "suspension", pause.start),
    PolicyMark("expiry: renew or snap back", "suspension", pause.end),
]
ev = events["renewed"]
later = ev[(ev["subject"] == pause.id) & ev["kind"].str.startswith("suspension")]
later = later[later["day"] > expiry_day + 1].drop_duplicates("day")
for day, kind in zip(later["day"], later["kind"], strict=True):
    text = "renewed pause lapses" if kind == "suspension_expired" else "renewed again"
    marks.append(PolicyMark(text, "suspension", start + dt.timedelta(days=float(day))))

pairs = pd.DataFrame(list(pct.index), columns=["buyer", "commodity"])
by_label = {label: bands(b.merge(pairs), start) for label, b in buyers.items()}
fig, axes = grid(len(pairs), ncols=2, panel=(6.4, 3.0))
for ax, (buyer, commodity) in zip(axes, pct.index, strict=True):
    plot_overlay(by_label, buyer, commodity, "shortage_frac", ax, marks, smooth=30, legend=False)
    ax.set_ylabel("")
fig.supylabel("unmet demand, % of demand (30-day mean)", fontsize=9)
fig.suptitle("unmet demand: renewed vs snap back", fontsize=11)
handles, names = axes[0].get_legend_handles_labels()
fig = fig.legend(handles, names, loc="outside lower center", ncol=2, frameon=False).figure

# %% [markdown]
# Cumulative extra shortage since the expiry (snap back − renewed, tonnes), mean over paired
# replications with its 95 % interval — when the gap opens and how fast it grows:

# %%
ax = new_ax((9.0, 4.2))
for i, (buyer, commodity) in enumerate(pct.index[:6]):
    paths = []
    for b in buyers.values():
        sel = b[(b["buyer"] == buyer) & (b["commodity"] == commodity) & (b["day"] >= expiry_day)]
        paths.append(sel.pivot(index="day", columns="replication", values="shortage_t"))
    extra = (paths[1] - paths[0]).cumsum()  # per replication: snap back − renewed, cumulated
    n = extra.shape[1]
    mean = extra.mean(axis=1)
    half = t975(n - 1) * extra.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else mean * np.nan
    dates = pd.Timestamp(start) + pd.to_timedelta(extra.index, unit="D")
    color = PALETTE[i % len(PALETTE)]
    ax.plot(dates, mean, color=color, lw=1.8, label=f"{buyer} · {commodity}")
    ax.fill_between(dates, mean - half, mean + half, color=color, alpha=0.15, lw=0)
ax.axhline(0, color="0.3", lw=0.8)
ax.set_ylabel("cumulative extra shortage, t")
ax.set_title(
    f"snap back − renewed since the expiry on {pause.end:%d %b %Y} (mean, 95 % CI)", fontsize=10
)
ax.legend(loc="upper left", fontsize=8, frameon=False)
ax.grid(alpha=0.3)
ax.margins(x=0)
date_axis(ax)
ax = mark_policies(ax, marks[2:])

# %% [markdown]
# ## In plain words
# Written from the numbers above (rerun with more replications for tighter intervals).

# %%
total = d.loc[("(all)", "(all)", "shortage_t")]
up = pct[pct["ci_low"] > 0]  # 95 % interval above zero: measurably shorter under snap back
down = pct[pct["ci_high"] < 0]
flat = pct[~pct.index.isin(up.index.union(down.index))]
magnets = [c for c, spec in world.commodities.items() if spec.kind == "magnet"]


def where(rows: pd.DataFrame) -> str:
    return "; ".join(
        f"**{b}** of {c} ({elements(c)}): {r['reference_mean']:.1f} % → "
        f"{r['scenario_mean']:.1f} % of demand ({r['mean']:+.1f} pp, 95 % CI "
        f"{r['ci_low']:+.1f} to {r['ci_high']:+.1f}; {d.loc[(b, c, 'shortage_t'), 'mean']:+,.0f} t), "
        f"first short {first_short(b, c, 'snap_back')}"
        for (b, c), r in rows.iterrows()
    )


sure = total["ci_low"] > 0 or total["ci_high"] < 0
lines = [
    f"*{REPS} paired replications; shortage from {pause.end:%d %b %Y} to "
    f"{world.horizon.end:%d %b %Y}.*",
    "",
    f"- If the suspension is **not renewed**, the October 2025 controls return on "
    f"{pause.end:%d %b %Y} and all buyers together are short of **{abs(total['mean']):,.0f} t "
    f"{'more' if total['mean'] >= 0 else 'less'}** than if it is renewed (95 % CI "
    f"{total['ci_low']:+,.0f} to {total['ci_high']:+,.0f} t"
    + ("" if sure else f"; not distinguishable from zero at {REPS} replications")
    + ").",
]
if len(up):
    lines.append(f"- Measurably shorter under snap back: {where(up)}.")
else:
    lines.append(f"- No buyer is measurably shorter under snap back at {REPS} replications.")
if len(down):
    lines.append(f"- Measurably *less* short under snap back: {where(down)}.")
if len(flat):
    names = ", ".join(f"{b} · {c}" for b, c in flat.index)
    lines.append(f"- No measurable difference at {REPS} replications: {names}.")
if not any(c in magnets for _, c in pct.index):
    lines.append(
        f"- No buyer of magnets ({', '.join(magnets)}) is short after the expiry in either "
        "future: in this scenario the return of the extraterritorial rule leaves no magnet "
        "buyer short."
    )
display(Markdown("\n".join(lines)))

# %% [markdown]
# To hand out: `comparison.write("runs/suspension")` writes the CSV tables (over the whole
# horizon) and `sim.report.build_report("runs/suspension")` adds the figures and a one-page
# `report.html`: the same as `minsim compare`.
