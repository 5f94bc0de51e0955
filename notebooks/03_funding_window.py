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
# A window from 28 October 2025 funds ex-China projects from a pipeline (US magnets, Australian
# heavy and light rare-earth separation). Each project has a cost, a lead time, a probability of
# success and a ramp-up. We compare no funding, the budget as set, and each project alone, all with
# the same random numbers, on a horizon extended to 2029 so the projects can ramp up.
# `MINSIM_NOTEBOOK_REPS` sets the replications (the test suite uses 3).

# %%
import datetime as dt
import os

import matplotlib.pyplot as plt

import sim
from sim.plotting.compare import overlay_grid, plot_differences

REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "30"))
LONGER = ["horizon.end=2029-12-31"]

# %% [markdown]
# The pipeline, in priority order:

# %%
base = sim.load("workshop.yaml", LONGER)
window = next(p for p in base.scenario.policies if p.id == "funding")
print(f"budget {window.budget_usd:,.0f} USD, {window.start} → {window.end}")
for i, p in enumerate(window.projects):
    print(f"  {i}: {p.id:<11} {p.facility.country} {p.facility.stage:<10} cost {p.cost_usd:,.0f}")

# %% [markdown]
# Variants through overrides (`null` deletes a pipeline entry), as `minsim compare … --set`:

# %%
ids = [p.id for p in window.projects]


def only(keep: str) -> list[str]:
    """Delete every other project (highest index first, so indices stay valid)."""
    drop = [i for i, pid in enumerate(ids) if pid != keep]
    return [f"policies.funding.projects.{i}=null" for i in sorted(drop, reverse=True)]


variants = {
    "no_funding": ["policies.funding.budget_usd=0"],
    "budget": [],
    **{f"only_{pid}": only(pid) for pid in ids},
}
loaded = [sim.load("workshop.yaml", [*LONGER, *sets]) for sets in variants.values()]
comparison = sim.compare(loaded, reps=REPS, labels=list(variants))

# %% [markdown]
# ## Gap closed: shortage against no funding (percentage points, paired, 95 % interval)

# %%
diff = comparison.differences()
table = diff[(diff["metric"] == "shortage_pct")]
table.pivot_table(index=["buyer", "commodity"], columns="scenario", values="mean").round(2)

# %%
ax = plot_differences(diff, "shortage_pct")

# %% [markdown]
# ## By when: projects completed and the curves

# %%
events = []
for label, e in zip(comparison.labels, comparison.ensembles, strict=True):
    ev = e.events
    done = ev[ev["kind"].str.contains("complete|online|built", case=False)]
    for pid, g in done.groupby("subject"):
        day = g["day"].median()
        when = e.start + dt.timedelta(days=float(day))
        share = g["replication"].nunique() / len(e.replications)
        events.append((label, pid, when, share))
print(
    *(
        f"{lab:<16} {pid:<11} median {when}  in {share:.0%} of replications"
        for lab, pid, when, share in events
    ),
    sep="\n",
)

# %%
fig = overlay_grid(
    comparison.bands(), "shortage_frac", comparison.policies(), "shortage, % of demand", smooth=30
)
plt.show()
