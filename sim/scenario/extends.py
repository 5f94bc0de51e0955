"""`extends:` chains: read a scenario file and the files it extends, and merge them.

Merge rules (a child file over the file it extends):

- mappings merge key by key, recursively; the child's value wins;
- a child value `null` deletes the key (the default applies again);
- lists are replaced whole, except two top-level lists merged entry by entry:
  `policies` by `id` and `lanes` by (`origin`, `destination`). An entry with the same key as a
  base entry is deep-merged into it (same rules); other entries are appended in order;
- `extends` is resolved relative to the file that contains it; chains are allowed, cycles are not;
  every file of the chain must lie in the directory of the scenario file or below it (a scenario
  is shared as a directory; a path leaving it is refused, not read).
  The resolved document has no `extends` key: it is self-contained.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.located import Loc, Shadow, read_yaml

#: Top-level lists merged by key instead of replaced.
KEYED_LISTS: dict[str, tuple[str, ...]] = {"policies": ("id",), "lanes": ("origin", "destination")}


def read_chain(path: Path) -> tuple[dict[str, Any], Shadow, list[Path]]:
    """Read `path` and every file it extends; return the merged document, its shadow, the files.

    Files are listed child first. Raises `ScenarioError` on unreadable files and cycles.
    """
    docs: list[tuple[dict[str, Any], Shadow]] = []
    files: list[Path] = []
    seen: dict[Path, str] = {}
    current, display = path, str(path)
    root = path.resolve().parent
    via: tuple[str, int | None] | None = None  # the file and line of the `extends` read now
    while True:
        doc, shadow = _read_mapping(current, display, via)
        seen[current.resolve()] = display
        files.append(current)
        target = doc.pop("extends", None)
        assert isinstance(shadow, dict)
        line = shadow.pop("extends", (Loc(display, None), None))[0].line
        docs.append((doc, shadow))
        if target is None:
            break
        if not isinstance(target, str) or not target:
            message = f"expected a file name (got {target!r})"
            raise ScenarioError([Problem(display, line, "extends", message)])
        nxt = Path(os.path.normpath(current.parent / target))
        if not nxt.resolve().is_relative_to(root):
            message = (
                f"'{target}' is outside the directory of {path.name} ({root}); a scenario may "
                "only extend files in its own directory or below"
            )
            raise ScenarioError([Problem(display, line, "extends", message)])
        if nxt.resolve() in seen:
            names = [*seen.values(), seen[nxt.resolve()]]
            chain = " → ".join(_short(n, path) for n in names)
            raise ScenarioError([Problem(display, line, "extends", f"extends cycle: {chain}")])
        if not nxt.is_file():
            message = f"file not found: {nxt}"
            raise ScenarioError([Problem(display, line, "extends", message)])
        current, display, via = nxt, str(nxt), (display, line)
    merged, merged_shadow = docs[-1]
    for doc, shadow in reversed(docs[:-1]):
        merged, merged_shadow = merge_maps(merged, merged_shadow, doc, shadow, top=True)
    return merged, merged_shadow, files


def merge_maps(
    base: dict[Any, Any],
    base_shadow: Shadow,
    child: dict[Any, Any],
    child_shadow: Shadow,
    top: bool = False,
) -> tuple[dict[Any, Any], Shadow]:
    """Merge `child` over `base` (see the module docstring); inputs are not modified."""
    assert isinstance(base_shadow, dict) and isinstance(child_shadow, dict)
    out, shadow = dict(base), dict(base_shadow)
    for key, value in child.items():
        loc, sub = child_shadow[key]
        old = out.get(key)
        if value is None:
            out.pop(key, None)
            shadow.pop(key, None)
        elif isinstance(value, dict) and isinstance(old, dict):
            out[key], merged = merge_maps(old, shadow[key][1], value, sub)
            shadow[key] = (loc, merged)
        elif top and key in KEYED_LISTS and isinstance(value, list) and isinstance(old, list):
            out[key], merged = _merge_keyed(old, shadow[key][1], value, sub, KEYED_LISTS[key])
            shadow[key] = (loc, merged)
        else:
            out[key], shadow[key] = value, (loc, sub)
    return out, shadow


def _merge_keyed(
    base: list[Any],
    base_shadow: Shadow,
    child: list[Any],
    child_shadow: Shadow,
    fields: tuple[str, ...],
) -> tuple[list[Any], Shadow]:
    assert isinstance(base_shadow, list) and isinstance(child_shadow, list)
    out, shadow = list(base), list(base_shadow)
    index: dict[tuple[Any, ...], int] = {}
    for n, entry in enumerate(base):
        if (key := _entry_key(entry, fields)) is not None:
            index.setdefault(key, n)
    for item, (loc, sub) in zip(child, child_shadow, strict=True):
        key = _entry_key(item, fields)
        at = None if key is None else index.pop(key, None)
        if at is None:
            out.append(item)
            shadow.append((loc, sub))
        else:
            out[at], merged = merge_maps(out[at], shadow[at][1], item, sub)
            shadow[at] = (loc, merged)
    return out, shadow


def _entry_key(item: Any, fields: tuple[str, ...]) -> tuple[Any, ...] | None:
    if not isinstance(item, dict) or any(f not in item for f in fields):
        return None
    key = tuple(item[f] for f in fields)
    return key if all(isinstance(k, str) for k in key) else None


def _read_mapping(
    path: Path, display: str, via: tuple[str, int | None] | None
) -> tuple[dict[str, Any], Shadow]:
    """The top-level mapping of a file; problems of a file read through `extends` are located
    at that `extends` key (`via`: file and line) and never quote the file's content."""
    try:
        doc, shadow = read_yaml(path, display)
        if doc is None:
            raise ScenarioError([Problem(display, None, "", "the file is empty")])
        if not isinstance(doc, dict):
            got = "a list" if isinstance(doc, list) else "a single value"
            message = f"expected a mapping of keys (name, horizon, …) at the top level (got {got})"
            raise ScenarioError([Problem(display, 1, "", message)])
    except ScenarioError as exc:
        if via is None:
            raise
        raise ScenarioError(
            [
                Problem(via[0], via[1], "extends", f"cannot extend {display}: {_without_text(p)}")
                for p in exc.problems
            ]
        ) from None
    return doc, shadow


def _without_text(problem: Problem) -> str:
    """What is wrong with an extended file, with its line but none of its content."""
    at = "" if problem.line is None else f" (line {problem.line})"
    message = problem.message.split(" (got ", 1)[0]
    return f"{message}{at}"


def _short(name: str, start: Path) -> str:
    """A file name relative to the directory of the first file, for readable chains."""
    return os.path.relpath(name, start.parent)
