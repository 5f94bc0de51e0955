"""minsim: discrete-event simulation of critical-mineral supply chains under export controls.

The Python API is the command line's: `load_scenario` a file, `run` it, read the results as
pandas DataFrames (`ensemble.summary`, `ensemble.buyers`, `ensemble.lanes`, `ensemble.events`).
Names (and `__version__`, read from the package metadata) are imported on first use (PEP 562),
so `import sim` loads neither pandas nor the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim._lazy import lazy_getattr

if TYPE_CHECKING:
    from sim._version import __version__
    from sim.runner.compare import compare
    from sim.runner.ensemble import resume, run, run_to_dir
    from sim.runner.replicate import run_one
    from sim.runner.sensitivity import sensitivity
    from sim.runner.sweep import sweep
    from sim.scenario.loader import load, load_scenario

#: Public name → module that defines it.
_API = {
    "__version__": "sim._version",
    "compare": "sim.runner.compare",
    "load": "sim.scenario.loader",
    "load_scenario": "sim.scenario.loader",
    "resume": "sim.runner.ensemble",
    "run": "sim.runner.ensemble",
    "run_one": "sim.runner.replicate",
    "run_to_dir": "sim.runner.ensemble",
    "sensitivity": "sim.runner.sensitivity",
    "sweep": "sim.runner.sweep",
}

__all__ = [
    "__version__",
    "compare",
    "load",
    "load_scenario",
    "resume",
    "run",
    "run_one",
    "run_to_dir",
    "sensitivity",
    "sweep",
]


__getattr__ = lazy_getattr("sim", _API, globals())


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
