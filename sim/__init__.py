"""minsim: discrete-event simulation of critical-mineral supply chains under export controls.

The Python API is the command line's: `load_scenario` a file, `run` it, read the results as
pandas DataFrames (`ensemble.summary`, `ensemble.buyers`, `ensemble.lanes`, `ensemble.events`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("minsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from sim.analysis.compare import compare
from sim.analysis.sweep import sweep
from sim.runner import resume, run, run_one, run_to_dir
from sim.scenario.loader import load, load_scenario

__all__ = [
    "__version__",
    "compare",
    "load",
    "load_scenario",
    "resume",
    "run",
    "run_one",
    "run_to_dir",
    "sweep",
]
