"""Running replications: one (`replicate`), an ensemble in memory or into an output directory
(`ensemble`), comparisons under common random numbers (`compare`) and sweeps (`sweep`).

Work is split into batches of consecutive replications (`batches`); a backend (`local`, `dask`)
runs batches in any order; `backends.execute` puts results back in replication order, so outputs
are the same bytes whatever the backend or number of workers. Names below are imported on first
use (PEP 562), so `sim.runner.defaults` loads without the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim._lazy import lazy_getattr

if TYPE_CHECKING:
    from sim.runner.compare import compare
    from sim.runner.ensemble import resume, run, run_to_dir
    from sim.runner.replicate import run_one, simulate
    from sim.runner.sweep import sweep

_API = {
    "compare": "sim.runner.compare",
    "resume": "sim.runner.ensemble",
    "run": "sim.runner.ensemble",
    "run_one": "sim.runner.replicate",
    "run_to_dir": "sim.runner.ensemble",
    "simulate": "sim.runner.replicate",
    "sweep": "sim.runner.sweep",
}
__all__ = ["compare", "resume", "run", "run_one", "run_to_dir", "simulate", "sweep"]


__getattr__ = lazy_getattr("sim.runner", _API, globals())
