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
# # Quickstart: run a scenario and read the curves
#
# China's **April 2025 licensing** (MOFCOM/GAC Announcement No. 18, 4 April 2025): exports of
# Sm, Gd, Tb, Dy, Lu, Sc and Y — oxides, metals, alloys and magnets containing them — need a
# licence. The shipped scenario `scenarios/apr2025_licensing.yaml` models it in three phases
# (slow reviews and few approvals until the June 2025 London framework, most approved after it,
# one-year general licences for the large magnet exporters from December 2025) on top of the
# 2025 supply network of `baseline_2025.yaml`. Sources are cited in the YAML files and in
# `docs/scenarios.md`.
#
# The same steps as `minsim run scenarios/apr2025_licensing.yaml`, from Python: load the scenario,
# run replications, read the metrics table, the shortage fan chart and the days of cover.
# `MINSIM_NOTEBOOK_REPS` sets the number of replications (the test suite uses 3; 20 or more for
# numbers worth quoting).

# %%
import datetime as dt
import os
from pathlib import Path

import pandas as pd
from IPython.display import display

import sim
from sim.plotting.fan import fan_grid
from sim.results.bands import bands
from sim.results.metrics import ensemble_metrics, exceedance_probability, replication_metrics
from sim.results.policies import policy_marks

# sim.plotting leaves the backend to matplotlib; show its figures inline in the notebook:
# %matplotlib inline

REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "20"))
#: The repository root (the notebooks run from notebooks/ or from the root).
ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "pyproject.toml").exists())
SCENARIOS = ROOT / "scenarios"
pd.set_option("display.width", 140)

# %% [markdown]
# ## Load and run
# `sim.load` reads the YAML (resolving `extends:` and `--set`-style overrides) and validates it;
# `sim.run` runs the replications (same seed → same numbers).

# %%
loaded = sim.load(SCENARIOS / "apr2025_licensing.yaml")
scenario = loaded.scenario
ensemble = sim.run(scenario, reps=REPS)
print(f"{scenario.name}: {scenario.horizon.start} → {scenario.horizon.end}, {REPS} replications")
for p in policy_marks(loaded):
    print(f"  {p.start} → {p.end or '…'!s:<10}  {p.id:<14} {p.description[:70]}")

# %% [markdown]
# The results are pandas tables: `ensemble.summary` (one row per replication × buyer ×
# commodity), `ensemble.buyers` (daily demand, deliveries, shortage, inventory),
# `ensemble.lanes` (daily flows) and `ensemble.events` (licences, policy starts, …).

# %%
buyers = ensemble.buyers  # a property that concatenates the replications: keep one copy
events = ensemble.events
print(events["kind"].value_counts().head(8).to_string())

# %% [markdown]
# ## Who is short of what
# Total shortage as % of demand over the horizon: median and 90 % interval across replications,
# the probability of any shortage and the median date of the first short day (definitions in
# `docs/analysis.md`). Buyers and commodities never short are left out.

# %%
metrics = replication_metrics(ensemble.summary)
stats = ensemble_metrics(metrics).set_index(["buyer", "commodity", "metric"])


def elements(commodity: str) -> str:
    """The chemical elements a commodity contains, e.g. 'Gd, Lu, Sc, Y'."""
    groups = scenario.commodities[commodity].contains
    return ", ".join(m for g in groups for m in (scenario.elements[g].members or [g]))


def first_date(days: float) -> str:
    return "—" if days != days else f"{scenario.horizon.start + dt.timedelta(days=days):%d %b %Y}"


short = metrics.groupby(["buyer", "commodity"])["shortage_t"].max().loc[lambda s: s > 0].index
table = pd.DataFrame(
    [
        {
            "buyer": b,
            "commodity": c,
            "elements": elements(c),
            "shortage, % of demand": "{p50:.2f} [{p05:.2f} – {p95:.2f}]".format(
                **stats.loc[(b, c, "shortage_pct")]
            ),
            "P(any shortage)": f"{stats.loc[(b, c, 'short'), 'mean']:.0%}",
            "first short day (median)": first_date(stats.loc[(b, c, "tts_days"), "p50"]),
        }
        for b, c in short
    ]
)
display(table)

# %% [markdown]
# Is this the controls, or would these buyers be short anyway? The same network without them
# (`baseline_2025.yaml`), same seed:

# %%
baseline = sim.run(sim.load_scenario(SCENARIOS / "baseline_2025.yaml"), reps=REPS)
for name, e in (("baseline_2025", baseline), ("apr2025_licensing", ensemble)):
    s = e.summary
    print(f"{name:<18} total shortage {s['shortage_t'].sum() / REPS:9,.0f} t per replication")

# %% [markdown]
# Probability that a buyer's shortfall exceeds 10 % of its demand over a 30-day window at some
# point in 2025:

# %%
by_day = (dt.date(2025, 12, 31) - scenario.horizon.start).days
p = exceedance_probability(
    buyers[buyers["buyer"].isin(short.get_level_values(0))], 10.0, by_day, 30
)
p[p[["buyer", "commodity"]].apply(tuple, axis=1).isin(short)].reset_index(drop=True)

# %% [markdown]
# ## The curves
# Median with 50 % and 90 % bands across replications (30-day means of the daily quantiles);
# vertical lines mark policy starts (solid) and ends (dotted). Bands are computed for the short
# buyers and commodities only, which is much faster than for all of them.

# %%
pairs = list(short)
b = bands(buyers.merge(pd.DataFrame(pairs, columns=["buyer", "commodity"])), ensemble.start)
marks = policy_marks(loaded)
fig = fan_grid(
    b, "shortage_frac", marks, title="unmet demand under the April 2025 licensing", smooth=30
)

# %% [markdown]
# Days of cover (end-of-day stock ÷ that day's demand): the stock runs down before the shortage
# starts, and refills once licences flow again.

# %%
fig = fan_grid(b, "days_of_cover", marks, title="days of cover", smooth=7)

# %% [markdown]
# Next: `02_suspension_what_if` (the October 2025 controls after the suspension expires) and
# `03_funding_window` (the US-Japan framework's funded projects).
