"""Key paths into a scenario document, as tuples and as dotted text.

A path is a tuple of mapping keys and list indices, e.g. `("policies", 0, "end")`. Shown dotted,
entries of the top-level `policies` list are named by their `id` (`policies.oct_ctrl.end`) when it
is unique; other list entries by their index (`lanes.0.transit_days`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Top-level lists whose entries are addressed by `id` rather than by index.
BY_ID = frozenset({"policies"})


def to_dotted(doc: Any, path: Sequence[Any]) -> str:
    """Dotted text of a path, naming `policies` entries by id when possible."""
    parts = [str(seg) for seg in path]
    if len(path) >= 2 and path[0] in BY_ID and isinstance(path[1], int) and isinstance(doc, dict):
        parts[1] = entry_label(doc.get(path[0]), path[1])
    return ".".join(parts)


def entry_label(items: Any, index: int) -> str:
    """The `id` of `items[index]` if it has one no other entry shares, else the index."""
    if not isinstance(items, list) or not 0 <= index < len(items):
        return str(index)
    ident = _ident(items[index])
    if ident is None or sum(_ident(item) == ident for item in items) > 1:
        return str(index)
    return ident


def to_path(doc: Any, dotted: str) -> tuple[Any, ...]:
    """Resolve dotted text against `doc`; segments past the first missing one stay text."""
    out: list[Any] = []
    cur = doc
    for seg in dotted.split(".") if dotted else ():
        if isinstance(cur, dict):
            key = match_key(cur, seg)
            out.append(key)
            cur = cur.get(key)
        elif (
            isinstance(cur, list)
            and (i := list_index(cur, seg, by_id=out == ["policies"])) is not None
        ):
            out.append(i)
            cur = cur[i]
        else:
            out.append(seg)
            cur = None
    return tuple(out)


def match_key(mapping: dict[Any, Any], seg: str) -> Any:
    """The key of `mapping` written `seg` (keys may be numbers or dates in YAML), else `seg`."""
    if seg in mapping:
        return seg
    return next((k for k in mapping if str(k) == seg), seg)


def list_index(items: list[Any], seg: str, by_id: bool) -> int | None:
    """Index of the entry named `seg`: a number, or (when `by_id`) the first entry with that id."""
    if seg.isdigit():
        i = int(seg)
        return i if i < len(items) else None
    if by_id:
        return next((i for i, item in enumerate(items) if _ident(item) == seg), None)
    return None


def _ident(item: Any) -> str | None:
    ident = item.get("id") if isinstance(item, dict) else None
    return ident if isinstance(ident, str) else None
