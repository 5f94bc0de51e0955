"""The installed version of minsim (from the package metadata; no heavy imports)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("minsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"
