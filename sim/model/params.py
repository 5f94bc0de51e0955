"""Per-replication values of scenario numbers: each distribution is drawn once, from a stream
named by its key path, so the same path draws the same value in every scenario (CRN)."""

from __future__ import annotations

from sim.engine.streams import Streams
from sim.scenario.distributions import Number, sample


class Params:
    def __init__(self, streams: Streams) -> None:
        self._streams = streams
        self.drawn: dict[str, float] = {}

    def value(self, x: Number | None, path: str, default: float = 0.0) -> float:
        """The value of `x` in this replication (`default` when `x` is None)."""
        if x is None:
            return default
        if isinstance(x, int | float):
            return float(x)
        v = sample(x, self._streams(f"param:{path}"))
        self.drawn[path] = v
        return v
