"""What scenario files a directory holds: name, base, horizon, policies, description."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load

DESCRIPTION_WIDTH = 90


@dataclass(frozen=True)
class Entry:
    path: Path
    name: str
    extends: str
    horizon: str
    policies: int
    description: str
    problems: int = 0


def catalog(directory: Path) -> list[Entry]:
    """Every `*.yaml` scenario in `directory`, sorted by file name; files with problems are
    listed with their problem count instead of failing the listing."""
    entries = []
    for path in sorted(Path(directory).glob("*.yaml")):
        base = _extends_of(path)
        try:
            sc = load(path).scenario
        except ScenarioError as exc:
            entries.append(Entry(path, path.stem, base, "", 0, "", len(exc.problems)))
            continue
        first = textwrap.shorten(sc.description, DESCRIPTION_WIDTH, placeholder=" …")
        entries.append(
            Entry(
                path,
                sc.name,
                base,
                f"{sc.horizon.start} – {sc.horizon.end}",
                len(sc.policies),
                first,
            )
        )
    return entries


def _extends_of(path: Path) -> str:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    return str(doc.get("extends") or "") if isinstance(doc, dict) else ""
