"""minsim: discrete-event simulation of critical-mineral supply chains under export controls."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("minsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
