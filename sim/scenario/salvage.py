"""A valid stand-in for a document that failed schema validation, so later stages still run.

A schema error must not hide reference and structure problems elsewhere in the file. `salvage`
repairs a copy of the document where the schema found problems — a bad number becomes 1 (inside
every number domain), then a bad value is deleted (its default applies), then the whole entry
(facility, buyer, lane, policy, …) is dropped — and validates again, a few rounds at most. The
stand-in is used only to look for more problems: the loader keeps those outside the repaired
places and not about a dropped entry.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sim.scenario.messages import Issue, validation_issues
from sim.scenario.paths import BY_ID
from sim.scenario.schema import Scenario

Path = tuple[Any, ...]

#: Top-level sections whose entries can be dropped whole: (section, key or index) is an entry.
ENTRY_SECTIONS = frozenset(
    {"elements", "commodities", "facilities", "buyers", "lanes", "policies", "prices"}
)


@dataclass
class Salvaged:
    """The stand-in scenario, where it differs from the document, and the entries dropped."""

    scenario: Scenario | None
    repaired: list[Path] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # ids or keys of dropped entries
    shifted: set[str] = field(default_factory=set)  # lists whose later entries moved up

    def keeps(self, path: Path, message: str) -> bool:
        """Whether a problem found in the stand-in is a new one, located as in the document."""
        if self.covers(path) or self.mentions_dropped(message):
            return False
        return not (path[:1] and path[0] in self.shifted and path[0] not in BY_ID)

    def covers(self, path: Path) -> bool:
        """Whether `path` is at or under a repaired place (a problem there is already known)."""
        return any(path[: len(p)] == p for p in self.repaired)

    def mentions_dropped(self, message: str) -> bool:
        """Whether `message` names a dropped entry (e.g. `unknown facility 'x'`)."""
        return any(f"'{name}'" in message or f" {name} " in message for name in self.dropped)


def salvage(doc: dict[str, Any], issues: list[Issue]) -> Salvaged:
    """A scenario validated from a repaired copy of `doc`, or None when no repair works."""
    out = Salvaged(None)
    work = copy.deepcopy(doc)
    steps: list[Callable[[dict[str, Any], Issue, Salvaged], None]] = [_as_one, _delete, _drop]
    for step in steps:
        for issue in issues:
            step(work, issue, out)
        _compact(work)
        try:
            out.scenario = Scenario.model_validate(work)
            return out
        except ValidationError as exc:
            issues = validation_issues(exc, work)
    return out


def _parent(doc: Any, path: Path) -> Any:
    for seg in path[:-1]:
        try:
            doc = doc[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def _as_one(doc: dict[str, Any], issue: Issue, out: Salvaged) -> None:
    """A bad number (or a missing one) becomes 1."""
    parent, key = _parent(doc, issue.path), issue.path[-1] if issue.path else None
    if isinstance(parent, dict) and key in parent and _numberish(parent[key]):
        parent[key] = 1.0
        out.repaired.append(issue.path)


def _numberish(value: Any) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _delete(doc: dict[str, Any], issue: Issue, out: Salvaged) -> None:
    """A bad value is deleted (its default applies, or it is reported missing next round)."""
    if len(issue.path) <= 2 and issue.path[:1] and issue.path[0] in ENTRY_SECTIONS:
        return  # an entry itself: dropped in the next step
    parent, key = _parent(doc, issue.path), issue.path[-1] if issue.path else None
    if isinstance(parent, dict) and key in parent:
        del parent[key]
        out.repaired.append(issue.path)


def _drop(doc: dict[str, Any], issue: Issue, out: Salvaged) -> None:
    """The entry holding the problem is dropped."""
    path = issue.path
    if len(path) < 2 or path[0] not in ENTRY_SECTIONS:
        return
    section, key = path[0], path[1]
    items = doc.get(section)
    if isinstance(items, dict) and key in items:
        del items[key]
        out.dropped.append(str(key))
    elif isinstance(items, list) and isinstance(key, int) and 0 <= key < len(items):
        entry = items[key]
        out.shifted.add(section)
        items[key] = _DROPPED  # indices stay valid for this round's other issues
        if isinstance(entry, dict):
            out.dropped += [
                str(entry[k]) for k in ("id", "origin") if isinstance(entry.get(k), str)
            ]
    out.repaired.append(path[:2])


_DROPPED = object()


def _compact(doc: dict[str, Any]) -> None:
    """Remove the list entries dropped in a round."""
    for section, items in doc.items():
        if isinstance(items, list) and any(item is _DROPPED for item in items):
            doc[section] = [item for item in items if item is not _DROPPED]
