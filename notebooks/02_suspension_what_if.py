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
# China's October 2025 controls on NdPr (and magnets containing it) are suspended for one year,
# to 10 November 2026. Two futures, run with the **same random numbers** (common seeds): the
# suspension is renewed, or the controls snap back. Who runs short of what, and when?
# `MINSIM_NOTEBOOK_REPS` sets the replications (the test suite uses 3).

# %%
import datetime as dt
import os

import matplotlib.pyplot as plt

import sim
from sim.plotting.compare import overlay_grid, plot_differences

REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "40"))

# %% [markdown]
# Both futures are the workshop scenario with one override each, exactly as
# `minsim compare` with `--set policies.suspension.at_expiry=…` would build them.

# %%
renewed = sim.load("workshop.yaml", ["name=renewed", "policies.suspension.at_expiry=renew"])
snap_back = sim.load("workshop.yaml", ["name=snap_back", "policies.suspension.at_expiry=snap_back"])
comparison = sim.compare([renewed, snap_back], reps=REPS)
for label, lines in comparison.input_diff().items():
    print(f"{label} vs {comparison.reference}:", *lines, sep="\n  ")

# %% [markdown]
# ## Differences, paired per replication
# Snap back − renewed, total shortage in percentage points of demand, mean and 95 % interval.

# %%
diff = comparison.differences()
diff[diff["metric"].isin(["shortage_pct", "tts_days"])].round(2)

# %%
ax = plot_differences(diff, "shortage_pct")

# %% [markdown]
# ## When: the curves side by side

# %%
by_label = comparison.bands()
fig = overlay_grid(
    by_label, "shortage_frac", comparison.policies(), "shortage, % of demand", smooth=30
)

# %%
fig = overlay_grid(by_label, "days_of_cover", comparison.policies(), "days of cover")
plt.show()

# %% [markdown]
# The first day each buyer runs short (median across replications) under snap back:

# %%
m = comparison.metrics()
first = m[(m["scenario"] == "snap_back") & (m["buyer"] != "(all)")]
start = snap_back.scenario.horizon.start
median_day = first.groupby(["buyer", "commodity"])["tts_days"].median()
median_day.map(lambda d: start + dt.timedelta(days=d) if d == d else "never")

# %% [markdown]
# To hand out: `comparison.write("runs/suspension")` writes the CSV tables, figures and a one-page
# `report.html` (the same as `minsim compare`).
