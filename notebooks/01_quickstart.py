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
# The same steps as `minsim run notebooks/workshop.yaml`, from Python: load a scenario file, run
# replications, read the metrics table and the shortage fan chart. `MINSIM_NOTEBOOK_REPS` sets the
# number of replications (the test suite uses 3).

# %%
import os

import matplotlib.pyplot as plt

import sim
from sim.analysis.bands import bands, country_flows
from sim.analysis.metrics import ensemble_metrics, exceedance_probability, replication_metrics
from sim.analysis.policies import policy_marks
from sim.plotting.fan import fan_grid
from sim.plotting.flows import flows_grid

REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "50"))

# %% [markdown]
# ## Load and run
# `sim.load` reads the YAML (with `extends` and `--set`-style overrides) and validates it.

# %%
loaded = sim.load("workshop.yaml")
scenario = loaded.scenario
ensemble = sim.run(scenario, reps=REPS)
print(scenario.name, scenario.horizon.start, "→", scenario.horizon.end, f"({REPS} replications)")
for p in policy_marks(loaded):
    print(f"  {p.start}  {p.id} ({p.type})" + (f" until {p.end}" if p.end else ""))

# %% [markdown]
# ## Metrics per buyer and commodity
# Total shortage as % of demand, fill rate, worst day, time to first shortage: median and 90 %
# interval across replications (definitions in `docs/analysis.md`).

# %%
metrics = replication_metrics(ensemble.summary)
table = ensemble_metrics(metrics)
table[table["metric"].isin(["shortage_pct", "fill_rate", "tts_days"])].round(2)

# %% [markdown]
# Probability that a buyer's shortfall exceeds 20 % of demand (30-day window) by 1 January 2027:

# %%
by_day = (scenario.horizon.end.replace(year=2027, month=1, day=1) - scenario.horizon.start).days
exceedance_probability(ensemble.buyers, 20.0, by_day, window=30)

# %% [markdown]
# ## The curves
# Median with 50 % and 90 % bands; vertical lines mark policy starts (solid) and ends (dotted).

# %%
b = bands(ensemble.buyers, ensemble.start)
marks = policy_marks(loaded)
fig = fan_grid(b, "shortage_frac", marks, title="shortage, % of demand", smooth=30)

# %%
fig = fan_grid(b, "days_of_cover", marks, title="days of cover")

# %%
flows = country_flows(ensemble.lanes, ensemble.start, len(ensemble.replications))
fig = flows_grid(flows, marks, title="shipments by origin country")
plt.show()
