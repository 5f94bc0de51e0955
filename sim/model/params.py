"""Per-replication values of scenario numbers: each distribution is drawn once, from a stream
named by its scenario key path, so the same path draws the same value in every scenario (CRN).

Key paths are taken from the scenario itself, not typed by the model: `key_paths` walks the
validated scenario and names every distribution by the keys that lead to it (`--set` syntax:
mapping keys, list items by `id`). Distributions the model samples per event (transit times,
licence reviews, shock durations) are never asked for here and stay distributions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from sim.engine.streams import Streams
from sim.scenario.distributions import Fixed, Number, sample

T = TypeVar("T")


def _is_distribution(node: Any) -> bool:
    return isinstance(node, BaseModel) and callable(getattr(node, "sample_many", None))


def _children(node: Any, path: str) -> Iterator[tuple[Any, str, Any]]:
    """(key, key path, value) of the fields, entries or items of `node`."""
    join = (lambda k: f"{path}.{k}") if path else str
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield name, join(info.alias or name), getattr(node, name)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k, join(k), v
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield i, f"{path}.{getattr(v, 'id', i)}", v


def distributions(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(key path, distribution) of every distribution in a validated scenario."""
    if _is_distribution(node):
        yield path, node
        return
    for _, p, v in _children(node, path):
        yield from distributions(v, p)


def key_paths(node: Any) -> dict[int, str]:
    """`id(distribution)` → key path of every distribution in a validated scenario."""
    return {id(d): p for p, d in distributions(node)}


def with_values(scenario: T, values: Mapping[str, float]) -> T:
    """A copy of `scenario` in which the distribution at each key path of `values` is replaced
    by that fixed value (keeping its `source:`); everything else is shared."""
    out: T = _replace(scenario, values, "")
    return out


def _replace(node: Any, values: Mapping[str, float], path: str) -> Any:
    if _is_distribution(node):
        return Fixed(value=float(values[path]), source=node.source) if path in values else node
    changed = {}
    for k, p, v in _children(node, path):
        new = _replace(v, values, p)
        if new is not v:
            changed[k] = new
    if not changed:
        return node
    if isinstance(node, BaseModel):
        return node.model_copy(update=changed)
    if isinstance(node, dict):
        return {**node, **changed}
    return type(node)(changed.get(i, v) for i, v in enumerate(node))


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
