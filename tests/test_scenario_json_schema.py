"""Every shipped scenario validates in an editor against the published JSON Schemas.

Files that stand alone are checked against `docs/scenario.schema.json`, files that `extends`
another against `docs/scenario-extends.schema.json`. YAML is read as an editor reads it (YAML 1.2
numbers such as `2.5e8`; dates as text).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sim.scenario.docs import partial_json_schema_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHIPPED = sorted([*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "notebooks").glob("*.yaml")])


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 floats (`2.5e8` is a number, as in editors)."""


_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _schema(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((DOCS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_committed_partial_schema_is_current() -> None:
    committed = (DOCS / "scenario-extends.schema.json").read_text(encoding="utf-8")
    assert committed == partial_json_schema_text(), "stale: run `python -m sim.scenario.docs docs`"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_validates_against_its_schema(path: Path) -> None:
    doc = _as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader))
    name = "scenario-extends.schema.json" if "extends" in doc else "scenario.schema.json"
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _schema(name).iter_errors(doc)]
    assert errors == []


def test_schemas_refuse_what_the_loader_refuses() -> None:
    full, partial = _schema("scenario.schema.json"), _schema("scenario-extends.schema.json")
    lane = {"origin": "CN", "destination": "JP", "transit_days": 0}
    assert not partial.is_valid({"extends": "base.yaml", "lanes": [lane]})  # transit > 0
    assert partial.is_valid({"extends": "base.yaml", "lanes": [{**lane, "transit_days": 3}]})
    assert not partial.is_valid({"extends": "base.yaml", "buyers": {"a.b": {}}})  # id pattern
    assert not partial.is_valid({"name": "no_extends"})  # a partial file must extend
    assert partial.is_valid({"extends": "base.yaml", "buyers": {"a": None}})  # null deletes
    assert not full.is_valid({"extends": "base.yaml", "name": "x"})  # the full file is complete
