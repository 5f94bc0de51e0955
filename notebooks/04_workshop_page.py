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
# # The workshop page inside a notebook
#
# `minsim workshop SCENARIO` serves the live page in a browser; `sim.workshop.app` returns the
# same page as a Panel object, so it can be shown in a notebook cell. Move a lever and the page
# runs the variant on the same seeds as the base (common random numbers), streaming
# replications into the fan chart, the paired difference and the headline. The brief button
# writes the one-page summary of the variants tried.
#
# This notebook opens the flagship scenario, `scenarios/outlook_2026.yaml`, whose `levers:` are
# the suspension outcome at 10 November 2026, the licence approval rate, the funding window's
# capacity and the stockpiles; `MINSIM_NOTEBOOK_REPS` sets the replications per scenario (the
# test suite uses 3).

# %%
import os
import time

import panel as pn

from sim.workshop import Workshop, app

pn.extension()
REPS = int(os.environ.get("MINSIM_NOTEBOOK_REPS", "20"))
workshop = Workshop("../scenarios/outlook_2026.yaml", reps=REPS, workers=1)
print("levers:", ", ".join(workshop.levers))

# %% [markdown]
# The page: levers on the left, the charts and the headline on the right. It refreshes as
# replications arrive.

# %%
page = app(workshop, out="workshop-briefs")
page

# %% [markdown]
# The same runs can be read without the page: the base scenario's replications, once they are
# in, are what the page's curves are drawn from.

# %%
deadline = time.monotonic() + 600
while workshop.busy() and time.monotonic() < deadline:
    time.sleep(0.2)
print("all replications in:", not workshop.busy())

# %%
workshop.close()
