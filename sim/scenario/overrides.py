"""Command-line overrides: `--set KEY=VALUE`, applied in order after `extends` is resolved.

KEY is a dotted path (`facilities.cn_sep.capacity.NdPr_oxide`); entries of `policies` are named by
their `id` (`policies.oct_ctrl.end`), other list entries by index (`lanes.0.transit_days`). Missing
mapping keys along the path are created. VALUE is read as YAML: `0.3`, `2026-11-10`, `[a, b]`,
`{dist: uniform, low: 1, high: 2}`; `null` (or nothing) deletes the key or list entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.located import Loc, Shadow, parse_yaml, shadow_at
from sim.scenario.paths import BY_ID, list_index, match_key
from sim.scenario.text import known, show

#: Where values set on the command line come from.
SET_LOC = Loc("--set", None)


class _BadOverride(Exception):
    """An override that cannot be applied; the message says why."""


def apply_overrides(
    doc: dict[str, Any], shadow: Shadow, sets: Sequence[str]
) -> tuple[dict[str, Any], list[Problem]]:
    """Apply `KEY=VALUE` texts to `doc` and `shadow` in place, in order (later wins).

    Returns the applied overrides (key → parsed value, in order of last application) and a
    problem for each text that could not be applied.
    """
    applied: dict[str, Any] = {}
    problems: list[Problem] = []
    for text in sets:
        key, sep, raw = text.partition("=")
        key = key.strip()
        try:
            if not sep or not key:
                raise _BadOverride(f"expected KEY=VALUE (got {text!r})")
            if key.split(".")[0] == "extends":
                raise _BadOverride("extends is resolved before --set; it cannot be overridden")
            value = _parse_value(raw)
            _set(doc, shadow, key, value)
        except _BadOverride as exc:
            problems.append(Problem(SET_LOC.file, None, key if sep else "", str(exc)))
            continue
        applied.pop(key, None)
        applied[key] = value
    return applied, problems


def _parse_value(raw: str) -> Any:
    try:
        value, _ = parse_yaml(raw, SET_LOC.file)  # bounded like files; bad dates kept as text
    except ScenarioError as exc:
        reason = exc.problems[0].message.removeprefix("invalid YAML: ")
        raise _BadOverride(f"cannot read value {_cut(raw)!r}: {reason}") from None
    return value


def _cut(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def _set(doc: dict[str, Any], shadow: Shadow, key: str, value: Any) -> None:
    segs = key.split(".")
    if any(not s for s in segs):
        raise _BadOverride("empty part in key")
    node: Any = doc
    sub: Shadow = shadow
    for depth, seg in enumerate(segs):
        last = depth == len(segs) - 1
        where = ".".join(segs[:depth]) or "the top level"
        if isinstance(node, dict):
            assert isinstance(sub, dict)
            k = match_key(node, seg)
            if last:
                _assign(node, sub, k, value)
                return
            if node.get(k) is None:
                node[k] = {}
                sub[k] = (SET_LOC, {})
            node, sub = node[k], sub[k][1]
        elif isinstance(node, list):
            assert isinstance(sub, list)
            by_id = depth == 1 and segs[0] in BY_ID
            i = list_index(node, seg, by_id)
            if i is None:
                raise _BadOverride(_no_entry(where, node, seg, by_id))
            if last:
                _assign(node, sub, i, value)
                return
            node, sub = node[i], sub[i][1]
        else:
            raise _BadOverride(f"cannot set '{seg}' inside {where}, which is {show(node)}")


def _assign(node: dict[Any, Any] | list[Any], sub: Shadow, key: Any, value: Any) -> None:
    assert isinstance(sub, dict | list)
    if value is None:
        if isinstance(node, list) or key in node:
            del node[key]
            del sub[key]
        return
    node[key] = value
    sub[key] = (SET_LOC, shadow_at(value, SET_LOC))


def _no_entry(where: str, items: list[Any], seg: str, by_id: bool) -> str:
    if by_id:
        ids = [item.get("id") for item in items if isinstance(item, dict)]
        return f"no entry with id '{seg}' in {where}; known: {known(ids)}"
    if not items:
        return f"no entry '{seg}' in {where}: the list is empty"
    return f"no entry '{seg}' in {where}; entries are numbered 0 to {len(items) - 1}"
