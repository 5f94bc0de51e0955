"""The live workshop page: levers, base and variant on the same seeds, streamed replications, a
session log and an exported brief (needs the `workshop` extra: `pip install 'minsim[workshop]'`).

`Workshop` (engine, cache and warm workers) does not need Panel; `app`, `start` and `serve` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim._lazy import lazy_getattr

if TYPE_CHECKING:
    from sim.workshop.engine import LeverError, Variant, Workshop
    from sim.workshop.page import app
    from sim.workshop.server import serve, start

_API = {
    "LeverError": "sim.workshop.engine",
    "Variant": "sim.workshop.engine",
    "Workshop": "sim.workshop.engine",
    "app": "sim.workshop.page",
    "serve": "sim.workshop.server",
    "start": "sim.workshop.server",
}
__all__ = ["LeverError", "Variant", "Workshop", "app", "serve", "start"]

__getattr__ = lazy_getattr("sim.workshop", _API, globals())
