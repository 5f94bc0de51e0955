"""YAML documents read together with the file and line of every key, for error messages.

A document comes with a *shadow*: a tree of the same shape whose mapping entries and list items
carry the `Loc` (file, line) where they were written. Merging (`extends`) and `--set` overrides
update the shadow along with the document, so every key knows where it was last set.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.scenario.errors import Problem, ScenarioError


@dataclass(frozen=True)
class Loc:
    """Where a key or list item was written; `line` is 1-based, None when not from a file."""

    file: str
    line: int | None


#: Locations of the children of a mapping or list (None for scalars), same shape as the value.
Shadow: TypeAlias = "dict[Any, tuple[Loc, Shadow]] | list[tuple[Loc, Shadow]] | None"


#: Largest scenario file read, bytes (the shipped files are below 100 KB).
MAX_FILE_BYTES = 2_000_000
#: Most values (mappings, lists, scalars) a document may expand to, aliases counted each time
#: they are used: a few "billion laughs" aliases otherwise expand to gigabytes.
MAX_VALUES = 200_000


def read_yaml(path: Path, display: str) -> tuple[Any, Shadow]:
    """Read and parse a YAML file; `display` is the file name used in problems."""
    try:
        if (size := path.stat().st_size) > MAX_FILE_BYTES:
            message = f"file too large: {size:,} bytes (at most {MAX_FILE_BYTES:,})"
            raise ScenarioError([Problem(display, None, "", message)])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(display, None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        message = f"cannot read file: not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise ScenarioError([Problem(display, None, "", message)]) from None
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        raise ScenarioError([Problem(display, None, "", message)]) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, file: str) -> tuple[Any, Shadow]:
    """Parse one YAML document (safe tags only); malformed YAML raises `ScenarioError`."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        builder = _Builder(loader, file)
        value, shadow = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        column = "" if mark is None else f" (column {mark.column + 1})"
        problem = exc.problem or exc.context or "cannot parse"
        raise ScenarioError([Problem(file, line, "", f"invalid YAML: {problem}{column}")]) from None
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters) carry no mark
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        position = getattr(exc, "position", None)
        line = None if position is None else text.count("\n", 0, position) + 1
        raise ScenarioError([Problem(file, line, "", f"invalid YAML: {reason}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.problems:
        raise ScenarioError(builder.problems)
    return value, shadow


def shadow_at(value: Any, loc: Loc) -> Shadow:
    """A shadow for `value` with every key and item at `loc` (for values from the command line)."""
    if isinstance(value, dict):
        return {k: (loc, shadow_at(v, loc)) for k, v in value.items()}
    if isinstance(value, list):
        return [(loc, shadow_at(v, loc)) for v in value]
    return None


def flatten(shadow: Shadow, prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Loc]:
    """Map every key path (tuple of keys and list indices) to its location."""
    out: dict[tuple[Any, ...], Loc] = {}
    items = shadow.items() if isinstance(shadow, dict) else enumerate(shadow or ())
    for key, (loc, sub) in items:
        path = (*prefix, key)
        out[path] = loc
        out.update(flatten(sub, path))
    return out


class _Builder:
    """Turns composed YAML nodes into Python values plus their shadow."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.problems: list[Problem] = []
        self._active: set[int] = set()
        self._count = 0

    def build(self, node: Node, path: tuple[Any, ...]) -> tuple[Any, Shadow]:
        self._count += 1
        if self._count > MAX_VALUES:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the document expands to more than {MAX_VALUES:,} values (aliases counted "
                "each time they are used)",
                node.start_mark,
            )
        if id(node) in self._active:
            raise yaml.constructor.ConstructorError(
                None, None, "found a recursive alias", node.start_mark
            )
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
            return self._scalar(node), None
        finally:
            self._active.discard(id(node))

    def _sequence(self, node: SequenceNode, path: tuple[Any, ...]) -> tuple[Any, Shadow]:
        value: list[Any] = []
        shadow: list[tuple[Loc, Shadow]] = []
        for i, item_node in enumerate(node.value):
            item, sub = self.build(item_node, (*path, i))
            value.append(item)
            shadow.append((self._loc(item_node), sub))
        return value, shadow

    def _mapping(self, node: MappingNode, path: tuple[Any, ...]) -> tuple[Any, Shadow]:
        self._check_duplicates(node, path)
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys; later keys win
        value: dict[Any, Any] = {}
        shadow: dict[Any, tuple[Loc, Shadow]] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            value[key], sub = self.build(value_node, (*path, key))
            shadow[key] = (self._loc(key_node), sub)
        return value, shadow

    def _scalar(self, node: Node) -> Any:
        try:
            return self.loader.construct_object(node)
        except ValueError:  # e.g. the timestamp 2025-13-01: keep the text, validation reports it
            return node.value

    def _key(self, node: Node) -> Hashable:
        if isinstance(node, ScalarNode):
            return cast(Hashable, self._scalar(node))
        key = self.loader.construct_object(node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "found a key that is a list or mapping", node.start_mark
            )
        return key

    def _check_duplicates(self, node: MappingNode, path: tuple[Any, ...]) -> None:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._key(key_node)
            line = key_node.start_mark.line + 1
            if key in first:
                dotted = ".".join(str(k) for k in path)
                message = f"duplicate key '{key}' (first at line {first[key]})"
                self.problems.append(Problem(self.file, line, dotted, message))
            else:
                first[key] = line

    def _loc(self, node: Node) -> Loc:
        return Loc(self.file, node.start_mark.line + 1)
