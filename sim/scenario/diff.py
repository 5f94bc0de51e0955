"""A readable diff of two resolved scenario documents, key by key.

Mappings are compared key by key; `policies` entries are matched by `id` and `lanes` by
`origin->destination`; other lists and scalars are compared as values. One line per difference:
`facilities.mine.capacity.NdPr_oxide: 1000 → 1200`, `+ policies.extra: {...}` (only in the second),
`- key: value` (only in the first).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

#: Lists whose entries are matched by a key rather than by position.
_KEYED = {
    "policies": lambda e: str(e.get("id")),
    "lanes": lambda e: f"{e.get('origin')}->{e.get('destination')}",
}


def show(v: Any) -> str:
    """A compact one-line rendering of a YAML value."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return v
    return json.dumps(_plain(v), ensure_ascii=False, separators=(", ", ": "))


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _keyed(path: str, v: Any) -> dict[str, Any] | None:
    key = _KEYED.get(path)
    if key is None or not isinstance(v, list) or not all(isinstance(e, Mapping) for e in v):
        return None
    return {key(e): e for e in v}


def _same(a: Any, b: Any) -> bool:
    return bool(_plain(a) == _plain(b))


#: A difference: (`-` only in the first, `+` only in the second, `~` changed; key path; old
#: value or None; new value or None).
Change = tuple[str, str, Any, Any]


def changes(a: Mapping[str, Any], b: Mapping[str, Any], path: str = "") -> list[Change]:
    """How document `b` differs from `a`, key by key (empty if they are the same)."""
    out: list[Change] = []
    for k in list(a) + [k for k in b if k not in a]:
        p = f"{path}.{k}" if path else str(k)
        if k not in b:
            out.append(("-", p, a[k], None))
        elif k not in a:
            out.append(("+", p, None, b[k]))
        else:
            out += _diff_values(a[k], b[k], p)
    return out


def diff_documents(a: Mapping[str, Any], b: Mapping[str, Any], path: str = "") -> list[str]:
    """Lines describing how document `b` differs from `a` (empty if they are the same)."""
    lines = []
    for op, p, old, new in changes(a, b, path):
        if op == "-":
            lines.append(f"- {p}: {show(old)}")
        elif op == "+":
            lines.append(f"+ {p}: {show(new)}")
        else:
            lines.append(f"{p}: {show(old)} → {show(new)}")
    return lines


def _diff_values(x: Any, y: Any, p: str) -> list[Change]:
    if isinstance(x, Mapping) and isinstance(y, Mapping):
        return changes(x, y, p)
    kx, ky = _keyed(p, x), _keyed(p, y)
    if kx is not None and ky is not None:
        return changes(kx, ky, p)
    return [] if _same(x, y) else [("~", p, x, y)]
