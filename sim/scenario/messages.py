"""Pydantic validation errors as human messages: where (key path), what is wrong, what is allowed.

Pydantic locations include union labels (`float`, `tagged-union[…]`, `literal['all']`, a tag such
as `uniform`); they are traced through the schema types so that paths are plain document key paths
and allowed keys and values can be listed. At a union, only errors from the branches that fit the
input's shape (mapping, list or scalar) are kept; when no branch fits, or several scalar branches
do, the errors become one `expected A, B or C (got …)`.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from sim.scenario.distributions import DIST_KINDS
from sim.scenario.schema import Scenario
from sim.scenario.text import PATTERN_WORDS, show

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Issue:
    """A message about `path`; `at` is the key path whose line to report (usually `path`)."""

    path: Path
    at: Path
    message: str


def validation_issues(exc: ValidationError, doc: Any) -> list[Issue]:
    """One issue per distinct problem in `exc`, raised validating `doc` as a `Scenario`."""
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        trace = _trace(err["loc"])
        verdict = _union_verdict(trace, doc)
        if verdict is _DROP:
            continue
        issue = verdict if isinstance(verdict, Issue) else _describe(err, trace, doc)
        if issue not in issues:
            issues.append(issue)
    return issues


_TYPE_WORDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2025-01-31",
    "date_parsing": "a date like 2025-01-31",
    "date_from_datetime_parsing": "a date like 2025-01-31",
    "date_from_datetime_inexact": "a date without a time of day",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}

_COMPARISONS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}

_BOOL_HINT = "; YAML reads yes, no, on, off as true/false: put the value in quotes"


def _describe(err: ErrorDetails, trace: _Trace, doc: Any) -> Issue:
    kind, path, value = err["type"], trace.path, err["input"]
    ctx = err.get("ctx") or {}
    parent = path[:-1]
    if trace.key_error and kind == "string_pattern_mismatch":
        wanted = PATTERN_WORDS.get(str(ctx.get("pattern", "")), "an id")
        return Issue(parent, path, f"invalid key {show(path[-1])}: expected {wanted}")
    if trace.key_error and kind == "string_too_long":
        return Issue(
            parent,
            path,
            f"invalid key {show(path[-1])}: at most {ctx.get('max_length')} characters",
        )
    if trace.key_error:
        return Issue(parent, path, f"keys must be strings (got {show(path[-1])})")
    if (point := _bare_mapping_as_number(trace, doc)) is not None:
        message = "expected a number, or a distribution with dist: " + ", ".join(DIST_KINDS)
        return Issue(point, point, message)
    if kind == "missing":
        return Issue(parent, parent, f"missing required key '{path[-1]}'")
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(trace.parent))
        return Issue(parent, path, f"unknown key '{path[-1]}'; allowed: {allowed}")
    if kind == "unknown_distribution":
        name = value.get("dist") if isinstance(value, dict) else value
        return Issue(
            path, path, f"unknown distribution {show(name)}; allowed: {', '.join(DIST_KINDS)}"
        )
    if kind == "union_tag_invalid":
        key = str(ctx.get("discriminator", "type")).strip("'")
        allowed = ", ".join(_tags(trace.type))
        return Issue(
            path, (*path, key), f"unknown {key} {show(ctx.get('tag'))}; allowed: {allowed}"
        )
    if kind == "union_tag_not_found":
        key = str(ctx.get("discriminator", "type")).strip("'")
        allowed = ", ".join(_tags(trace.type))
        return Issue(path, path, f"missing required key '{key}'; allowed {key}s: {allowed}")
    if kind == "literal_error":
        allowed = ", ".join(str(a) for a in _literal_values(trace.type)) or ctx.get("expected", "")
        return Issue(path, path, f"invalid value {show(value)}; allowed: {allowed}")
    if kind in _TYPE_WORDS:
        hint = _BOOL_HINT if kind == "string_type" and isinstance(value, bool) else ""
        return Issue(path, path, f"expected {_TYPE_WORDS[kind]} (got {show(value)}{hint})")
    if kind in _COMPARISONS:
        bound, op = _COMPARISONS[kind]
        return Issue(path, path, f"must be {op} {show(ctx.get(bound))} (got {show(value)})")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        wanted = PATTERN_WORDS.get(pattern, f"text matching {pattern}")
        return Issue(path, path, f"expected {wanted} (got {show(value)})")
    if kind == "too_short":
        least = ctx.get("min_length")
        entries = "entry" if least == 1 else "entries"
        return Issue(
            path, path, f"needs at least {least} {entries} (got {ctx.get('actual_length')})"
        )
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return Issue(path, path, f"must be at most {limit} characters (got {len(str(value))})")
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return Issue(path, path, str(ctx["error"]))
    message = err["msg"][:1].lower() + err["msg"][1:]
    return Issue(path, path, f"{message} (got {show(value)})")


@dataclass(frozen=True)
class _Branch:
    """A union label in a location: which member of which union the error comes from."""

    depth: int  # length of the document path where the union sits
    members: tuple[Any, ...]  # the union's members (None excluded)
    member: Any  # the member the error comes from, None if unknown


@dataclass(frozen=True)
class _Trace:
    path: Path  # document key path (union labels removed)
    branches: tuple[_Branch, ...]  # smart-union labels passed, outermost first
    tags: tuple[tuple[int, str], ...]  # discriminated-union tags passed: (depth, tag)
    type: Any  # schema type at the end of the location, None if unknown
    parent: Any  # schema type before the last step
    key_error: bool  # the error is about a mapping key, not a value


def _trace(loc: tuple[int | str, ...]) -> _Trace:
    tp: Any = Scenario
    parent: Any = None
    path: list[Any] = []
    branches: list[_Branch] = []
    tags: list[tuple[int, str]] = []
    key_error = False
    for seg in loc:
        parent = tp
        if seg == "[key]":
            key_error, tp = True, str
            continue
        tp, members = _step(tp, seg)
        if members is None:
            path.append(seg)
        elif members:
            branches.append(_Branch(len(path), members, tp))
        else:
            tags.append((len(path), str(seg)))
    return _Trace(tuple(path), tuple(branches), tuple(tags), tp, parent, key_error)


def _step(tp: Any, seg: int | str) -> tuple[Any, tuple[Any, ...] | None]:
    """The schema type one location segment below `tp`, and what `seg` is.

    The second value is None for a key or index, the union's members for a smart-union label,
    and `()` for the tag of a discriminated union.
    """
    inner, discriminated = _unwrap(tp)
    if discriminated or _is_union(inner):
        members = tuple(m for m in get_args(inner) if m is not type(None))
        if discriminated:
            return _member_by_tag(members, str(seg)), ()
        if len(members) == 1:
            return _step(members[0], seg)
        return _member_by_label(members, str(seg)), members
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        field = _field(inner, str(seg))
        return (field.annotation if field else None), None
    if get_origin(inner) is dict:
        return get_args(inner)[1], None
    if get_origin(inner) is list:
        return get_args(inner)[0], None
    return None, None


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """Strip `Annotated`; say whether it carried a union discriminator."""
    discriminated = False
    while get_origin(tp) is Annotated:
        tp, *meta = get_args(tp)
        discriminated = discriminated or any(
            isinstance(m, Discriminator) or (isinstance(m, FieldInfo) and m.discriminator)
            for m in meta
        )
    return tp, discriminated


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _member_by_tag(members: tuple[Any, ...], tag: str) -> Any:
    return next((m for m in members if tag in _member_tags(m)), None)


def _member_tags(member: Any) -> list[str]:
    """Tags of one member of a discriminated union: `Tag(…)` metadata or a Literal `type`/`dist`."""
    if get_origin(member) is Annotated:
        tags = [m.tag for m in get_args(member)[1:] if hasattr(m, "tag")]
        if tags:
            return tags
    inner, _ = _unwrap(member)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        for name in ("type", "dist"):
            if name in inner.model_fields:
                return [str(v) for v in _literal_values(inner.model_fields[name].annotation)]
    return []


def _tags(tp: Any) -> list[str]:
    inner, _ = _unwrap(tp)
    return [t for m in get_args(inner) for t in _member_tags(m)]


def _member_by_label(members: tuple[Any, ...], label: str) -> Any:
    """The union member pydantic names `label` (`float`, `literal[…]`, `list[…]`, `AllBut`, …)."""
    for m in members:
        inner, discriminated = _unwrap(m)
        origin = get_origin(inner)
        if discriminated:
            if label.startswith("tagged-union["):
                return m
        elif origin is not None:
            if label.startswith(f"{getattr(origin, '__name__', '')}[".lower()):
                return m
        elif getattr(inner, "__name__", None) == label.removeprefix("constrained-"):
            return m
    return None


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _allowed_keys(tp: Any) -> list[str]:
    inner, _ = _unwrap(tp)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return sorted(f.alias or name for name, f in inner.model_fields.items())
    return []


def _literal_values(tp: Any) -> tuple[Any, ...]:
    inner, _ = _unwrap(tp)
    return get_args(inner) if get_origin(inner) is Literal else ()


_MISSING = object()


def _get(doc: Any, path: Path) -> Any:
    for seg in path:
        if isinstance(doc, dict) and seg in doc:
            doc = doc[seg]
        elif isinstance(doc, list) and isinstance(seg, int) and 0 <= seg < len(doc):
            doc = doc[seg]
        else:
            return _MISSING
    return doc


_DROP = object()


def _union_verdict(trace: _Trace, doc: Any) -> object:
    """`_DROP` for an error from a union branch that does not fit the input, an `Issue` that
    replaces the errors of a union no branch clearly fits, or None to describe the error."""
    for branch in trace.branches:
        point = trace.path[: branch.depth]
        value = _get(doc, point)
        fitting = [m for m in branch.members if _shape(m) == _shape_of(value)]
        scalar_choice = _shape_of(value) == "scalar" and (
            len(fitting) > 1 or any(get_origin(_unwrap(m)[0]) is Literal for m in fitting)
        )
        if not fitting or scalar_choice:
            wanted = _or([word for m in branch.members for word in _wanted(m)])
            return Issue(point, point, f"expected {wanted} (got {show(value)})")
        if branch.member is not None and branch.member not in fitting:
            return _DROP
    return None


def _shape(tp: Any) -> str:
    inner, discriminated = _unwrap(tp)
    if discriminated or get_origin(inner) is dict:
        return "mapping"
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "mapping"
    return "list" if get_origin(inner) is list else "scalar"


def _shape_of(value: Any) -> str:
    return "mapping" if isinstance(value, dict) else "list" if isinstance(value, list) else "scalar"


def _wanted(tp: Any) -> list[str]:
    """How to ask for a value of type `tp` in a message (the values of a Literal)."""
    inner, discriminated = _unwrap(tp)
    if discriminated:
        return ["a distribution" if set(_tags(tp)) == set(DIST_KINDS) else "a mapping with a type"]
    if get_origin(inner) is Literal:
        return [str(v) for v in get_args(inner)]
    if get_origin(inner) is list:
        return ["a list"]
    if get_origin(inner) is dict or (isinstance(inner, type) and issubclass(inner, BaseModel)):
        return ["a mapping"]
    words = {float: "a number", int: "an integer", str: "a string", bool: "true or false"}
    return [words.get(inner, "a date" if inner is dt.date else getattr(inner, "__name__", "?"))]


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _bare_mapping_as_number(trace: _Trace, doc: Any) -> Path | None:
    """Path of a number written as a mapping with neither `dist` nor `value`, if that is the error."""
    for depth, label in trace.tags:
        if label == "fixed":
            point = _get(doc, trace.path[:depth])
            if isinstance(point, dict) and "dist" not in point and "value" not in point:
                return trace.path[:depth]
    return None
