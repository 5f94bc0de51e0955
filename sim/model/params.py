"""Per-replication values of scenario numbers: each distribution is drawn once, from a stream
named by its scenario key path, so the same path draws the same value in every scenario (CRN).

Key paths are taken from the scenario itself, not typed by the model: `key_paths` walks the
validated scenario and names every distribution by the keys that lead to it (`--set` syntax:
mapping keys, list items by `id`). Distributions the model samples per event (transit times,
licence reviews, shock durations) are never asked for here and stay distributions.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim.engine.streams import Streams
from sim.scenario.distributions import Number, sample


def _is_distribution(node: Any) -> bool:
    return isinstance(node, BaseModel) and callable(getattr(node, "sample_many", None))


def key_paths(node: Any, path: str = "", into: dict[int, str] | None = None) -> dict[int, str]:
    """`id(distribution)` → key path of every distribution in a validated scenario."""
    out: dict[int, str] = {} if into is None else into
    if _is_distribution(node):
        out[id(node)] = path
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            key = info.alias or name
            key_paths(getattr(node, name), f"{path}.{key}" if path else key, out)
    elif isinstance(node, dict):
        for k, v in node.items():
            key_paths(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            key_paths(v, f"{path}.{getattr(v, 'id', i)}", out)
    return out


class Params:
    """Draws and remembers the per-replication value of every sampled scenario parameter."""

    def __init__(self, streams: Streams, scenario: BaseModel | None = None) -> None:
        self._streams = streams
        self._paths = key_paths(scenario) if scenario is not None else {}
        self.drawn: dict[str, float] = {}

    def value(self, x: Number | None, path: str = "", default: float = 0.0) -> float:
        """The value of `x` in this replication (`default` when `x` is None). Its stream is
        named by `x`'s key path in the scenario; `path` only names values built outside it."""
        if x is None:
            return default
        if isinstance(x, int | float):
            return float(x)
        key = self._paths.get(id(x), path)
        v = sample(x, self._streams(f"param:{key}"))
        self.drawn[key] = v
        return v
