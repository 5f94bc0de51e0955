"""Load a scenario: read YAML (with `extends`), apply `--set` overrides, validate, check references.

Stages, each in its own module:

1. `extends.read_chain` reads the file and the files it extends and merges them (child wins;
   `null` deletes; `policies` merged by `id`, `lanes` by origin and destination; other lists
   replaced). The resolved document has no `extends` key.
2. `overrides.apply_overrides` applies `--set KEY=VALUE` in command-line order, so precedence is
   base file(s) < extending file < `--set` (later wins).
3. `Scenario.model_validate`; every error becomes a `Problem` located at the file and line where the
   offending key was last set (`--set` for command-line values).
4. `references.check_references` and `structure.check_structure`. When 3 failed they run on a
   stand-in repaired where the schema found problems (`salvage`), and report what they find
   elsewhere, so one mistake does not hide another.

Every stage reports all it finds; `load` raises one `ScenarioError` with every problem, in file
order.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.extends import read_chain
from sim.scenario.levers import Lever, check_levers
from sim.scenario.located import Loc, Shadow, flatten
from sim.scenario.messages import validation_issues
from sim.scenario.overrides import apply_overrides
from sim.scenario.paths import to_dotted, to_path
from sim.scenario.references import check_references
from sim.scenario.salvage import Salvaged, salvage
from sim.scenario.schema import Scenario
from sim.scenario.structure import check_structure, duplicate_ids
from sim.scenario.text import show


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from: for manifests and reproducible runs."""

    scenario: Scenario
    path: Path
    document: dict[str, Any]  # resolved document (extends merged, --set applied), before validation
    overrides: dict[str, Any]  # applied --set values, key → parsed value, in order
    sha256: str  # `scenario_sha256(scenario)`
    files: tuple[Path, ...] = field(default=())  # the file, then the files it extends


def load(path: str | Path, sets: Sequence[str] = ()) -> LoadedScenario:
    """Load, merge, override and validate a scenario file; raise `ScenarioError` listing all problems."""
    path = Path(path)
    doc, shadow, files = read_chain(path)
    overrides, problems = apply_overrides(doc, shadow, sets)
    where = _Locator(doc, shadow, str(path))
    duplicates = duplicate_ids(doc)
    problems += [where.problem(at, at, message) for at, message in duplicates]
    try:
        stand_in = Salvaged(Scenario.model_validate(doc))
    except ValidationError as exc:
        issues = validation_issues(exc, doc)
        problems += [
            where.problem(i.path, i.at, i.message)
            for i in issues
            if not _within(i.path, [at for at, _ in duplicates])
        ]
        stand_in = salvage(doc, issues)
    if (scenario := stand_in.scenario) is not None:
        dumped = scenario.model_dump(mode="json", by_alias=True) if scenario.levers else {}
        found = [*check_references(scenario), *check_structure(scenario)]
        levers = check_levers(scenario.levers, dumped)
        if not levers and not problems:
            levers = _lever_positions(doc, scenario)
        for dotted, message in [*found, *levers]:
            at = to_path(doc, dotted)
            if stand_in.keeps(at, message):
                problems.append(where.problem(at, at, message))
    if problems or scenario is None:
        raise ScenarioError(_ordered(problems, files))
    return LoadedScenario(scenario, path, doc, overrides, scenario_sha256(scenario), tuple(files))


def _lever_positions(doc: dict[str, Any], scenario: Scenario) -> list[tuple[str, str]]:
    """(lever path, message) for each position of a lever that sets a value the schema refuses
    (checked at the positions other than the default: each option, min and max, on and off).
    Positions of different levers are tried together, so a few validations check them all."""
    pending = []
    for name, lever in scenario.levers.items():
        if lever.kind == "choice":
            positions: list[Any] = list(lever.options or {})
        elif lever.kind == "range":
            positions = [lever.min, lever.max]
        else:
            positions = [True, False]
        at = to_path(doc, lever.key)
        pending += [(name, lever, p, at) for p in positions if not lever.at_default(p)]
    found: list[tuple[str, str]] = []
    while pending:
        batch: list[tuple[str, Lever, Any, tuple[Any, ...]]] = []
        for item in pending:
            name, at = item[0], item[3]
            if all(name != b[0] and not _nested(at, b[3]) for b in batch):
                batch.append(item)
        pending = [item for item in pending if item not in batch]
        variant = copy.deepcopy(doc)
        for _, lever, position, at in batch:
            node: Any = variant
            for seg in at[:-1]:
                node = node[seg]
            node[at[-1]] = copy.deepcopy(lever.value(position))
        try:
            Scenario.model_validate(variant)
        except ValidationError as exc:
            issues = validation_issues(exc, variant)
            for name, lever, position, at in batch:
                issue = next((i for i in issues if i.path[: len(at)] == at), None)
                if issue is not None:
                    found.append(
                        (
                            f"levers.{name}",
                            f"position {lever.show(position)} sets {lever.key} to "
                            f"{show(lever.value(position))}: {issue.message}",
                        )
                    )
    return found


def _nested(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """True when one path is the other or lies within it."""
    return a[: len(b)] == b or b[: len(a)] == a


def _within(path: tuple[Any, ...], prefixes: list[tuple[Any, ...]]) -> bool:
    return any(path[: len(p)] == p for p in prefixes)


def load_scenario(path: str | Path, sets: Sequence[str] = ()) -> Scenario:
    """The validated `Scenario` of a file (see `load`)."""
    return load(path, sets).scenario


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON: independent of key order and formatting,
    and of its `levers:` (which only say what the workshop page may change)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude={"levers"})
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Locator:
    """Finds the file and line where a key path was last set."""

    def __init__(self, doc: dict[str, Any], shadow: Shadow, main_file: str) -> None:
        self.doc = doc
        self.locs = flatten(shadow)
        self.main_file = main_file

    def problem(self, path: tuple[Any, ...], at: tuple[Any, ...], message: str) -> Problem:
        loc = self._loc(at)
        return Problem(loc.file, loc.line, to_dotted(self.doc, path), message)

    def _loc(self, at: tuple[Any, ...]) -> Loc:
        for n in range(len(at), 0, -1):
            if (loc := self.locs.get(at[:n])) is not None:
                return loc
        return Loc(self.main_file, None)


def _ordered(problems: list[Problem], files: Sequence[Path]) -> list[Problem]:
    """Problems of `--set` first, then by file (the scenario, then the files it extends), then
    line (problems without a line first), keeping order otherwise."""
    rank = {str(f): n for n, f in enumerate(files)}
    return sorted(
        problems,
        key=lambda p: (
            -1 if p.file.startswith("--set") else rank.get(p.file, len(rank)),
            p.line or 0,
        ),
    )
