"""Per-replication values of scenario numbers: each distribution is drawn once, from a stream
named by its scenario key path, so the same path draws the same value in every scenario (CRN).

Key paths are taken from the scenario itself, not typed by the model: `key_paths` walks the
validated scenario and names every distribution by the keys that lead to it (`--set` syntax:
mapping keys, list items by `id`). Every draw is checked against the domain of its field
(`sim.scenario.domains`): a value outside it is a `ScenarioError` naming the key path. Distributions the model samples per event (transit times,
licence reviews, shock durations) are never asked for here and stay distributions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from sim.engine.streams import Streams
from sim.scenario.distributions import Fixed, Number, sample
from sim.scenario.domains import Domain, domain_of
from sim.scenario.errors import Problem, ScenarioError

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


def key_paths(node: Any, path: str = "", into: dict[int, str] | None = None) -> dict[int, str]:
    """`id(distribution)` → key path of every distribution in a validated scenario."""
    return {k: p for k, (p, _) in _walk(node, path, None, {} if into is None else into).items()}


def _walk(
    node: Any, path: str, domain: Domain | None, out: dict[int, Any]
) -> dict[int, tuple[str, Domain | None]]:
    """`id(distribution)` → (key path, domain of the field it is written in)."""
    if _is_distribution(node):
        out[id(node)] = (path, domain)
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            key = info.alias or name
            own = [m for m in info.metadata if isinstance(m, Domain)]
            field_domain = own[0] if own else domain_of(info.annotation)
            _walk(getattr(node, name), f"{path}.{key}" if path else key, field_domain, out)
    elif isinstance(node, dict):
        for k, v in node.items():
            _walk(v, f"{path}.{k}" if path else str(k), domain, out)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            _walk(v, f"{path}.{getattr(v, 'id', i)}", domain, out)
    return out


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
        self._paths = _walk(scenario, "", None, {}) if scenario is not None else {}
        self._name = getattr(scenario, "name", "")
        self.drawn: dict[str, float] = {}

    def value(self, x: Number | None, path: str = "", default: float = 0.0) -> float:
        """The value of `x` in this replication (`default` when `x` is None). Its stream is
        named by `x`'s key path in the scenario; `path` only names values built outside it."""
        if x is None:
            return default
        if isinstance(x, int | float):
            return float(x)
        key, domain = self._paths.get(id(x), (path, None))
        v = sample(x, self._streams(f"param:{key}"))
        if (why := (domain or _FINITE).draw_violation(v)) is not None:
            where = f"scenario {self._name}" if self._name else "scenario"
            raise ScenarioError([Problem(where, None, key, f"sampled value {why}")])
        self.drawn[key] = v
        return v


#: The domain of values drawn outside any scenario field: any finite number.
_FINITE = Domain()
