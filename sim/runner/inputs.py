"""Scenario inputs for compare and sweep: files, loaded scenarios, `Scenario` objects or dicts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.scenario.loader import LoadedScenario, load, scenario_sha256
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Input:
    """A scenario to run, with its resolved document and where it came from."""

    scenario: Scenario
    document: dict[str, Any]
    sha256: str
    file: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()


def as_input(source: Any, sets: Sequence[str] = ()) -> Input:
    """Resolve a path (loaded with `sets`), `LoadedScenario`, `Scenario` or scenario dict."""
    if isinstance(source, str | Path):
        source = load(source, sets)
    elif sets:
        raise ValueError("overrides (sets) apply to scenario files only")
    if isinstance(source, LoadedScenario):
        return Input(
            source.scenario,
            source.document,
            source.sha256,
            str(source.path),
            tuple(source.overrides.items()),
        )
    if isinstance(source, dict):
        source = Scenario.model_validate(source)
    if isinstance(source, Scenario):
        doc = source.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return Input(source, doc, scenario_sha256(source))
    raise TypeError(f"cannot read a scenario from {type(source).__name__}")


def value_text(v: Any) -> str:
    """A Python value as the VALUE of `--set KEY=VALUE` (YAML)."""
    if isinstance(v, str):
        return v
    if isinstance(v, dt.date):
        return v.isoformat()
    return json.dumps(v)


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names made unique by suffixing repeats with #2, #3, …"""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out
